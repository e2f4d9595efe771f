#pragma once
// A preference file for the Dataset view (issue #17 item 1): JSONL, one {"prompt", "chosen",
// "rejected"} object per line, optionally with "rejected_error_spans" ([[b0, b1], ...], byte
// ranges in the UTF-8 of "rejected", as resources/demo/pairs.jsonl has them). Entries keep their
// 1-based line numbers, which are the ones core's scoreJsonl reports (BatchLine::line).
// TRL's conversational layout (lists of {"role", "content"} messages) is refused with a sentence
// until chat-template scoring of messages exists. GUI thread or any thread (no shared state).

#include "core/common/result.h"
#include "core/common/warning.h"

#include <QByteArray>
#include <QString>

#include <optional>
#include <utility>
#include <vector>

namespace cl {

struct DatasetEntry {
    qint64 line = 0; ///< 1-based line in the file
    QString prompt;
    QString chosen;
    QString rejected;
    /// Byte ranges [b0, b1) in rejected's UTF-8; nullopt when the line has no such field.
    std::optional<std::vector<std::pair<qint64, qint64>>> rejectedErrorSpans;
};

class DatasetFile {
public:
    /// Reads and parses `path`. Fails (one sentence naming the file) when it cannot be read,
    /// holds TRL's conversational layout, or has no usable pair; bad lines become warnings.
    static Result<DatasetFile> load(const QString& path);
    static Result<DatasetFile> parse(const QByteArray& data, const QString& source);

    const std::vector<DatasetEntry>& entries() const { return m_entries; }
    const std::vector<ParseWarning>& warnings() const { return m_warnings; }
    /// True when at least one entry carries rejected_error_spans.
    bool hasErrorSpans() const { return m_hasSpans; }
    /// Index into entries() of the entry on `line`, or -1.
    int indexOfLine(qint64 line) const;

private:
    std::vector<DatasetEntry> m_entries;
    std::vector<ParseWarning> m_warnings;
    bool m_hasSpans = false;
};

} // namespace cl
