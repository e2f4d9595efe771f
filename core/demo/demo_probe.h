#pragma once
// Std-typed entry points into the demo trainer for tests: tests are Qt Test executables and a
// translation unit that includes Qt may not include torch (DESIGN.md platform fact 1), so the
// training path is probed through this facade and checked against the app's inference path.

#include "core/common/result.h"

#include <cstdint>
#include <string>
#include <vector>

namespace cl::demo {

/// A (prompt, response) sequence given as ids; the response's log-probs count.
struct ProbeSequence {
    std::vector<int32_t> promptIds;
    std::vector<int32_t> responseIds;
};

struct DpoProbe {
    /// Summed response log-probs from the trainer's batched, right-padded forward pass.
    std::vector<double> policyChosen, policyRejected, refChosen, refRejected;
    double loss = 0.0;          ///< dpoLoss on those sums (batch mean)
    double lossAfterStep = 0.0; ///< the same batch after one AdamW step on the policy
    double gradNorm = 0.0;
};

/// Writes a random GPT-NeoX HF folder (config.json + model.safetensors, no tokenizer).
Status writeRandomNeox(const std::string& folder, int64_t vocabSize, int hidden, int layers,
                       int heads, int intermediate, uint64_t seed);

/// Loads policyDir for training and referenceDir frozen, computes the DPO loss of the batch,
/// takes one AdamW step (learning rate lr) and recomputes it. When savePolicyTo is not empty the
/// stepped policy is saved there (HF folder) so a test can reload it with the app's scorer.
Result<DpoProbe> probeDpoStep(const std::string& policyDir, const std::string& referenceDir,
                              const std::vector<ProbeSequence>& chosen,
                              const std::vector<ProbeSequence>& rejected, double beta, double lr,
                              const std::string& savePolicyTo = {});

} // namespace cl::demo
