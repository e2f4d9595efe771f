#include "core/demo/trainer_state_log.h"

#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>

namespace cl::demo {

TrainerStateLog::TrainerStateLog(int loggingSteps, int batchSize, int maxSteps, double epochs)
    : m_loggingSteps(loggingSteps), m_batchSize(batchSize), m_maxSteps(maxSteps),
      m_epochs(epochs) {}

void TrainerStateLog::add(int step, double epoch, const std::map<std::string, double>& metrics) {
    std::map<std::string, double> e = metrics;
    e["step"] = step;
    e["epoch"] = epoch;
    m_entries.push_back(std::move(e));
    m_globalStep = step;
    m_epoch = epoch;
}

void TrainerStateLog::finish(int step, double epoch, double trainLoss, double runtimeSeconds) {
    m_entries.push_back({{"step", step},
                         {"epoch", epoch},
                         {"train_loss", trainLoss},
                         {"train_runtime", runtimeSeconds},
                         {"train_steps_per_second", runtimeSeconds > 0 ? step / runtimeSeconds : 0},
                         {"total_flos", 0.0}});
    m_globalStep = step;
    m_epoch = epoch;
}

Status TrainerStateLog::write(const std::string& path) const {
    nlohmann::ordered_json history = nlohmann::ordered_json::array();
    for (const auto& e : m_entries) {
        nlohmann::ordered_json j = nlohmann::ordered_json::object();
        for (const auto& [k, v] : e) {
            if (k == "step") {
                j[k] = static_cast<int64_t>(v);
            } else {
                j[k] = v;
            }
        }
        history.push_back(std::move(j));
    }
    const nlohmann::ordered_json state = {{"best_metric", nullptr},
                                          {"best_model_checkpoint", nullptr},
                                          {"epoch", m_epoch},
                                          {"eval_steps", m_maxSteps},
                                          {"global_step", m_globalStep},
                                          {"is_hyper_param_search", false},
                                          {"is_local_process_zero", true},
                                          {"is_world_process_zero", true},
                                          {"log_history", history},
                                          {"logging_steps", m_loggingSteps},
                                          {"max_steps", m_maxSteps},
                                          {"num_input_tokens_seen", 0},
                                          {"num_train_epochs", m_epochs},
                                          {"save_steps", m_maxSteps},
                                          {"total_flos", 0.0},
                                          {"train_batch_size", m_batchSize},
                                          {"trial_name", nullptr},
                                          {"trial_params", nullptr}};
    std::error_code ec;
    std::filesystem::create_directories(std::filesystem::path(path).parent_path(), ec);
    std::ofstream out(path, std::ios::binary);
    out << state.dump(2) << "\n";
    if (!out) {
        return Error{"cannot write " + path};
    }
    return Ok{};
}

} // namespace cl::demo
