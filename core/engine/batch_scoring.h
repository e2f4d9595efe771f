#pragma once
// Scores a JSONL file of preference pairs or single responses with a RewardScorer (issue #5):
// per line the rewards, per file accuracy, mean margin and a histogram of r_t.

#include "core/common/progress.h"
#include "core/common/result.h"
#include "core/common/warning.h"
#include "core/engine/score_request.h"

#include <functional>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace cl {

/// One scored input line. Lines are {"prompt","response"}, {"prompt_ids","response_ids"} (ids
/// used as given) or {"prompt","chosen","rejected"} (the HF datasets convention), or TRL's
/// conversational formats, always scored with the "chat" template (issue #15):
/// {"prompt": [messages], "chosen": [messages], "rejected": [messages]} (the response is the
/// completion's last message, an assistant one; earlier completion messages join the prompt),
/// {"chosen": [conversation], "rejected": [conversation]} (implicit prompt),
/// {"messages": [conversation]} and {"prompt": [messages], "completion": [messages]} for one
/// response. A message is {"role": string, "content": string}.
struct BatchLine {
    int64_t line = 0;                      ///< 1-based line number in the file
    std::optional<ResponseScore> response; ///< single-response lines
    std::optional<ResponseScore> chosen;   ///< pair lines
    std::optional<ResponseScore> rejected;
    double margin = 0.0;                   ///< sum r(chosen) - sum r(rejected)
    double pChosen = 0.5;                  ///< sigma(margin)
};

struct Histogram {
    double lo = 0.0, hi = 0.0;      ///< range of the bins
    std::vector<int64_t> counts;    ///< equal-width bins over [lo, hi]
};

struct BatchSummary {
    int64_t lines = 0;   ///< lines scored
    int64_t pairs = 0;
    int64_t correct = 0; ///< pairs whose chosen response has the larger sum r
    double accuracy = 0.0;
    double meanMargin = 0.0;
    Histogram rewardHistogram; ///< of every scored token's r_t
    std::vector<ParseWarning> warnings; ///< bad lines, skipped with their line numbers
};

/// Scores every line; onLine receives each result as it is ready. progress counts lines
/// (total = line count); cancel returns Error{kCancelledMessage}. Lines in skipLines (1-based,
/// `score --resume`: already in the output) are left out.
Result<BatchSummary> scoreJsonl(ResponseScorer& scorer, const std::string& path,
                                const ScoreRequest& defaults,
                                const std::function<void(const BatchLine&)>& onLine,
                                const ProgressFn& progress = {},
                                const std::set<int64_t>& skipLines = {});

/// One line of such a file scored; the Error is the line's problem in one sentence (without the
/// path and line number).
Result<BatchLine> scoreJsonLine(ResponseScorer& scorer, const std::string& text, int64_t lineNo,
                                const ScoreRequest& defaults);

/// Sums scored lines into a BatchSummary (pairs, accuracy, mean margin, reward histogram).
class BatchTally {
public:
    void add(const BatchLine& line);
    void warn(ParseWarning warning);
    BatchSummary finish();

private:
    BatchSummary m_summary;
    std::vector<double> m_rewards;
    double m_marginSum = 0;
};

/// The file's lines, split as std::getline does (so line numbers agree everywhere).
Result<std::vector<std::string>> readLines(const std::string& path);
bool isBlank(const std::string& line);

/// Equal-width histogram with `bins` bins over the data's range.
Histogram makeHistogram(const std::vector<double>& values, int bins = 40);

} // namespace cl
