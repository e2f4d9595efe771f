#include "ui/dataset/dataset_file.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QObject>

#include <algorithm>

namespace cl {

namespace {

bool isConversation(const QJsonValue& v) {
    return v.isArray() && !v.toArray().isEmpty() && v.toArray().first().isObject() &&
           v.toArray().first().toObject().contains("role");
}

std::optional<std::vector<std::pair<qint64, qint64>>> spansOf(const QJsonValue& v, bool* bad) {
    std::vector<std::pair<qint64, qint64>> spans;
    *bad = !v.isArray();
    for (const QJsonValue& s : v.toArray()) {
        const QJsonArray a = s.toArray();
        if (!s.isArray() || a.size() != 2 || !a[0].isDouble() || !a[1].isDouble()) {
            *bad = true;
            break;
        }
        spans.emplace_back(a[0].toInteger(), a[1].toInteger());
    }
    if (*bad) {
        return std::nullopt;
    }
    return spans;
}

} // namespace

Result<DatasetFile> DatasetFile::load(const QString& path) {
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        return Error{
            QObject::tr("%1: cannot open (%2).").arg(path, file.errorString()).toStdString()};
    }
    return parse(file.readAll(), path);
}

Result<DatasetFile> DatasetFile::parse(const QByteArray& data, const QString& source) {
    DatasetFile f;
    // Split on '\n' as core's scoreJsonl does (std::getline), so line numbers agree.
    const QList<QByteArray> lines = data.split('\n');
    for (qsizetype i = 0; i < lines.size(); ++i) {
        const QByteArray line = lines[i].trimmed();
        if (line.isEmpty()) {
            continue;
        }
        const qint64 lineNo = i + 1;
        auto warn = [&](const QString& message) {
            f.m_warnings.push_back(
                {lineNo, QString("%1:%2: %3").arg(source).arg(lineNo).arg(message).toStdString()});
        };
        QJsonParseError e;
        const QJsonDocument doc = QJsonDocument::fromJson(line, &e);
        if (e.error != QJsonParseError::NoError || !doc.isObject()) {
            warn(QObject::tr("not a JSON object"));
            continue;
        }
        const QJsonObject o = doc.object();
        if (isConversation(o.value("chosen")) || isConversation(o.value("rejected")) ||
            isConversation(o.value("prompt")) || isConversation(o.value("messages"))) {
            return Error{QObject::tr("%1 line %2 holds TRL's conversational layout (lists of "
                                     "role/content messages); the Dataset view scores plain-text "
                                     "{prompt, chosen, rejected} lines only until chat-template "
                                     "scoring of messages exists.")
                             .arg(source)
                             .arg(lineNo)
                             .toStdString()};
        }
        if (!o.value("prompt").isString() || !o.value("chosen").isString() ||
            !o.value("rejected").isString()) {
            warn(QObject::tr("expected string fields \"prompt\", \"chosen\" and \"rejected\""));
            continue;
        }
        DatasetEntry entry{lineNo, o.value("prompt").toString(), o.value("chosen").toString(),
                           o.value("rejected").toString(), std::nullopt};
        if (o.contains("rejected_error_spans")) {
            bool bad = false;
            entry.rejectedErrorSpans = spansOf(o.value("rejected_error_spans"), &bad);
            if (bad) {
                warn(QObject::tr("\"rejected_error_spans\" should be a list of [start, end] byte "
                                 "offsets; ignored"));
            } else {
                f.m_hasSpans = true;
            }
        }
        f.m_entries.push_back(std::move(entry));
    }
    if (f.m_entries.empty()) {
        return Error{QObject::tr("%1: no line has string fields \"prompt\", \"chosen\" and "
                                 "\"rejected\" (expected a JSONL preference file).")
                         .arg(source)
                         .toStdString()};
    }
    return f;
}

int DatasetFile::indexOfLine(qint64 line) const {
    const auto it = std::lower_bound(m_entries.begin(), m_entries.end(), line,
                                     [](const DatasetEntry& e, qint64 l) { return e.line < l; });
    return it != m_entries.end() && it->line == line ? static_cast<int>(it - m_entries.begin())
                                                     : -1;
}

} // namespace cl
