// `creditlens-cli train-demo --out DIR [--seed S] [--threads N] [--quick]` (issue #9): trains
// the embedded demo (base LM, SFT, two DPO runs) with progress on the terminal, then prints the
// measurements that demo_results.json records.
#include "app/cli/cli_util.h"
#include "app/cli/commands.h"
#include "core/demo/demo_builder.h"

#include <CLI/CLI.hpp>

#include <chrono>
#include <cstdio>
#include <iostream>

namespace cl::cli {

namespace {

struct TrainDemoArgs {
    std::string out;
    uint64_t seed = 1;
    int threads = 0;
    int trainPairs = 0;
    int dpoEpochs = 0;
    double dpoLr = 0.0;
    bool quick = false;
    bool keepWork = false;
    bool resume = false;
};

void run(const TrainDemoArgs& a) {
    applyThreads(a.threads);
    demo::DemoOptions o;
    o.outDir = a.out;
    o.seed = a.seed;
    o.keepWork = a.keepWork || a.resume;
    o.resume = a.resume;
    if (a.quick) { // a smoke run: minutes become seconds, the targets do not hold
        o.trainPairs = 200;
        o.heldOutPairs = 8;
        o.hidden = 32;
        o.layers = 1;
        o.heads = 2;
        o.intermediate = 64;
        o.baseEpochs = o.sftEpochs = o.dpoEpochs = 1;
        o.logEvery = 1;
    }
    if (a.trainPairs > 0) {
        o.trainPairs = a.trainPairs;
    }
    if (a.dpoEpochs > 0) {
        o.dpoEpochs = a.dpoEpochs;
    }
    if (a.dpoLr > 0) {
        o.dpoLr = a.dpoLr;
    }
    std::string lastStage;
    const auto start = std::chrono::steady_clock::now();
    auto progress = [&](const Progress& p) {
        const std::string name = p.stage.substr(0, p.stage.find(" loss"));
        if (name != lastStage && !lastStage.empty()) {
            std::fprintf(stderr, "\n");
        }
        lastStage = name;
        const double s =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        std::fprintf(stderr, "\r[%6.0f s] %-60s %lld/%lld", s, p.stage.c_str(),
                     static_cast<long long>(p.done), static_cast<long long>(p.total));
        std::fflush(stderr);
        return true;
    };
    auto report = demo::buildDemo(o, progress);
    std::fprintf(stderr, "\n");
    if (!report) {
        throw CliError(report.error());
    }
    std::cout << demo::measurementsJson(report->measurements) << "\n";
    std::cerr << "trained " << report->parameters << " parameters per model in "
              << report->seconds << " s; results in " << a.out << "/demo_results.json\n";
}

} // namespace

void addTrainDemoCommand(CLI::App& app) {
    auto a = std::make_shared<TrainDemoArgs>();
    auto* cmd = app.add_subcommand("train-demo",
                                   "Train the embedded demo (base LM, SFT, DPO) from a seed");
    cmd->add_option("--out", a->out, "output folder (policy/, reference/, logs, pairs.jsonl)")
        ->required();
    cmd->add_option("--seed", a->seed, "random seed (default 1)");
    cmd->add_option("--threads", a->threads, "LibTorch threads (default: all cores)");
    cmd->add_option("--train-pairs", a->trainPairs, "training pairs (default 3000)");
    cmd->add_option("--dpo-epochs", a->dpoEpochs, "DPO epochs (default 2)");
    cmd->add_option("--dpo-lr", a->dpoLr, "DPO peak learning rate (default 1e-4)");
    cmd->add_flag("--quick", a->quick, "tiny smoke run (seconds; results are not meaningful)");
    cmd->add_flag("--keep-work", a->keepWork, "keep DIR/work (corpus, base model, no-SFT policy)");
    cmd->add_flag("--resume", a->resume,
                  "reuse DIR/work/base and DIR/reference of a kept run with the same options");
    cmd->callback([a] { run(*a); });
}

} // namespace cl::cli
