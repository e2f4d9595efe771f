#include "ui/editor/preference_set.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QObject>

namespace cl {

namespace {

/// A field as text: a string, or TRL's conversational form [{"role","content"}, ...] joined.
std::optional<QString> textOf(const QJsonValue& v) {
    if (v.isString()) {
        return v.toString();
    }
    if (v.isArray()) {
        QStringList parts;
        for (const QJsonValue& m : v.toArray()) {
            if (!m.isObject() || !m.toObject().value("content").isString()) {
                return std::nullopt;
            }
            parts << m.toObject().value("content").toString();
        }
        return parts.join(QLatin1Char('\n'));
    }
    return std::nullopt;
}

} // namespace

Result<PreferenceSet> PreferenceSet::load(const QString& path) {
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        return Error{QObject::tr("%1: cannot open (%2).").arg(path, file.errorString()).toStdString()};
    }
    return parse(file.readAll(), path);
}

Result<PreferenceSet> PreferenceSet::parse(const QByteArray& data, const QString& source) {
    PreferenceSet set;
    const QList<QByteArray> lines = data.split('\n');
    for (qsizetype i = 0; i < lines.size(); ++i) {
        const QByteArray line = lines[i].trimmed();
        if (line.isEmpty()) {
            continue;
        }
        const int64_t lineNo = i + 1;
        QJsonParseError e;
        const QJsonDocument doc = QJsonDocument::fromJson(line, &e);
        if (e.error != QJsonParseError::NoError || !doc.isObject()) {
            set.m_warnings.push_back({lineNo, "not a JSON object"});
            continue;
        }
        const QJsonObject o = doc.object();
        const auto chosen = textOf(o.value("chosen"));
        const auto rejected = textOf(o.value("rejected"));
        if (!chosen || !rejected) {
            set.m_warnings.push_back(
                {lineNo, "expected string fields \"chosen\" and \"rejected\""});
            continue;
        }
        const auto prompt = o.contains("prompt") ? textOf(o.value("prompt")) : QString();
        if (!prompt) {
            set.m_warnings.push_back({lineNo, "field \"prompt\" should be a string"});
            continue;
        }
        set.m_pairs.push_back({*prompt, *chosen, *rejected});
    }
    if (set.m_pairs.empty()) {
        return Error{QObject::tr("%1: no line has the fields \"chosen\" and \"rejected\" "
                                 "(expected JSONL with prompt/chosen/rejected).")
                         .arg(source)
                         .toStdString()};
    }
    set.m_outcomes.assign(set.m_pairs.size(), std::nullopt);
    return set;
}

void PreferenceSet::setOutcome(int index, bool correct) {
    if (index >= 0 && index < size()) {
        m_outcomes[index] = correct;
    }
}

std::optional<bool> PreferenceSet::outcome(int index) const {
    return index >= 0 && index < size() ? m_outcomes[index] : std::nullopt;
}

int PreferenceSet::scoredCount() const {
    int n = 0;
    for (const auto& o : m_outcomes) {
        n += o.has_value();
    }
    return n;
}

int PreferenceSet::correctCount() const {
    int n = 0;
    for (const auto& o : m_outcomes) {
        n += o.value_or(false);
    }
    return n;
}

double PreferenceSet::accuracy() const {
    const int n = scoredCount();
    return n == 0 ? 0.0 : static_cast<double>(correctCount()) / n;
}

} // namespace cl
