#pragma once
// One scored pair of the Dataset view: the numbers of a table row, computed from the two
// ResponseScores exactly as core's scoreJsonl and the demo evaluation compute them (margin =
// Σr chosen − Σr rejected, P = σ(margin), correct = margin > 0, "lowest token in an error span"
// = the lowest-r token of rejected overlaps a span). Plain data; any thread.

#include "core/engine/scoring_types.h"
#include "ui/dataset/dataset_file.h"

#include <QString>

#include <optional>

namespace cl {

/// The lowest-reward token of one response.
struct LowestToken {
    QString text; ///< the token's surface text ("</s>" style for EOS as decoded)
    double reward = 0.0;
    int position = -1; ///< index into the response's tokens, -1 when it has none
    qint64 start = 0;  ///< byte span in the response
    qint64 end = 0;
};

struct DatasetRow {
    int entry = -1;  ///< index into DatasetFile::entries()
    qint64 line = 0; ///< 1-based line in the file
    double sumChosen = 0.0;
    double sumRejected = 0.0;
    double margin = 0.0;
    double pChosen = 0.5;
    bool correct = false;
    LowestToken lowestChosen;
    LowestToken lowestRejected;
    int tokensChosen = 0; ///< scored tokens (EOS included when scored)
    int tokensRejected = 0;
    /// The lowest rejected token overlaps rejected_error_spans; nullopt without spans (or when
    /// the rejected text was edited, so the spans no longer apply).
    std::optional<bool> lowestInErrorSpan;
    bool edited = false; ///< numbers from the editor after the user changed the pair's texts
};

/// The lowest-r token of `score` (the first of equal ones).
LowestToken lowestToken(const ResponseScore& score);

/// A row from the two scores. `spans`: the entry's rejected_error_spans, if any.
DatasetRow makeDatasetRow(int entry, qint64 line, const ResponseScore& chosen,
                          const ResponseScore& rejected,
                          const std::optional<std::vector<std::pair<qint64, qint64>>>& spans);

} // namespace cl
