// Remote scoring over loopback (issue #16): the pythia-70m-shaped pair of edit_bench behind an
// in-process CreditLens server on 127.0.0.1, against the same pair scored locally.
//  - the overhead per recolor: an edit near the end scored locally and then through the server
//    (its prefix cache reuses the prompt), 45 times; the p50 of the 45 differences;
//  - batch throughput of 40 single-response lines (prompts 300-600 tokens, responses 20-80)
//    scored locally, through one server and through two (both in this process, sharing the
//    cores: on 2 cores two servers only compete).
// Last line: loopback_overhead_ms=.. batch_1_server_lines_per_s=.. batch_2_servers_lines_per_s=..
#include "bench_support.h"

#include "core/engine/batch_scoring.h"
#include "core/engine/model.h"
#include "core/engine/reward_scorer.h"
#include "core/engine/runtime.h"
#include "core/server/remote_scorer.h"
#include "core/server/scoring_server.h"
#include "core/server/server_pool.h"

#include <cstdio>
#include <fstream>
#include <memory>
#include <random>
#include <thread>

using namespace cl;

namespace {

struct Served {
    std::unique_ptr<server::ScoringServer> server;
    std::thread thread;
    int port = 0;
    Served(Model& policy, Model& reference) {
        server::ServerOptions o;
        o.port = 0;
        server = std::make_unique<server::ScoringServer>(policy, reference, nullptr, o);
        if (auto bound = server->bind()) {
            port = *bound;
            thread = std::thread([this] { server->run(); });
        }
    }
    ~Served() {
        server->stop();
        if (thread.joinable()) {
            thread.join();
        }
    }
    std::string url(const char* model) const {
        return "http://127.0.0.1:" + std::to_string(port) + "/" + model;
    }
};

struct EditTimes {
    double localP50 = 0, remoteP50 = 0;
    double overheadP50 = 0; ///< p50 of remote minus local over the same edits, run back to back
};

/// One response token near the end edited `reps` times; each edit runs locally and through the
/// server right after each other, so drift on a busy machine hits both sides of a difference.
EditTimes editEnd(ResponseScorer& local, ResponseScorer& remote, const IdsRequest& req,
                  int reps) {
    (void)local.scoreIds(req); // the prompt in both caches
    (void)remote.scoreIds(req);
    auto timed = [](ResponseScorer& scorer, const IdsRequest& edited) {
        const double t0 = bench::nowMs();
        if (!scorer.scoreIds(edited)) {
            std::fprintf(stderr, "scoring failed\n");
            std::exit(1);
        }
        return bench::nowMs() - t0;
    };
    std::vector<double> here, there, overhead;
    for (int r = 0; r < reps; ++r) {
        IdsRequest edited = req;
        edited.responseIds[60] = 1000 + (r % 2);
        here.push_back(timed(local, edited));
        there.push_back(timed(remote, edited));
        overhead.push_back(there.back() - here.back());
    }
    return {bench::quantile(here, 0.5), bench::quantile(there, 0.5),
            bench::quantile(overhead, 0.5)};
}

std::string writeBatch(int lines) {
    const std::string path =
        std::filesystem::temp_directory_path().string() + "/creditlens-bench/remote-batch.jsonl";
    std::ofstream out(path);
    std::mt19937 rng(16);
    std::uniform_int_distribution<int> id(0, 49999), promptLen(300, 600), responseLen(20, 80);
    for (int i = 0; i < lines; ++i) {
        out << "{\"prompt_ids\": [";
        for (int k = promptLen(rng); k > 0; --k) {
            out << id(rng) << (k > 1 ? "," : "");
        }
        out << "], \"response_ids\": [";
        for (int k = responseLen(rng); k > 0; --k) {
            out << id(rng) << (k > 1 ? "," : "");
        }
        out << "]}\n";
    }
    return path;
}

double linesPerSecond(const std::string& path, int lines,
                      const std::vector<std::pair<std::string, std::string>>& servers) {
    server::PoolOptions options;
    options.servers = servers;
    const double t0 = bench::nowMs();
    auto summary = server::scoreOnServers(path, {}, options, {});
    if (!summary || summary->lines != lines) {
        std::fprintf(stderr, "batch failed: %s\n", summary ? "lines missing" : summary.error().c_str());
        std::exit(1);
    }
    return lines / ((bench::nowMs() - t0) / 1000.0);
}

} // namespace

int main(int argc, char** argv) {
    std::setvbuf(stdout, nullptr, _IOLBF, 0); // lines as they come, also into a file
    runtime::prepareProcess(argv);
    runtime::setThreads(0);
    const int reps = argc > 1 ? std::atoi(argv[1]) : 45;
    const std::string p = bench::randomModelFolder("pythia70m", 1);
    const std::string r = bench::randomModelFolder("pythia70m", 2);
    auto policy = Model::load(p), reference = Model::load(r);
    auto local = RewardScorer::load(p, r);
    if (!policy || !reference || !local) {
        std::fprintf(stderr, "cannot load the pair\n");
        return 1;
    }
    Served a(*policy.value(), *reference.value()), b(*policy.value(), *reference.value());
    auto remote = server::RemoteScorer::connect(a.url("policy"), a.url("reference"), {});
    if (!remote) {
        std::fprintf(stderr, "%s\n", remote.error().c_str());
        return 1;
    }
    IdsRequest req; // edit_bench's ids: 512-token prompt, 64-token response
    for (int i = 0; i < 512; ++i) {
        req.promptIds.push_back((i * 7919) % 50000);
    }
    for (int i = 0; i < 64; ++i) {
        req.responseIds.push_back((i * 104729) % 50000);
    }
    const EditTimes edits = editEnd(*local.value(), *remote.value(), req, reps);
    std::printf("edit near the end, p50 of %d: local %.1f ms, through the server %.1f ms; "
                "difference of each pair, p50 %.1f ms\n",
                reps, edits.localP50, edits.remoteP50, edits.overheadP50);
    constexpr int kLines = 40;
    const std::string batch = writeBatch(kLines);
    const double t0 = bench::nowMs();
    auto localBatch = scoreJsonl(*local.value(), batch, {}, {});
    const double localRate = kLines / ((bench::nowMs() - t0) / 1000.0);
    if (!localBatch || localBatch->lines != kLines) {
        std::fprintf(stderr, "local batch failed\n");
        return 1;
    }
    const double one = linesPerSecond(batch, kLines, {{a.url("policy"), a.url("reference")}});
    const double two = linesPerSecond(batch, kLines, {{a.url("policy"), a.url("reference")},
                                                      {b.url("policy"), b.url("reference")}});
    std::printf("batch of %d lines: local %.2f lines/s, 1 server %.2f, 2 servers %.2f (%d "
                "cores)\n",
                kLines, localRate, one, two, static_cast<int>(std::thread::hardware_concurrency()));
    std::printf("loopback_overhead_ms=%.1f batch_1_server_lines_per_s=%.2f "
                "batch_2_servers_lines_per_s=%.2f\n",
                edits.overheadP50, one, two);
    return 0;
}
