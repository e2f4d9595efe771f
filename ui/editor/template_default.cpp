#include "ui/editor/template_default.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace cl {

namespace {

bool hasTokenizer(const QString& dir) {
    return QFileInfo::exists(dir + "/tokenizer.json") || QFileInfo::exists(dir + "/tokenizer.model");
}

// The key is checked here rather than through core/text/tokenizer_config (whose chat-template
// reading is being added separately): a non-empty string or a non-empty list means one exists.
bool hasChatTemplate(const QString& dir) {
    QFile file(dir + "/tokenizer_config.json");
    if (!file.open(QIODevice::ReadOnly)) {
        return false;
    }
    const QJsonValue v = QJsonDocument::fromJson(file.readAll()).object().value("chat_template");
    return (v.isString() && !v.toString().trimmed().isEmpty()) ||
           (v.isArray() && !v.toArray().isEmpty());
}

} // namespace

TemplateChoice defaultTemplateFor(const QString& policyDir, const QString& referenceDir,
                                  const QString& demoDir) {
    const QString tokDir = hasTokenizer(policyDir) || referenceDir.isEmpty() ? policyDir
                                                                             : referenceDir;
    if (hasChatTemplate(tokDir)) {
        return {QStringLiteral("chat"),
                QObject::tr("Template: Chat, because the model's tokenizer_config.json has a "
                            "chat_template.")};
    }
    const QString policy = QFileInfo(policyDir).canonicalFilePath();
    if (!demoDir.isEmpty() && !policy.isEmpty() &&
        policy == QFileInfo(demoDir + "/policy").canonicalFilePath()) {
        return {QStringLiteral("tldr"),
                QObject::tr("Template: TL;DR, the layout the bundled demo was trained on.")};
    }
    return {QStringLiteral("raw"),
            QObject::tr("Template: Raw (prompt then response): the model names no chat "
                        "template and is not the TL;DR demo.")};
}

} // namespace cl
