#pragma once
// What the Dataset view runs on the engine thread: the whole file through core's scoreJsonl,
// the function `creditlens-cli score` calls, with the same ScoreRequest settings, from an empty
// cache (resetCache) as a fresh CLI process starts, so the numbers are the CLI's. Each pair
// becomes a DatasetRow, pushed into a RowInbox that the GUI thread empties in chunks.

#include "core/engine/batch_scoring.h"
#include "core/engine/pair_scorer.h"
#include "ui/dataset/dataset_row.h"

#include <memory>
#include <mutex>
#include <vector>

namespace cl {

/// Rows handed from the engine thread to the GUI thread. Thread-safe.
class RowInbox {
public:
    void push(DatasetRow row);
    /// Everything pushed since the last take(), in order.
    std::vector<DatasetRow> take();

private:
    std::mutex m_mutex;
    std::vector<DatasetRow> m_rows;
};

/// Scores `path` with `scorer` (nullptr: "load a pair first") and `defaults` (template, EOS);
/// every {prompt, chosen, rejected} line that `file` also holds becomes a row in `inbox`.
/// Engine thread. progress counts lines; returning false cancels (Error{kCancelledMessage}).
Result<BatchSummary> scoreDataset(PairScorer* scorer, const std::string& path,
                                  const DatasetFile& file, const ScoreRequest& defaults,
                                  RowInbox& inbox, const ProgressFn& progress = {});

} // namespace cl
