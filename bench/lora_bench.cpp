// LoRA pair benchmark (issue #14 item 3): a pythia-70m-shaped base (random weights) with a random
// rank-16 adapter on every linear layer (query_key_value, dense, dense_h_to_4h, dense_4h_to_h),
// scored as the DPO pair the adapter defines (policy = base + adapter, reference = the base with
// the adapter off, one copy of the base weights), against a full-weight pair of two
// pythia-70m-shaped models. Same request as edit_bench (512-token prompt, 64-token response);
// each pair runs in its own child process so that peak RSS belongs to it alone. Arguments:
// [reps 15] [threads 0 = all] [rounds 3].
// Last line: lora_edit_end_p50_ms=.. full_edit_end_p50_ms=.. latency_ratio=.. lora_peak_rss_mib=..
// full_peak_rss_mib=.. rss_ratio=.. rss_above_start_ratio=.. (goals: ratios <= 0.6). The last
// ratio leaves out what the process held before loading (LibTorch, BLAS buffers), equal for both.
#include "bench_support.h"

#include "core/engine/reward_scorer.h"
#include "core/engine/runtime.h"
#include "core/engine/safetensors_writer.h"

#include <cmath>
#include <cstdio>
#include <random>

using namespace cl;

namespace {

constexpr int kRank = 16;

/// A peft adapter folder on `base`: rank 16, alpha 32, random A and B (N(0, 0.02)), written in a
/// child process like the base itself.
std::string randomAdapterFolder(const std::string& base, unsigned seed) {
    const std::string dir = std::filesystem::temp_directory_path().string() +
                            "/creditlens-bench/lora-r16-" + std::to_string(seed);
    if (std::filesystem::exists(dir + "/adapter_model.safetensors")) {
        return dir;
    }
    const pid_t pid = fork();
    if (pid == 0) {
        std::filesystem::create_directories(dir);
        std::ofstream(dir + "/adapter_config.json")
            << R"({"peft_type":"LORA","r":16,"lora_alpha":32,"bias":"none",)"
            << R"("target_modules":["query_key_value","dense","dense_h_to_4h","dense_4h_to_h"],)"
            << R"("base_model_name_or_path":")" << base << "\"}";
        struct Module {
            const char* name;
            int64_t in, out;
        };
        const Module modules[] = {{"attention.query_key_value", 512, 1536},
                                  {"attention.dense", 512, 512},
                                  {"mlp.dense_h_to_4h", 512, 2048},
                                  {"mlp.dense_4h_to_h", 2048, 512}};
        std::mt19937 rng(seed);
        std::normal_distribution<float> normal(0.0f, 0.02f);
        std::vector<std::vector<float>> data;
        std::vector<TensorToWrite> tensors;
        data.reserve(6 * 4 * 2);
        for (int l = 0; l < 6; ++l) {
            for (const Module& m : modules) {
                const std::string p =
                    "base_model.model.gpt_neox.layers." + std::to_string(l) + "." + m.name;
                for (const auto& [suffix, shape] :
                     {std::pair{".lora_A.weight", std::vector<int64_t>{kRank, m.in}},
                      std::pair{".lora_B.weight", std::vector<int64_t>{m.out, kRank}}}) {
                    data.emplace_back(static_cast<size_t>(shape[0] * shape[1]));
                    for (float& v : data.back()) {
                        v = normal(rng);
                    }
                    tensors.push_back({p + suffix, "F32", shape, data.back().data()});
                }
            }
        }
        const Status st = writeSafetensors(dir + "/adapter_model.safetensors", tensors);
        _exit(st ? 0 : 1);
    }
    int status = 0;
    waitpid(pid, &status, 0);
    return dir;
}

struct PairResult {
    double editEndP50 = 0, editEndP95 = 0, fullP50 = 0, peakRss = 0;
    double baseRss = 0; ///< resident before loading (LibTorch, BLAS buffers): the same for both
};

/// Current resident set size of this process in MiB (VmRSS).
double rssMiB() {
    std::ifstream in("/proc/self/status");
    for (std::string line; std::getline(in, line);) {
        if (line.rfind("VmRSS:", 0) == 0) {
            return std::stod(line.substr(6)) / 1024.0;
        }
    }
    return 0;
}

