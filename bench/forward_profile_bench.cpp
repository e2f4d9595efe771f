// Where a full pass spends its time (issue #20): the pythia-70m-shaped pair of edit_bench, a
// 512-token prompt and a 64-token response scored from scratch under LibTorch's op profiler.
// Prints each ATen op's self time (time not spent in ops it called), grouped into matmuls,
// attention softmax/mask, norms, activations, copies/allocation and the rest, and the share of
// the pass's wall time spent outside any op (engine code, thread handoffs).
// Usage: forward_profile_bench [passes=3]
#include "bench_support.h"

#include "core/engine/reward_scorer.h"
#include "core/engine/runtime.h"

#include <nlohmann/json.hpp>
#include <torch/csrc/autograd/profiler_legacy.h>

#include <cstdio>
#include <map>
#include <sstream>

using namespace cl;

namespace {

struct OpTotals {
    double selfUs = 0;
    int calls = 0;
};

/// Self time per op name from a chrome trace: per thread, an event's children are the events
/// that start inside it; self = duration - children's durations.
std::map<std::string, OpTotals> selfTimes(const nlohmann::json& trace) {
    struct Event {
        std::string name;
        double ts, dur;
    };
    std::map<std::string, std::vector<Event>> byThread;
    for (const auto& e : trace) {
        if (e.value("ph", "") != "X") {
            continue;
        }
        byThread[e["tid"].dump()].push_back(
            {e.value("name", ""), e.value("ts", 0.0), e.value("dur", 0.0)});
    }
    std::map<std::string, OpTotals> out;
    for (auto& [tid, events] : byThread) {
        std::sort(events.begin(), events.end(), [](const Event& a, const Event& b) {
            return a.ts != b.ts ? a.ts < b.ts : a.dur > b.dur;
        });
        std::vector<std::pair<const Event*, double>> stack; // event, children's time
        auto close = [&](double until) {
            while (!stack.empty() && stack.back().first->ts + stack.back().first->dur <= until) {
                const auto [ev, children] = stack.back();
                stack.pop_back();
                out[ev->name].selfUs += ev->dur - children;
                out[ev->name].calls += 1;
                if (!stack.empty()) {
                    stack.back().second += ev->dur;
                }
            }
        };
        for (const Event& e : events) {
            close(e.ts);
            stack.push_back({&e, 0.0});
        }
        close(std::numeric_limits<double>::infinity());
    }
    return out;
}

std::string groupOf(const std::string& op) {
    auto has = [&](const char* s) { return op.find(s) != std::string::npos; };
    if (has("addmm") || has("::mm") || has("bmm") || has("matmul") || has("linear")) {
        return "matmul";
    }
    if (has("softmax") || has("masked_fill") || has("triu") || has("tril") || has("logsumexp")) {
        return "attention softmax/mask, head logsumexp";
    }
    if (has("layer_norm") || has("rsqrt") || has("pow") || has("mean")) {
        return "norms";
    }
    if (has("gelu") || has("silu") || has("sigmoid") || has("tanh")) {
        return "activations";
    }
    if (has("copy") || has("empty") || has("contiguous") || has("clone") || has("cat") ||
        has("::to") || has("reshape") || has("view") || has("narrow") || has("transpose") ||
        has("slice") || has("select") || has("as_strided") || has("expand") || has("index") ||
        has("gather") || has("embedding") || has("ones") || has("arange") || has("squeeze") ||
        op == "aten::t") {
        return "copies, views, allocation";
    }
    return "elementwise (add, mul, ...)";
}

} // namespace

int main(int argc, char** argv) {
    runtime::prepareProcess(argv);
    runtime::setThreads(0);
    const int passes = argc > 1 ? std::atoi(argv[1]) : 3;
    auto scorer = RewardScorer::load(bench::randomModelFolder("pythia70m", 1),
                                     bench::randomModelFolder("pythia70m", 2));
    if (!scorer) {
        std::fprintf(stderr, "%s\n", scorer.error().c_str());
        return 1;
    }
    IdsRequest req; // the same ids as edit_bench
    for (int i = 0; i < 512; ++i) {
        req.promptIds.push_back((i * 7919) % 50000);
    }
    for (int i = 0; i < 64; ++i) {
        req.responseIds.push_back((i * 104729) % 50000);
    }
    (void)scorer.value()->scoreIds(req); // warm
    std::ostringstream traceText;
    double wallMs = 0;
    {
        torch::autograd::profiler::RecordProfile guard(traceText);
        for (int p = 0; p < passes; ++p) {
            scorer.value()->resetCache();
            const double t0 = bench::nowMs();
            (void)scorer.value()->scoreIds(req);
            wallMs += bench::nowMs() - t0;
        }
    }
    const auto ops = selfTimes(nlohmann::json::parse(traceText.str()));
    std::map<std::string, double> groups;
    double opMs = 0;
    std::vector<std::pair<double, std::string>> top;
    for (const auto& [name, t] : ops) {
        const double ms = t.selfUs / 1000.0 / passes;
        groups[groupOf(name)] += ms;
        opMs += ms;
        top.push_back({ms, name + " (" + std::to_string(t.calls / passes) + " calls)"});
    }
    wallMs /= passes;
    std::sort(top.rbegin(), top.rend());
    std::printf("full pass (profiled) %.1f ms, %d threads; self time per op:\n", wallMs,
                runtime::threads());
    for (size_t i = 0; i < std::min<size_t>(12, top.size()); ++i) {
        std::printf("  %7.1f ms %5.1f%%  %s\n", top[i].first, 100 * top[i].first / wallMs,
                    top[i].second.c_str());
    }
    std::printf("by group:\n");
    for (const auto& [group, ms] : groups) {
        std::printf("  %7.1f ms %5.1f%%  %s\n", ms, 100 * ms / wallMs, group.c_str());
    }
    std::printf("  %7.1f ms %5.1f%%  outside ops (engine code, handoffs, profiler)\n",
                wallMs - opMs, 100 * (wallMs - opMs) / wallMs);
    return 0;
}
