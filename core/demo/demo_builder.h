#pragma once
// The embedded demo (issue #9): a tiny DPO experiment trained end to end by CreditLens's own
// LibTorch code. Facade header: std types only (the CLI includes it without torch).

#include "core/common/progress.h"
#include "core/common/result.h"
#include "core/demo/demo_evaluation.h"

#include <cstdint>
#include <string>
#include <vector>

namespace cl::demo {

struct DemoOptions {
    std::string outDir;          ///< receives policy/, reference/, the two logs, pairs.jsonl
    uint64_t seed = 1;
    int trainPairs = 3000;
    int heldOutPairs = 200;
    int vocabSize = 1024;
    int hidden = 128, layers = 4, heads = 4, intermediate = 512;
    int baseEpochs = 4, sftEpochs = 5, dpoEpochs = 2;
    int batchSize = 16;          ///< sequences per LM/SFT step, pairs per DPO step
    double baseLr = 2e-3, sftLr = 1e-3, dpoLr = 1e-4;
    double beta = 0.1;
    int logEvery = 5;
    bool keepWork = false;       ///< keep outDir/work (corpus, base model, no-SFT policy)
    /// Reuse outDir/work/base and outDir/reference when they exist (a kept earlier run with the
    /// same options): training is deterministic, so the result is the same as a fresh run.
    bool resume = false;
};

struct DemoReport {
    double seconds = 0.0;
    std::vector<std::pair<std::string, double>> stageSeconds;
    int64_t parameters = 0;
    int64_t vocabSize = 0;
    DemoMeasurements measurements;
};

/// Runs every stage: data, tokenizer (spm_train), base LM on posts, SFT (-> reference/), DPO
/// from SFT (-> policy/, dpo_from_sft/trainer_state.json), DPO from the base model without SFT
/// (-> dpo_without_sft/trainer_state.json), held-out pairs.jsonl, then measures the result and
/// writes demo_results.json. Progress reports each stage's steps ("sft loss 1.234"); returning
/// false cancels (Error{kCancelledMessage}). Deterministic for a given seed, thread count and
/// BLAS library (parallel float reductions depend on the thread split).
Result<DemoReport> buildDemo(const DemoOptions& options, const ProgressFn& progress = {});

} // namespace cl::demo
