#pragma once
// A fixture model folder whose tokenizer (stories260k's sentencepiece model, 512 ids inside the
// models' 1000) comes with a chat template written by the test (issue #15 item 3). Weights and
// tokenizer are symlinked; tokenizer_config.json is stories260k's plus "chat_template".

#include "scoring_fixture.h"

#include <nlohmann/json.hpp>

#include <fstream>

namespace cl::test {

/// "### role:\n" + content per message; an assistant message ends with " The end." (a
/// terminal action of several tokens, written after every assistant turn); the generation
/// prompt is "### assistant:\n". No BOS: sentencepiece does not read "<s>" in text.
inline const char* kTestChatTemplate =
    "{% for m in messages %}{{ '### ' + m['role'] + ':\\n' + m['content'] }}"
    "{% if m['role'] == 'assistant' %}{{ ' The end.' }}{% endif %}{{ '\\n' }}{% endfor %}"
    "{% if add_generation_prompt %}{{ '### assistant:\\n' }}{% endif %}";

inline QString makeChatModelFolder(const QTemporaryDir& tmp, const QString& model,
                                   const QString& name,
                                   const std::string& chatTemplate = kTestChatTemplate) {
    const QString dir = makeModelFolder(tmp, model, name, /*withTokenizer=*/false);
    QFile::link(fixturePath("stories260k/tokenizer.model"), dir + "/tokenizer.model");
    std::ifstream in(fixtureStd("stories260k/tokenizer_config.json"));
    nlohmann::ordered_json config = nlohmann::ordered_json::parse(in);
    config["chat_template"] = chatTemplate;
    std::ofstream((dir + "/tokenizer_config.json").toStdString()) << config.dump(2);
    return dir;
}

} // namespace cl::test
