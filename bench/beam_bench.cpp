// Beam-search benchmark (issue #7): two pythia-70m-shaped models on CPU, widths 1, 5, 10, 64 new
// tokens: generated tokens/s (all beams) and peak memory per width. Each width runs in its own
// child process so that its peak RSS is its own.
#include "bench_support.h"

#include "core/engine/beam_scoring.h"
#include "core/engine/model.h"
#include "core/engine/runtime.h"

#include <cstdio>

using namespace cl;

int main(int, char** argv) {
    runtime::prepareProcess(argv);
    runtime::setThreads(0);
    const std::string policy = bench::randomModelFolder("pythia70m", 1);
    const std::string reference = bench::randomModelFolder("pythia70m", 2);
    std::vector<int32_t> prompt;
    for (int i = 0; i < 128; ++i) {
        prompt.push_back((i * 7919) % 50000);
    }
    std::printf("prompt 128 tokens, 64 new tokens, threads %d\n", runtime::threads());
    for (int width : {1, 5, 10}) {
        std::fflush(stdout);
        const pid_t pid = fork();
        if (pid != 0) {
            int status = 0;
            waitpid(pid, &status, 0);
            continue;
        }
        auto pol = Model::load(policy);
        auto ref = Model::load(reference);
        const double loaded = bench::peakRssMiB();
        BeamOptions o;
        o.width = width;
        o.numReturn = width;
        o.maxNewTokens = 64;
        o.eosId = -1; // random weights: never stop early
        const double t0 = bench::nowMs();
        auto beams = beamSearch(*pol.value(), prompt, o);
        const double searchMs = bench::nowMs() - t0;
        const double t1 = bench::nowMs();
        auto scored = searchAndScore(*pol.value(), ref.value().get(), nullptr, prompt, o, 0.1);
        const double bothMs = bench::nowMs() - t1; // search again + reference scoring
        if (!beams || !scored) {
            std::fprintf(stderr, "failed\n");
            _exit(1);
        }
        std::printf("W=%-2d search %.0f ms, %.0f beam-tokens/s (%.0f steps/s); "
                    "search + scoring of %d beams %.0f ms; peak RSS %.0f MiB (%.0f MiB after loading both)\n",
                    width, searchMs, 64.0 * width / (searchMs / 1e3), 64.0 / (searchMs / 1e3),
                    width, bothMs, bench::peakRssMiB(), loaded);
        std::fflush(stdout);
        _exit(0);
    }
    return 0;
}
