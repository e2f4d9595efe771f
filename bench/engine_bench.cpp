// Engine benchmark (issue #3): tokens/s of a 512-token forward and of one-token extends for a
// pythia-70m-shaped GPT-NeoX with random weights, achieved GFLOP/s against this machine's
// matmul GFLOP/s measured in the same run, and peak memory against the tensors' bytes.
#include "bench_support.h"

#include "core/engine/model.h"
#include "core/engine/runtime.h"
#include "core/engine/sequence.h"

#include <cstdio>

using namespace cl;

int main(int, char** argv) {
    runtime::prepareProcess(argv);
    runtime::setThreads(0);
    const std::string dir = bench::randomModelFolder("pythia70m", 1);
    const double rssBefore = bench::peakRssMiB();
    auto model = Model::load(dir);
    if (!model) {
        std::fprintf(stderr, "%s\n", model.error().c_str());
        return 1;
    }
    const ModelInfo& info = model.value()->info();
    const double tensorMiB = info.parameters * 4.0 / (1 << 20);
    const double rssLoaded = bench::peakRssMiB();
    std::printf("model: %lld parameters (%.0f MiB f32), threads %d, BLAS %s\n",
                static_cast<long long>(info.parameters), tensorMiB, runtime::threads(),
                runtime::blasLibrary().c_str());

    const int T = 512;
    std::vector<int32_t> ids(T);
    for (int i = 0; i < T; ++i) {
        ids[i] = (i * 7919) % 50000;
    }
    // Body FLOPs per token: 2 * (non-embedding weights) + attention (2 * 2 * T * hidden per layer).
    const double bodyParams = info.parameters - 2.0 * 50304 * 512;
    auto bodyFlops = [&](double tokens, double context) {
        return tokens * (2 * bodyParams + 4.0 * 6 * context * 512);
    };
    const double headFlops = 2.0 * 50304 * 512;

    // (a) full forward of 512 tokens, log-probs at every position (head included).
    double best = 1e9;
    for (int r = 0; r < 3; ++r) {
        const double t0 = bench::nowMs();
        auto lp = model.value()->logprobs(ids);
        best = std::min(best, bench::nowMs() - t0);
    }
    const double fullGflops = (bodyFlops(T, T / 2.0) + T * headFlops) / (best / 1e3) / 1e9;
    std::printf("full forward 512 tokens (+ logits): %.1f ms, %.0f tokens/s, %.1f GFLOP/s\n", best,
                T / (best / 1e3), fullGflops);

    // (b) the body alone (what a rescore of a prompt costs when no logits are needed there).
    best = 1e9;
    for (int r = 0; r < 3; ++r) {
        Sequence seq(*model.value());
        const double t0 = bench::nowMs();
        (void)seq.append(ids, T);
        best = std::min(best, bench::nowMs() - t0);
    }
    const double bodyGflops = bodyFlops(T, T / 2.0) / (best / 1e3) / 1e9;
    std::printf("prompt forward 512 tokens (no logits): %.1f ms, %.0f tokens/s, %.1f GFLOP/s\n",
                best, T / (best / 1e3), bodyGflops);

    // (c) one-token extends after the 512-token prompt, with log-probs.
    Sequence seq(*model.value());
    (void)seq.append(ids, T);
    const int steps = 64;
    const double t0 = bench::nowMs();
    for (int i = 0; i < steps; ++i) {
        (void)seq.append({static_cast<int32_t>((i * 31) % 50000)});
    }
    const double extendMs = (bench::nowMs() - t0) / steps;
    const double extendGflops = (bodyFlops(1, T + steps / 2.0) + headFlops) / (extendMs / 1e3) / 1e9;
    std::printf("one-token extend: %.2f ms, %.0f tokens/s, %.1f GFLOP/s\n", extendMs,
                1e3 / extendMs, extendGflops);

    const double machine = runtime::measureMatmulGflops();
    const double rssPeak = bench::peakRssMiB();
    std::printf("machine matmul: %.1f GFLOP/s (512x2048x2048 fp32)\n", machine);
    std::printf("efficiency: full %.2f, prompt %.2f, extend %.2f of matmul GFLOP/s\n",
                fullGflops / machine, bodyGflops / machine, extendGflops / machine);
    std::printf("peak RSS: %.0f MiB before load, %.0f MiB after load, %.0f MiB after runs; "
                "tensors %.0f MiB; load overhead %.2fx, run peak %.2fx of tensor bytes\n",
                rssBefore, rssLoaded, rssPeak, tensorMiB, (rssLoaded) / tensorMiB,
                rssPeak / tensorMiB);
    return 0;
}
