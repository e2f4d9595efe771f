#pragma once
// Shared by the benchmark programs: random-weight HF model folders shaped like pythia-70m, peak
// memory, timing statistics. Writing the model happens in a child process so that the parent's
// peak-memory reading only covers loading and running.

#include "core/engine/initial_weights.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <sys/wait.h>
#include <utility>
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

/// The arithmetic of one model's full scoring pass, counted as a dense implementation needs
/// it: 2 FLOPs per multiply-add of the projections over every token, causal attention (each
/// query against the keys it sees), and the output head over the scored positions only.
struct ShapeForFlops {
    int64_t hidden, intermediate, layers, heads, vocab;
    bool gatedMlp = false;
};

inline ShapeForFlops pythia70mShape() { return {512, 2048, 6, 8, 50304}; }

inline double fullPassGflops(const ShapeForFlops& s, int64_t tokens, int64_t scored) {
    const double H = static_cast<double>(s.hidden), n = static_cast<double>(tokens);
    const double projections = 3 * H * H + H * H + (s.gatedMlp ? 3 : 2) * H * s.intermediate;
    const double attention = 2 * H * n * (n + 1) / 2; // QK^T and PV over the causal pairs
    const double body = s.layers * (2 * n * projections + 2 * attention);
    return (body + 2 * H * s.vocab * static_cast<double>(scored)) / 1e9;
}

/// Same, in a child process (keeps the parent's peak RSS clean). Skips existing folders.
inline std::string randomModelFolder(const std::string& name, unsigned seed,
                                     const std::string& config = pythia70mConfig(),
                                     const std::string& dtype = "F32") {
    const std::string dir = std::filesystem::temp_directory_path().string() + "/creditlens-bench/" +
                            name + "-" + std::to_string(seed);
    if (std::filesystem::exists(dir + "/model.safetensors")) {
        return dir;
    }
    const pid_t pid = fork();
    if (pid == 0) {
        // Written beside, renamed when complete: an interrupted write is never reused.
        const std::string partial = dir + ".partial";
        std::filesystem::remove_all(partial);
        const Status st = writeInitialModel(partial, config, seed, dtype);
        if (!st) {
            std::fprintf(stderr, "%s\n", st.error().c_str());
        }
        std::error_code ec;
        std::filesystem::remove_all(dir, ec);
        std::filesystem::rename(partial, dir, ec);
        _exit(st && !ec ? 0 : 1);
    }
    int status = 0;
    waitpid(pid, &status, 0);
    return dir;
}

/// randomModelFolder for seeds 1 and 2 of one shape, the missing ones written at the same time
/// (two child processes): a Pythia-2.8B-shaped pair takes half the wall time on a host with the
/// cores and memory for both (scripts/gpu-check). Returns {seed 1 folder, seed 2 folder}.
inline std::pair<std::string, std::string> randomModelPair(const std::string& name,
                                                           const std::string& config,
                                                           const std::string& dtype) {
    std::vector<pid_t> children;
    for (unsigned seed : {1u, 2u}) {
        const pid_t pid = fork();
        if (pid == 0) {
            randomModelFolder(name, seed, config, dtype);
            _exit(0);
        }
        children.push_back(pid);
    }
    for (pid_t pid : children) {
        int status = 0;
        waitpid(pid, &status, 0);
    }
    return {randomModelFolder(name, 1, config, dtype), randomModelFolder(name, 2, config, dtype)};
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

/// A field of /proc/self/smaps_rollup in MiB now ("Rss", "Anonymous", ...): anonymous memory is
/// activations, KV caches and the allocator's; the rest of Rss is files (libraries, mapped
/// checkpoints).
inline double smapsMiB(const std::string& field) {
    std::ifstream in("/proc/self/smaps_rollup");
    for (std::string line; std::getline(in, line);) {
        if (line.rfind(field + ":", 0) == 0) {
            return std::stod(line.substr(field.size() + 1)) / 1024.0;
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
