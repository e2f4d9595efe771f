// Does batching pay on this machine? (issue #20 item 2). Forward passes of one
// pythia-70m-shaped model (random weights) over B rows of T tokens each, with the
// output head over every position, for B in 1..8 and T in 32..576. Prints tokens/s per shape
// and, per length, the best batch size's gain over B=1: batch sizes are chosen from this table,
// not guessed. Last line: gain_t32=.. gain_t64=.. gain_t128=.. gain_t576=..
#include "bench_support.h"

#include "core/engine/causal_lm.h"
#include "core/engine/model.h"
#include "core/engine/runtime.h"

#include <cstdio>
#include <string>

using namespace cl;

int main(int argc, char** argv) {
    runtime::prepareProcess(argv);
    runtime::setThreads(0);
    auto model = Model::load(bench::randomModelFolder("pythia70m", 1));
    if (!model) {
        std::fprintf(stderr, "%s\n", model.error().c_str());
        return 1;
    }
    CausalLm& lm = model.value()->lm();
    c10::InferenceMode guard;
    constexpr int64_t kTokensPerRep = 4608;
    std::string last;
    for (int64_t T : {32, 64, 128, 576}) {
        double single = 0, best = 0;
        for (int64_t B : {1, 2, 4, 8}) {
            const at::Tensor ids = at::randint(0, 50000, {B, T}, at::kLong);
            const at::Tensor targets = at::randint(0, 50000, {B * T}, at::kLong);
            auto pass = [&] {
                at::Tensor h = lm.forward(ids, nullptr, nullptr, -1);
                (void)lm.targetLogprobs(h.view({B * T, -1}), targets, false);
            };
            pass(); // warm
            const int64_t reps = std::max<int64_t>(3, kTokensPerRep / (B * T));
            const double t0 = bench::nowMs();
            for (int64_t r = 0; r < reps; ++r) {
                pass();
            }
            const double ms = (bench::nowMs() - t0) / static_cast<double>(reps);
            const double rate = static_cast<double>(B * T) / ms * 1000.0;
            single = B == 1 ? rate : single;
            best = std::max(best, rate);
            std::printf("T=%3ld B=%ld  %7.1f ms/pass  %5.0f tokens/s  %.2fx B=1\n",
                        static_cast<long>(T), static_cast<long>(B), ms, rate, rate / single);
        }
        last += "gain_t" + std::to_string(T) + "=" + std::to_string(best / single).substr(0, 4) + " ";
    }
    std::printf("%s\n", last.c_str());
    return 0;
}
