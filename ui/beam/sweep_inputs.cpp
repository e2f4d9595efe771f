#include "ui/beam/sweep_inputs.h"

#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>

#include <algorithm>

namespace cl {

namespace {

constexpr int kMaxWidth = 32; // BeamOptions::width contract

template <class T> std::optional<T> fail(QString* error, const QString& message) {
    if (error) {
        *error = message;
    }
    return std::nullopt;
}

} // namespace

std::optional<std::vector<int>> parseSweepWidths(const QString& text, QString* error) {
    static const QRegularExpression separators(QStringLiteral("[,\\s]+"));
    std::vector<int> widths;
    for (const QString& part : text.split(separators, Qt::SkipEmptyParts)) {
        bool ok = false;
        const int w = part.toInt(&ok);
        if (!ok || w < 1 || w > kMaxWidth) {
            return fail<std::vector<int>>(
                error, QObject::tr("beam widths: '%1' is not a whole number from 1 to %2")
                           .arg(part)
                           .arg(kMaxWidth));
        }
        if (std::find(widths.begin(), widths.end(), w) != widths.end()) {
            return fail<std::vector<int>>(error,
                                          QObject::tr("beam widths: %1 is listed twice").arg(w));
        }
        widths.push_back(w);
    }
    if (widths.empty()) {
        return fail<std::vector<int>>(
            error, QObject::tr("beam widths: expected a list such as 1,2,3,5,8"));
    }
    return widths;
}

QString formatSweepWidths(const std::vector<int>& widths) {
    QStringList parts;
    for (int w : widths) {
        parts << QString::number(w);
    }
    return parts.join(QLatin1Char(','));
}

std::optional<QStringList> readSweepPrompts(const QString& path, QString* error) {
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly | QIODevice::Text)) {
        return fail<QStringList>(
            error, QObject::tr("%1: cannot be read (%2)").arg(path, file.errorString()));
    }
    const QString suffix = QFileInfo(path).suffix().toLower();
    const bool json = suffix == QLatin1String("jsonl") || suffix == QLatin1String("json");
    QStringList prompts;
    int lineNo = 0;
    while (!file.atEnd()) {
        const QByteArray raw = file.readLine();
        ++lineNo;
        const QString line = QString::fromUtf8(raw).chopped(raw.endsWith('\n') ? 1 : 0);
        if (line.trimmed().isEmpty()) {
            continue;
        }
        if (!json) {
            prompts << line;
            continue;
        }
        QJsonParseError parseError;
        // Wrapping in [] lets QJsonDocument read a bare JSON string too.
        const QJsonDocument doc = QJsonDocument::fromJson("[" + raw + "]", &parseError);
        const QJsonValue v = doc.isArray() ? doc.array().at(0) : QJsonValue();
        if (v.isString()) {
            prompts << v.toString();
        } else if (v.isObject() && v.toObject().value("prompt").isString()) {
            prompts << v.toObject().value("prompt").toString();
        } else {
            return fail<QStringList>(
                error, QObject::tr("%1:%2: expected {\"prompt\": \"...\"} or a JSON string")
                           .arg(path)
                           .arg(lineNo));
        }
    }
    if (prompts.isEmpty()) {
        return fail<QStringList>(error, QObject::tr("%1: holds no prompts").arg(path));
    }
    return prompts;
}

} // namespace cl
