#pragma once
// Shared by the benchmark programs: random-weight HF model folders shaped like pythia-70m, peak
// memory, timing statistics. Writing the model happens in a child process so that the parent's
// peak-memory reading only covers loading and running.

#include "core/engine/model_config.h"
#include "core/engine/safetensors_writer.h"
#include "core/engine/weight_names.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

namespace cl::bench {

/// pythia-70m: 6 layers, hidden 512, 8 heads, vocab 50304 (about 70M parameters).
inline std::string pythia70mConfig() {
    return R"({"architectures":["GPTNeoXForCausalLM"],"model_type":"gpt_neox",
      "vocab_size":50304,"hidden_size":512,"num_hidden_layers":6,"num_attention_heads":8,
      "intermediate_size":2048,"rotary_pct":0.25,"rotary_emb_base":10000,
      "max_position_embeddings":2048,"layer_norm_eps":1e-5,"use_parallel_residual":true,
      "hidden_act":"gelu","tie_word_embeddings":false,"bos_token_id":0,"eos_token_id":0})";
}

/// Writes config.json + model.safetensors with N(0, 0.02) weights (norms 1, biases 0).
inline void writeRandomModel(const std::string& dir, const std::string& configJson, unsigned seed) {
    std::filesystem::create_directories(dir);
    std::ofstream(dir + "/config.json") << configJson;
    auto config = ModelConfig::fromJson(configJson, dir + "/config.json");
    std::mt19937 rng(seed);
    std::normal_distribution<float> normal(0.0f, 0.02f);
    std::vector<std::vector<float>> buffers;
    std::vector<TensorToWrite> tensors;
    const std::string prefix = basePrefix(config.value());
    for (const WeightSpec& s : weightSpecs(config.value())) {
        int64_t n = 1;
        for (int64_t d : s.shape) {
            n *= d;
        }
        std::vector<float> data(n);
        const bool isNorm = s.name.find("norm") != std::string::npos;
        const bool isBias = s.name.size() > 5 && s.name.substr(s.name.size() - 5) == ".bias";
        for (float& v : data) {
            v = isBias ? 0.0f : isNorm ? 1.0f : normal(rng);
        }
        buffers.push_back(std::move(data));
        const bool outside = s.name[0] == '@';
        tensors.push_back({outside ? s.name.substr(1) : prefix + s.name, "F32", s.shape,
                           buffers.back().data()});
    }
    if (!writeSafetensors(dir + "/model.safetensors", tensors).ok()) {
        std::fprintf(stderr, "cannot write %s\n", dir.c_str());
        std::exit(1);
    }
}

/// Same, in a child process (keeps the parent's peak RSS clean). Skips existing folders.
inline std::string randomModelFolder(const std::string& name, unsigned seed,
                                     const std::string& config = pythia70mConfig()) {
    const std::string dir = std::filesystem::temp_directory_path().string() + "/creditlens-bench/" +
                            name + "-" + std::to_string(seed);
    if (std::filesystem::exists(dir + "/model.safetensors")) {
        return dir;
    }
    const pid_t pid = fork();
    if (pid == 0) {
        writeRandomModel(dir, config, seed);
        _exit(0);
    }
    int status = 0;
    waitpid(pid, &status, 0);
    return dir;
}

/// Peak resident set size of this process in MiB (VmHWM).
inline double peakRssMiB() {
    std::ifstream in("/proc/self/status");
    for (std::string line; std::getline(in, line);) {
        if (line.rfind("VmHWM:", 0) == 0) {
            return std::stod(line.substr(6)) / 1024.0;
        }
    }
    return 0;
}

inline double nowMs() {
    using namespace std::chrono;
    return duration<double, std::milli>(steady_clock::now().time_since_epoch()).count();
}

/// The q-quantile (0..1) of samples.
inline double quantile(std::vector<double> v, double q) {
    std::sort(v.begin(), v.end());
    return v.empty() ? 0 : v[std::min(v.size() - 1, static_cast<size_t>(q * (v.size() - 1) + 0.5))];
}

} // namespace cl::bench
