#include "ui/session.h"

#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSaveFile>

namespace cl {

namespace {

constexpr const char* kFormat = "creditlens-session";

std::string err(const QString& source, const QString& message) {
    return QObject::tr("%1: %2").arg(source, message).toStdString();
}

} // namespace

QByteArray Session::toJson() const {
    const QJsonObject o{{"format", kFormat},
                        {"version", kVersion},
                        {"policy", policyDir},
                        {"reference", referenceDir},
                        {"prompt", prompt},
                        {"response", response},
                        {"rejected_response", rejectedResponse},
                        {"compare", compare},
                        {"beta", beta},
                        {"template", templateName},
                        {"color_pinned", colorPinned},
                        {"color_limit", colorLimit},
                        {"preferences_file", preferencesFile},
                        {"preference_index", preferenceIndex}};
    return QJsonDocument(o).toJson(QJsonDocument::Indented);
}

Result<Session> Session::fromJson(const QByteArray& json, const QString& source) {
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(json, &parseError);
    if (parseError.error != QJsonParseError::NoError) {
        return Error{err(source, QObject::tr("not valid JSON at byte %1 (%2).")
                                     .arg(parseError.offset)
                                     .arg(parseError.errorString()))};
    }
    if (!doc.isObject() || doc.object().value("format").toString() != kFormat) {
        return Error{err(source, QObject::tr("field \"format\" should be \"%1\"; this is not a "
                                             "CreditLens session.")
                                     .arg(kFormat))};
    }
    const QJsonObject o = doc.object();
    const int version = o.value("version").toInt(0);
    if (version < 1 || version > kVersion) {
        return Error{err(source, QObject::tr("field \"version\" is %1; this CreditLens reads "
                                             "version 1 to %2.")
                                     .arg(version)
                                     .arg(kVersion))};
    }
    // Type checks for the fields a user might edit by hand.
    for (const char* key : {"policy", "reference", "prompt", "response", "rejected_response",
                            "template", "preferences_file"}) {
        if (o.contains(key) && !o.value(key).isString()) {
            return Error{err(source, QObject::tr("field \"%1\" should be a string.").arg(key))};
        }
    }
    for (const char* key : {"beta", "color_limit", "preference_index"}) {
        if (o.contains(key) && !o.value(key).isDouble()) {
            return Error{err(source, QObject::tr("field \"%1\" should be a number.").arg(key))};
        }
    }
    Session s;
    s.policyDir = o.value("policy").toString();
    s.referenceDir = o.value("reference").toString();
    s.prompt = o.value("prompt").toString();
    s.response = o.value("response").toString();
    s.rejectedResponse = o.value("rejected_response").toString();
    s.compare = o.value("compare").toBool(false);
    s.beta = o.value("beta").toDouble(0.1);
    s.templateName = o.value("template").toString(QStringLiteral("tldr"));
    s.colorPinned = o.value("color_pinned").toBool(false);
    s.colorLimit = o.value("color_limit").toDouble(1.0);
    s.preferencesFile = o.value("preferences_file").toString();
    s.preferenceIndex = o.value("preference_index").toInt(0);
    if (!(s.beta > 0.0) || !(s.colorLimit > 0.0)) {
        return Error{err(source, QObject::tr("fields \"beta\" and \"color_limit\" should be "
                                             "positive."))};
    }
    return s;
}

Status Session::save(const QString& path) const {
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly)) {
        return Error{err(path, QObject::tr("cannot write (%1).").arg(file.errorString()))};
    }
    file.write(toJson());
    if (!file.commit()) {
        return Error{err(path, QObject::tr("cannot write (%1).").arg(file.errorString()))};
    }
    return Ok{};
}

Result<Session> Session::load(const QString& path) {
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        return Error{err(path, QObject::tr("cannot open (%1).").arg(file.errorString()))};
    }
    return fromJson(file.readAll(), path);
}

} // namespace cl
