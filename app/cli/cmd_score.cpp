// `creditlens-cli score --policy DIR [--reference DIR] [--base DIR] [--beta B]
// [--template raw|tldr|chat] [--no-eos] [--device D] [--dtype T] --input F.jsonl
// [--output F.jsonl]` (issue #5 contract). No --reference: the policy is a LoRA adapter scored
// against its base (issue #14). URLs for both (http://HOST:PORT/MODEL, [--token T]
// [--tokenizer DIR]): the models behind a CreditLens server or vLLM (issue #16).
#include "app/cli/cli_util.h"
#include "app/cli/commands.h"
#include "app/cli/json_output.h"
#include "core/engine/batch_scoring.h"
#include "core/engine/reward_scorer.h"
#include "core/server/remote_model.h"
#include "core/server/remote_scorer.h"
#include "core/server/server_pool.h"

#include <CLI/CLI.hpp>

#include <cstdlib>
#include <fstream>
#include <iostream>
#include <set>
#include <unistd.h>

namespace cl::cli {

namespace {

struct ScoreArgs {
    std::string policy, reference, input, output;
    std::string token;     ///< --token: bearer token for server URLs (else CREDITLENS_TOKEN)
    std::string tokenizer; ///< --tokenizer: the tokenizer's folder for server URLs
    double beta = 0.1;
    std::string templateName = "raw";
    bool noEos = false;
    std::string device = "cpu", dtype = "f32";
    std::string config; ///< config.json + tokenizer for a weights-only folder (policy.pt)
    std::string base;   ///< --base: a LoRA adapter's base model folder
    int threads = 0;
    bool noMmap = false; ///< --no-mmap: LoadOptions::copyWeights
    bool noMemoryCheck = false; ///< --no-memory-check: LoadOptions::checkMemory off
    bool resume = false;        ///< --resume: skip the input lines --output already holds
};

std::unique_ptr<RewardScorer> loadLocal(const ScoreArgs& a) {
    applyThreads(a.threads);
    const LoadOptions options{a.device, a.dtype, a.config, a.noMmap,
                              a.base, !a.noMemoryCheck};
    // No --reference: the policy must be a LoRA adapter, scored against its base (issue #14).
    auto scorer = RewardScorer::load(a.policy, a.reference, options);
    if (!scorer) {
        throw CliError(scorer.error());
    }
    scorer.value()->setBeta(a.beta);
    for (const LoadWarning& w : scorer.value()->loadWarnings()) {
        std::cerr << "warning: " << w.message << "\n";
    }
    if (auto w = scorer.value()->templateWarning(a.templateName)) {
        std::cerr << "warning: " << w->message << "\n";
    }
    return std::move(scorer.value());
}

/// One output record: the scores and the input line it came from (what --resume reads).
nlohmann::json record(const BatchLine& line) {
    nlohmann::json j;
    if (line.response) {
        j = toJson(*line.response);
    } else {
        j = {{"chosen", toJson(*line.chosen)},
             {"rejected", toJson(*line.rejected)},
             {"margin", line.margin},
             {"p_chosen", line.pChosen}};
    }
    j["line"] = line.line;
    return j;
}

/// --resume: the input lines the output already holds. The output is rewritten with its
/// complete records only, so a record cut off by a crash is scored again, not appended to.
std::set<int64_t> resumeFrom(const std::string& output) {
    std::set<int64_t> done;
    std::ifstream in(output, std::ios::binary);
    if (!in) {
        return done; // nothing yet: a fresh start
    }
    std::string kept;
    for (std::string l; std::getline(in, l);) {
        const auto j = nlohmann::json::parse(l, nullptr, false);
        if (j.is_object() && j.contains("line") && j["line"].is_number_integer()) {
            done.insert(j["line"].get<int64_t>());
            kept += l + "\n";
        }
    }
    in.close();
    std::ofstream rewrite(output, std::ios::binary | std::ios::trunc);
    if (!(rewrite << kept)) {
        throw CliError("cannot rewrite " + output + " for --resume");
    }
    return done;
}

/// Progress on a terminal only (scripts keep a clean stderr): every tenth of the lines.
ProgressFn terminalProgress() {
    if (!isatty(STDERR_FILENO)) {
        return {};
    }
    auto lastTenth = std::make_shared<int64_t>(-1);
    return [lastTenth](const Progress& p) {
        const int64_t tenth = p.total > 0 ? p.done * 10 / p.total : 0;
        if (tenth != *lastTenth) {
            *lastTenth = tenth;
            std::cerr << "scored " << p.done << "/" << p.total << " lines\n";
        }
        return true;
    };
}

Result<BatchSummary> scoreOnServers(const ScoreArgs& a, const ScoreRequest& defaults,
                                    const std::set<int64_t>& skip, std::ostream& out) {
    if (!server::isModelUrl(a.policy) || !server::isModelUrl(a.reference)) {
        throw CliError("give both --policy and --reference as server URLs "
                       "(http://HOST:PORT/MODEL, comma-separated for several servers), or both "
                       "as folders");
    }
    auto servers = server::serverPairs(a.policy, a.reference);
    if (!servers) {
        throw CliError(servers.error());
    }
    server::PoolOptions options;
    options.servers = *servers;
    options.remote.tokenizerDir = a.tokenizer;
    options.remote.token = server::bearerToken(a.token);
    options.beta = a.beta;
    options.skipLines = skip;
    return server::scoreOnServers(
        a.input, defaults, options,
        [&](const server::LineOutcome& o) {
            if (o.scored) {
                out << record(*o.scored).dump() << "\n" << std::flush; // written as it goes
            }
        },
        terminalProgress());
}

void run(const ScoreArgs& a) {
    const bool toFile = !a.output.empty() && a.output != "-";
    if (a.resume && !toFile) {
        throw CliError("--resume needs --output FILE (the records already written there)");
    }
    const std::set<int64_t> skip = a.resume ? resumeFrom(a.output) : std::set<int64_t>{};
    const bool remote = server::isModelUrl(a.policy) || server::isModelUrl(a.reference);
    std::unique_ptr<RewardScorer> local = remote ? nullptr : loadLocal(a);
    std::ofstream file;
    if (toFile) {
        file.open(a.output, std::ios::binary | (a.resume ? std::ios::app : std::ios::trunc));
        if (!file) {
            throw CliError("cannot write " + a.output);
        }
    }
    std::ostream& out = file.is_open() ? file : std::cout;
    ScoreRequest defaults;
    defaults.templateName = a.templateName;
    defaults.scoreEos = !a.noEos;
    auto summary = remote ? scoreOnServers(a, defaults, skip, out)
                          : scoreJsonl(
                                *local, a.input, defaults,
                                [&](const BatchLine& line) {
                                    out << record(line).dump() << "\n" << std::flush;
                                },
                                terminalProgress(), skip);
    if (!summary) {
        throw CliError(summary.error());
    }
    for (const ParseWarning& w : summary->warnings) {
        std::cerr << "warning: " << w.message << "\n";
    }
    std::cerr << "scored " << summary->lines << " lines, " << summary->pairs
              << " pairs, accuracy " << summary->accuracy << ", mean margin "
              << summary->meanMargin << ", skipped " << summary->warnings.size()
              << (skip.empty() ? "" : ", " + std::to_string(skip.size()) + " done before")
              << "\n";
    if (summary->lines == 0 && !summary->warnings.empty()) {
        throw CliError("no line of " + a.input + " could be scored");
    }
}

} // namespace

void addScoreCommand(CLI::App& app) {
    auto a = std::make_shared<ScoreArgs>();
    auto* cmd = app.add_subcommand("score", "Per-token implicit rewards for a JSONL file");
    cmd->add_option("--policy", a->policy,
                    "DPO policy model folder, or server URLs http://HOST:PORT/MODEL[,URL...] "
                    "(lines spread over the servers)")
        ->required();
    cmd->add_option("--reference", a->reference,
                    "reference model folder (default for a LoRA adapter policy: its base, "
                    "adapter off), or a server URL");
    cmd->add_option("--token", a->token,
                    "bearer token for server URLs (default: $CREDITLENS_TOKEN)");
    cmd->add_option("--tokenizer", a->tokenizer,
                    "tokenizer folder for server URLs (default: fetched from a CreditLens "
                    "server; needed for vLLM)");
    cmd->add_option("--base", a->base,
                    "base model folder of a LoRA adapter policy, when its "
                    "base_model_name_or_path is not a local folder");
    cmd->add_option("--config", a->config,
                    "folder with config.json and tokenizer, for a folder holding only policy.pt");
    cmd->add_option("--beta", a->beta, "DPO beta (default 0.1)");
    cmd->add_option("--template", a->templateName,
                    "raw, tldr or chat (default raw); conversational lines (message lists) "
                    "always use chat")
        ->check(CLI::IsMember({"raw", "tldr", "chat"}));
    cmd->add_flag("--no-eos", a->noEos, "do not append and score EOS");
    cmd->add_option("--device", a->device, "cpu or cuda");
    cmd->add_option("--dtype", a->dtype, "f32, bf16 or f16");
    cmd->add_flag("--no-mmap", a->noMmap,
                  "copy the weights into memory instead of mapping the file (for checkpoints "
                  "that training may rewrite while they are analysed)");
    cmd->add_flag("--no-memory-check", a->noMemoryCheck,
                  "load even when the memory estimate exceeds what the machine has available");
    cmd->add_option("--input", a->input, "JSONL input")->required();
    cmd->add_option("--output", a->output,
                    "JSONL output (default stdout); each record names its input \"line\"");
    cmd->add_flag("--resume", a->resume,
                  "skip the input lines --output already holds and append the others");
    cmd->add_option("--threads", a->threads, "LibTorch threads (default: all cores)");
    cmd->callback([a] { run(*a); });
}

} // namespace cl::cli
