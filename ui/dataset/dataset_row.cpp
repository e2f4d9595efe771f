#include "ui/dataset/dataset_row.h"

namespace cl {

LowestToken lowestToken(const ResponseScore& score) {
    LowestToken low;
    for (size_t i = 0; i < score.tokens.size(); ++i) {
        const TokenScore& t = score.tokens[i];
        if (low.position < 0 || t.reward < low.reward) {
            low = {QString::fromStdString(t.text), t.reward, static_cast<int>(i), t.start, t.end};
        }
    }
    return low;
}

DatasetRow makeDatasetRow(int entry, qint64 line, const ResponseScore& chosen,
                          const ResponseScore& rejected,
                          const std::optional<std::vector<std::pair<qint64, qint64>>>& spans) {
    DatasetRow row;
    row.entry = entry;
    row.line = line;
    row.sumChosen = chosen.rewardSum;
    row.sumRejected = rejected.rewardSum;
    // As core/engine/batch_scoring.cpp computes them, so the row equals `creditlens-cli score`.
    row.margin = chosen.rewardSum - rejected.rewardSum;
    row.pChosen = bradleyTerry(chosen.rewardSum, rejected.rewardSum);
    row.correct = row.margin > 0;
    row.lowestChosen = lowestToken(chosen);
    row.lowestRejected = lowestToken(rejected);
    row.tokensChosen = static_cast<int>(chosen.tokens.size());
    row.tokensRejected = static_cast<int>(rejected.tokens.size());
    if (spans && row.lowestRejected.position >= 0) {
        // Overlap, as core/demo/demo_evaluation.cpp counts "inside an error span".
        bool in = false;
        for (const auto& [b0, b1] : *spans) {
            in = in || (row.lowestRejected.start < b1 && b0 < row.lowestRejected.end);
        }
        row.lowestInErrorSpan = in;
    }
    return row;
}

} // namespace cl
