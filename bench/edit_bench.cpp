// Edit-latency benchmark (issue #5): two pythia-70m-shaped models (random weights) on CPU, a
// 512-token prompt and a 64-token response; p50/p95 latency of rescoring after a one-token
// replacement near the end, the middle and the start of the response, against a full rescore of
// both models in the same run. Last line: edit_end_p50_ms=.. edit_mid_p50_ms=..
// edit_start_p50_ms=.. full_p50_ms=.. ratio=.. (ratio = edit_end / full)
// full_gflops_per_s=.. (both models' arithmetic over full_p50, bench_support.h) full_efficiency=..
// (that rate over a 512x2048x2048 matmul timed in the same run; issue #20).
#include "bench_support.h"

#include "core/engine/reward_scorer.h"
#include "core/engine/runtime.h"

#include <cstdio>

using namespace cl;

int main(int argc, char** argv) {
    runtime::prepareProcess(argv);
    runtime::setThreads(0);
    const int reps = argc > 1 ? std::atoi(argv[1]) : 15;
    const std::string policy = bench::randomModelFolder("pythia70m", 1);
    const std::string reference = bench::randomModelFolder("pythia70m", 2);
    auto scorer = RewardScorer::load(policy, reference);
    if (!scorer) {
        std::fprintf(stderr, "%s\n", scorer.error().c_str());
        return 1;
    }
    IdsRequest req;
    for (int i = 0; i < 512; ++i) {
        req.promptIds.push_back((i * 7919) % 50000);
    }
    for (int i = 0; i < 64; ++i) {
        req.responseIds.push_back((i * 104729) % 50000);
    }
    (void)scorer.value()->scoreIds(req); // warm caches and allocator

    auto editLatencies = [&](int position) {
        std::vector<double> ms;
        for (int r = 0; r < reps; ++r) {
            IdsRequest edited = req;
            edited.responseIds[position] = 1000 + (r % 2); // alternate: always a real change
            const double t0 = bench::nowMs();
            auto s = scorer.value()->scoreIds(edited);
            ms.push_back(bench::nowMs() - t0);
            if (!s) {
                std::fprintf(stderr, "%s\n", s.error().c_str());
                std::exit(1);
            }
        }
        return ms;
    };
    const auto end = editLatencies(60);
    const auto mid = editLatencies(32);
    const auto start = editLatencies(0);
    std::vector<double> full;
    for (int r = 0; r < std::max(3, reps / 3); ++r) {
        scorer.value()->resetCache();
        const double t0 = bench::nowMs();
        (void)scorer.value()->scoreIds(req);
        full.push_back(bench::nowMs() - t0);
    }
    std::printf("threads %d, prompt 512 + response 64 tokens, %d reps\n", runtime::threads(), reps);
    for (const auto& [name, v] : {std::pair{"end", end}, {"mid", mid}, {"start", start},
                                  {"full", full}}) {
        std::printf("%-5s p50 %.1f ms  p95 %.1f ms\n", name, bench::quantile(v, 0.5),
                    bench::quantile(v, 0.95));
    }
    std::printf("peak RSS %.0f MiB\n", bench::peakRssMiB());
    const double fullP50 = bench::quantile(full, 0.5);
    const double gflop = 2 * bench::fullPassGflops(bench::pythia70mShape(), 576, 64);
    const double rate = gflop / (fullP50 / 1000.0);
    const double matmul = runtime::measureMatmulGflops();
    std::printf("full pass %.1f GFLOP (two models), matmul %.0f GFLOP/s\n", gflop, matmul);
    std::printf("edit_end_p50_ms=%.1f edit_mid_p50_ms=%.1f edit_start_p50_ms=%.1f "
                "full_p50_ms=%.1f ratio=%.3f full_gflops_per_s=%.1f full_efficiency=%.2f\n",
                bench::quantile(end, 0.5), bench::quantile(mid, 0.5), bench::quantile(start, 0.5),
                fullP50, bench::quantile(end, 0.5) / fullP50, rate, rate / matmul);
    return 0;
}
