#include "ui/dataset/dataset_job.h"

namespace cl {

void RowInbox::push(DatasetRow row) {
    std::lock_guard lock(m_mutex);
    m_rows.push_back(std::move(row));
}

std::vector<DatasetRow> RowInbox::take() {
    std::lock_guard lock(m_mutex);
    return std::exchange(m_rows, {});
}

Result<BatchSummary> scoreDataset(PairScorer* scorer, const std::string& path,
                                  const DatasetFile& file, const ScoreRequest& defaults,
                                  RowInbox& inbox, const ProgressFn& progress) {
    if (!scorer) {
        return Error{"Load a policy and a reference model first (File → Open policy…)."};
    }
    // A fresh CLI process starts with empty caches; start from the same state, so each call
    // extends the cache exactly as there and the numbers do not depend on what the editor
    // scored before. (The editor's next score runs from scratch once.)
    scorer->resetCache();
    return scoreJsonl(
        *scorer, path, defaults,
        [&](const BatchLine& line) {
            if (!line.chosen || !line.rejected) {
                return; // a single-response line: not a pair
            }
            const int entry = file.indexOfLine(line.line);
            if (entry < 0) {
                return;
            }
            inbox.push(makeDatasetRow(entry, line.line, *line.chosen, *line.rejected,
                                      file.entries()[entry].rejectedErrorSpans));
        },
        progress);
}

} // namespace cl
