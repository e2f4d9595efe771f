#pragma once
// Writes a TRL/HF-style trainer_state.json (LOGS.md: global_step, epoch, log_history with
// loss, rewards/*, logps/*, epoch, step) so the Training Curves view opens a demo run like a
// real one. Torch-free.

#include "core/common/result.h"

#include <map>
#include <string>
#include <vector>

namespace cl::demo {

class TrainerStateLog {
public:
    TrainerStateLog(int loggingSteps, int batchSize, int maxSteps, double epochs);

    /// Appends one training entry: metrics (e.g. "loss", "rewards/chosen") plus epoch and step.
    void add(int step, double epoch, const std::map<std::string, double>& metrics);
    /// The closing summary entry (train_runtime, train_loss, ...).
    void finish(int step, double epoch, double trainLoss, double runtimeSeconds);

    const std::vector<std::map<std::string, double>>& entries() const { return m_entries; }

    /// Writes the JSON file (creating its folder).
    Status write(const std::string& path) const;

private:
    int m_loggingSteps, m_batchSize, m_maxSteps;
    double m_epochs;
    int m_globalStep = 0;
    double m_epoch = 0.0;
    std::vector<std::map<std::string, double>> m_entries;
};

} // namespace cl::demo
