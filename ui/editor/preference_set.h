#pragma once
// A preference data set (JSONL, one {"prompt", "chosen", "rejected"} object per line, as TRL's
// DPOTrainer reads) and the running classification accuracy while the user steps through it.
// Lines without "prompt" (Anthropic HH style) get an empty prompt. Bad lines become warnings.

#include "core/common/result.h"
#include "core/common/warning.h"

#include <QString>

#include <optional>
#include <vector>

namespace cl {

struct PreferencePair {
    QString prompt;
    QString chosen;
    QString rejected;
};

class PreferenceSet {
public:
    /// Reads a JSONL file. Fails only when the file cannot be read or has no usable line.
    static Result<PreferenceSet> load(const QString& path);
    static Result<PreferenceSet> parse(const QByteArray& data, const QString& source);

    const std::vector<PreferencePair>& pairs() const { return m_pairs; }
    const std::vector<ParseWarning>& warnings() const { return m_warnings; }
    int size() const { return static_cast<int>(m_pairs.size()); }

    /// Records whether pair `index` was classified correctly (Σr_chosen > Σr_rejected).
    void setOutcome(int index, bool correct);
    std::optional<bool> outcome(int index) const;
    int scoredCount() const;
    int correctCount() const;
    /// correct / scored, or 0 when nothing is scored.
    double accuracy() const;

private:
    std::vector<PreferencePair> m_pairs;
    std::vector<ParseWarning> m_warnings;
    std::vector<std::optional<bool>> m_outcomes;
};

} // namespace cl
