// Batch-scoring throughput (issue #20): 200 preference pairs for the pythia-70m-shaped pair of
// edit_bench (random weights), prompts of 300-600 tokens, chosen and rejected responses of 20-80
// tokens each, random ids from a fixed seed. Each pair is scored as `creditlens-cli score` does:
// chosen, then rejected reusing the prompt's KV cache. Reports pairs/s, tokens/s (prompt +
// chosen + rejected tokens of each pair) and the achieved GFLOP/s over a matmul timed in the
// same run (the roofline any batching scheme is bounded by). The HF transformers peer needs
// Python torch + transformers; it is skipped with a message when they are not installed.
// Usage: batch_bench [pairs=200]. Last line: pairs=.. tokens_per_s=.. gflops_per_s=..
// efficiency=..
#include "bench_support.h"

#include "core/engine/reward_scorer.h"
#include "core/engine/runtime.h"

#include <cstdio>
#include <cstdlib>
#include <random>

using namespace cl;

namespace {

struct PairIds {
    std::vector<int32_t> prompt, chosen, rejected;
};

std::vector<PairIds> makePairs(int count) {
    std::mt19937 rng(20);
    std::uniform_int_distribution<int> id(0, 49999), promptLen(300, 600), responseLen(20, 80);
    auto ids = [&](int n) {
        std::vector<int32_t> v(n);
        for (auto& x : v) {
            x = id(rng);
        }
        return v;
    };
    std::vector<PairIds> pairs;
    for (int i = 0; i < count; ++i) {
        PairIds p;
        p.prompt = ids(promptLen(rng));
        p.chosen = ids(responseLen(rng));
        p.rejected = ids(responseLen(rng));
        pairs.push_back(std::move(p));
    }
    return pairs;
}

bool peerAvailable() {
    return std::system("python3 -c 'import torch, transformers' >/dev/null 2>&1") == 0;
}

} // namespace

int main(int argc, char** argv) {
    runtime::prepareProcess(argv);
    runtime::setThreads(0);
    const int count = argc > 1 ? std::atoi(argv[1]) : 200;
    auto scorer = RewardScorer::load(bench::randomModelFolder("pythia70m", 1),
                                     bench::randomModelFolder("pythia70m", 2));
    if (!scorer) {
        std::fprintf(stderr, "%s\n", scorer.error().c_str());
        return 1;
    }
    const auto pairs = makePairs(count);
    (void)scorer.value()->scoreIds({pairs[0].prompt, pairs[0].chosen}); // warm
    int64_t tokens = 0;
    double gflop = 0;
    const double t0 = bench::nowMs();
    for (const PairIds& p : pairs) {
        for (const auto* response : {&p.chosen, &p.rejected}) {
            auto s = scorer.value()->scoreIds({p.prompt, *response});
            if (!s) {
                std::fprintf(stderr, "%s\n", s.error().c_str());
                return 1;
            }
        }
        const auto np = static_cast<int64_t>(p.prompt.size());
        const auto nc = static_cast<int64_t>(p.chosen.size());
        const auto nr = static_cast<int64_t>(p.rejected.size());
        tokens += np + nc + nr;
        // Both models: the chosen sequence in full, the rejected one from the prompt's end.
        const auto shape = bench::pythia70mShape();
        gflop += 2 * (bench::fullPassGflops(shape, np + nc, nc) +
                      bench::fullPassGflops(shape, np + nr, nr) - bench::fullPassGflops(shape, np, 0));
    }
    const double seconds = (bench::nowMs() - t0) / 1000.0;
    const double matmul = runtime::measureMatmulGflops();
    std::printf("%d pairs (prompts 300-600, responses 20-80 tokens), %d threads: %.1f s\n", count,
                runtime::threads(), seconds);
    std::printf("creditlens: %.2f pairs/s, %.0f tokens/s, %.0f GFLOP/s of %.0f (matmul)\n",
                count / seconds, tokens / seconds, gflop / seconds, matmul);
    if (!peerAvailable()) {
        std::printf("HF transformers peer: skipped (python3 with torch and transformers is not "
                    "installed here)\n");
    }
    std::printf("pairs=%d tokens_per_s=%.0f gflops_per_s=%.1f efficiency=%.2f\n", count,
                tokens / seconds, gflop / seconds, gflop / seconds / matmul);
    return 0;
}
