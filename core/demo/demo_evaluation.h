#pragma once
// The demo's claims, measured on its shipped files with the app's own scorer (template "tldr",
// beta 0.1, EOS scored): where the lowest per-token reward of a rejected summary lands, pair
// accuracy by summed reward, and the trend of rewards/chosen in the two DPO logs (Figure 3 of
// Rafailov et al., "From r to Q*"). Facade header: std types only.

#include "core/common/progress.h"
#include "core/common/result.h"

#include <string>

namespace cl::demo {

struct DemoMeasurements {
    int pairs = 0;
    /// Share of rejected summaries whose lowest-reward token's byte span overlaps one of the
    /// recorded error spans (target >= 0.8).
    double errorSpanShare = 0.0;
    /// Share of pairs with sum r(chosen) > sum r(rejected) (target >= 0.9).
    double pairAccuracy = 0.0;
    double meanMargin = 0.0;
    /// rewards/chosen of each DPO log: mean of the first 10% of entries and of the last 25%,
    /// and the lowest entry.
    double sftChosenStart = 0.0, sftChosenEnd = 0.0;
    double noSftChosenStart = 0.0, noSftChosenEnd = 0.0, noSftChosenMin = 0.0;
};

/// Reads dir/policy, dir/reference, dir/pairs.jsonl, dir/dpo_from_sft and dir/dpo_without_sft
/// (as written by buildDemo) and measures. Errors name the missing or malformed file.
Result<DemoMeasurements> measureDemo(const std::string& dir, const ProgressFn& progress = {});

/// The measurements as a JSON object text (also written into demo_results.json).
std::string measurementsJson(const DemoMeasurements& m);

} // namespace cl::demo
