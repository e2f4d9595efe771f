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

#include <CLI/CLI.hpp>

#include <cstdlib>
#include <fstream>
#include <iostream>

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
};

/// The pair behind two server URLs (issue #16): a CreditLens server or vLLM each.
std::unique_ptr<ResponseScorer> connectRemote(const ScoreArgs& a) {
    if (!server::isModelUrl(a.policy) || !server::isModelUrl(a.reference)) {
        throw CliError("give both --policy and --reference as server URLs "
                       "(http://HOST:PORT/MODEL), or both as folders");
    }
    server::RemoteOptions options;
    options.tokenizerDir = a.tokenizer;
    const char* envToken = std::getenv("CREDITLENS_TOKEN");
    options.token = !a.token.empty() ? a.token : envToken ? envToken : "";
    auto scorer = server::RemoteScorer::connect(a.policy, a.reference, options);
    if (!scorer) {
        throw CliError(scorer.error());
    }
    scorer.value()->setBeta(a.beta);
    return std::move(scorer.value());
}

std::unique_ptr<ResponseScorer> loadLocal(const ScoreArgs& a) {
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

void run(const ScoreArgs& a) {
    const bool remote = server::isModelUrl(a.policy) || server::isModelUrl(a.reference);
    const std::unique_ptr<ResponseScorer> scorer = remote ? connectRemote(a) : loadLocal(a);
    std::ofstream file;
    if (!a.output.empty() && a.output != "-") {
        file.open(a.output, std::ios::binary);
        if (!file) {
            throw CliError("cannot write " + a.output);
        }
    }
    std::ostream& out = file.is_open() ? file : std::cout;
    ScoreRequest defaults;
    defaults.templateName = a.templateName;
    defaults.scoreEos = !a.noEos;
    auto summary = scoreJsonl(*scorer, a.input, defaults, [&](const BatchLine& line) {
        nlohmann::json j;
        if (line.response) {
            j = toJson(*line.response);
        } else {
            j = {{"chosen", toJson(*line.chosen)},
                 {"rejected", toJson(*line.rejected)},
                 {"margin", line.margin},
                 {"p_chosen", line.pChosen}};
        }
        out << j.dump() << "\n";
    });
    if (!summary) {
        throw CliError(summary.error());
    }
    for (const ParseWarning& w : summary->warnings) {
        std::cerr << "warning: " << w.message << "\n";
    }
    std::cerr << "scored " << summary->lines << " lines, " << summary->pairs
              << " pairs, accuracy " << summary->accuracy << ", mean margin "
              << summary->meanMargin << ", skipped " << summary->warnings.size() << "\n";
    if (summary->lines == 0 && !summary->warnings.empty()) {
        throw CliError("no line of " + a.input + " could be scored");
    }
}

} // namespace

void addScoreCommand(CLI::App& app) {
    auto a = std::make_shared<ScoreArgs>();
    auto* cmd = app.add_subcommand("score", "Per-token implicit rewards for a JSONL file");
    cmd->add_option("--policy", a->policy,
                    "DPO policy model folder, or a server URL http://HOST:PORT/MODEL")
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
    cmd->add_option("--output", a->output, "JSONL output (default stdout)");
    cmd->add_option("--threads", a->threads, "LibTorch threads (default: all cores)");
    cmd->callback([a] { run(*a); });
}

} // namespace cl::cli
