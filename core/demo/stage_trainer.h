#pragma once
// The demo's training stages with LibTorch autograd: next-token training (base LM on posts,
// SFT on prompt + chosen summary) and DPO (sigmoid loss, summed log-probs, a frozen reference
// whose log-probs are computed once). Internal LibTorch header.

#include "core/common/progress.h"
#include "core/demo/sequence_batch.h"
#include "core/demo/trainer_state_log.h"
#include "core/engine/causal_lm.h"

#include <cstdint>
#include <string>
#include <vector>

namespace cl::demo {

struct StageOptions {
    int epochs = 1;
    int batchSize = 16;
    double lr = 1e-3;          ///< peak learning rate (linear warm-up, then linear decay)
    double warmupFraction = 0.05;
    double finalLrFraction = 0.1;
    double maxGradNorm = 1.0;
    double weightDecay = 0.0;
    uint64_t seed = 1;         ///< shuffling order
    int logEvery = 5;          ///< DPO: steps per log_history entry
};

/// Thrown when the progress callback returns false.
struct StageCancelled {};

/// Minimises the mean negative log-likelihood of the masked targets of `seqs`. progress gets
/// stage "<name> loss <x>" with done/total steps. Returns the mean loss of the last epoch.
double trainLm(CausalLm& lm, const std::vector<TokenSeq>& seqs, const StageOptions& options,
               int32_t padId, const std::string& name, const ProgressFn& progress);

/// Summed response log-probs of every sequence under lm, without gradients.
std::vector<double> sequenceLogps(const CausalLm& lm, const std::vector<TokenSeq>& seqs,
                                  int batchSize, int32_t padId);

/// DPO of `policy` on pairs (chosen[i], rejected[i]) against the given reference log-probs.
/// Logs TRL's metrics averaged over each logEvery steps.
TrainerStateLog trainDpo(CausalLm& policy, const std::vector<TokenSeq>& chosen,
                         const std::vector<TokenSeq>& rejected, const std::vector<double>& refChosen,
                         const std::vector<double>& refRejected, double beta,
                         const StageOptions& options, int32_t padId, const std::string& name,
                         const ProgressFn& progress);

} // namespace cl::demo
