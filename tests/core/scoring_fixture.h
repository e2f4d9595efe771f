#pragma once
// A policy/reference pair with a real tokenizer, built from the shared fixtures in a temp dir:
// the GPT-NeoX fixture models (vocab 1000) with stories260k's sentencepiece tokenizer (512 ids,
// all inside the models' vocabulary). Files are symlinked, never copied into the project.

#include "common/fixtures.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>

namespace cl::test {

/// Makes <tmp>/<name>/ with a fixture model's config + weights and optionally the tokenizer.
inline QString makeModelFolder(const QTemporaryDir& tmp, const QString& model, const QString& name,
                               bool withTokenizer = true) {
    const QString dir = tmp.path() + "/" + name;
    QDir().mkpath(dir);
    const QString src = fixturePath("models/" + model);
    QFile::link(src + "/config.json", dir + "/config.json");
    QFile::link(src + "/model.safetensors", dir + "/model.safetensors");
    if (withTokenizer) {
        QFile::link(fixturePath("stories260k/tokenizer.model"), dir + "/tokenizer.model");
        QFile::link(fixturePath("stories260k/tokenizer_config.json"),
                    dir + "/tokenizer_config.json");
    }
    return dir;
}

} // namespace cl::test