/// Loads the pair and measures edit-end latency (a one-token replacement 4 tokens before the end
/// of the response) and peak RSS, in a child process; the numbers come back through a pipe.
PairResult measure(const std::string& policy, const std::string& reference, int reps) {
    int fds[2];
    if (pipe(fds) != 0) {
        std::exit(1);
    }
    const pid_t pid = fork();
    if (pid == 0) {
        close(fds[0]);
        PairResult r;
        r.baseRss = rssMiB();
        auto scorer = RewardScorer::load(policy, reference);
        if (!scorer) {
            std::fprintf(stderr, "%s\n", scorer.error().c_str());
            _exit(1);
        }
        IdsRequest req;
        for (int i = 0; i < 512; ++i) {
            req.promptIds.push_back((i * 7919) % 50000);
        }
        for (int i = 0; i < 64; ++i) {
            req.responseIds.push_back((i * 104729) % 50000);
        }
        (void)scorer.value()->scoreIds(req); // warm caches and allocator
        std::vector<double> ms;
        for (int i = 0; i < reps; ++i) {
            IdsRequest edited = req;
            edited.responseIds[60] = 1000 + (i % 2); // alternate: always a real change
            const double t0 = bench::nowMs();
            auto s = scorer.value()->scoreIds(edited);
            ms.push_back(bench::nowMs() - t0);
            if (!s) {
                std::fprintf(stderr, "%s\n", s.error().c_str());
                _exit(1);
            }
        }
        std::vector<double> full;
        for (int i = 0; i < 3; ++i) {
            scorer.value()->resetCache();
            const double t0 = bench::nowMs();
            (void)scorer.value()->scoreIds(req);
            full.push_back(bench::nowMs() - t0);
        }
        r.editEndP50 = bench::quantile(ms, 0.5);
        r.editEndP95 = bench::quantile(ms, 0.95);
        r.fullP50 = bench::quantile(full, 0.5);
        r.peakRss = bench::peakRssMiB();
        const bool ok = write(fds[1], &r, sizeof r) == sizeof r;
        _exit(ok ? 0 : 1);
    }
    close(fds[1]);
    PairResult r;
    const bool ok = read(fds[0], &r, sizeof r) == sizeof r;
    close(fds[0]);
    int status = 0;
    waitpid(pid, &status, 0);
    if (!ok) {
        std::fprintf(stderr, "the measuring child failed\n");
        std::exit(1);
    }
    return r;
}

} // namespace

int main(int argc, char** argv) {
    runtime::prepareProcess(argv);
    runtime::setThreads(argc > 2 ? std::atoi(argv[2]) : 0);
    const int reps = argc > 1 ? std::atoi(argv[1]) : 15;
    const std::string base = bench::randomModelFolder("pythia70m", 1);
    const std::string other = bench::randomModelFolder("pythia70m", 2);
    const std::string adapter = randomAdapterFolder(base, 3);
    // Alternating rounds, each pair's best round kept: a build running beside the benchmark
    // slows whichever pair it overlaps, not the ratio.
    const int rounds = argc > 3 ? std::atoi(argv[3]) : 3;
    PairResult lora, fullPair;
    for (int round = 0; round < rounds; ++round) {
        for (const bool isLora : {true, false}) {
            const PairResult r = isLora ? measure(adapter, "", reps) : measure(base, other, reps);
            PairResult& best = isLora ? lora : fullPair;
            if (round == 0 || r.editEndP50 < best.editEndP50) {
                best = r;
            }
        }
    }
    std::printf("threads %d, prompt 512 + response 64 tokens, edit 4 tokens before the end, %d "
                "reps\n",
                runtime::threads(), reps);
    std::printf("%-28s %10s %10s %10s %12s %14s\n", "pair", "end p50", "end p95", "full p50",
                "peak RSS", "peak - start");
    for (const auto& [name, r] : {std::pair{"LoRA r16 (base + adapter)", lora},
                                  std::pair{"full weights (two models)", fullPair}}) {
        std::printf("%-28s %7.1f ms %7.1f ms %7.1f ms %8.0f MiB %10.0f MiB\n", name, r.editEndP50,
                    r.editEndP95, r.fullP50, r.peakRss, r.peakRss - r.baseRss);
    }
    std::printf("lora_edit_end_p50_ms=%.1f full_edit_end_p50_ms=%.1f latency_ratio=%.3f "
                "lora_peak_rss_mib=%.0f full_peak_rss_mib=%.0f rss_ratio=%.3f "
                "rss_above_start_ratio=%.3f\n",
                lora.editEndP50, fullPair.editEndP50, lora.editEndP50 / fullPair.editEndP50,
                lora.peakRss, fullPair.peakRss, lora.peakRss / fullPair.peakRss,
                (lora.peakRss - lora.baseRss) / (fullPair.peakRss - fullPair.baseRss));
    return 0;
}
