// `creditlens-cli logprobs --model DIR --ids 1,2,3 [--device D] [--dtype T] [--top-k K]`
// prints {"logprobs": [...]} (and "top" with --top-k). Contract: issue #3.
#include "app/cli/cli_util.h"
#include "app/cli/commands.h"
#include "core/engine/model.h"

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <iostream>

namespace cl::cli {

namespace {

struct LogprobsArgs {
    std::string model;
    std::string ids;
    std::string device = "cpu";
    std::string dtype = "f32";
    std::string config; ///< config.json for a weights-only folder (policy.pt)
    std::string base;   ///< --base: a LoRA adapter's base model folder
    int topK = 0;
    int threads = 0;
    bool noMmap = false;
    bool noMemoryCheck = false; ///< --no-memory-check: LoadOptions::checkMemory off
};

void run(const LogprobsArgs& a) {
    applyThreads(a.threads);
    std::vector<int32_t> ids;
    for (int64_t id : parseIdList(a.ids, "--ids")) {
        ids.push_back(static_cast<int32_t>(id));
    }
    const LoadOptions options{a.device, a.dtype, a.config, a.noMmap,
                              a.base, !a.noMemoryCheck};
    auto model = Model::load(a.model, options);
    if (!model) {
        throw CliError(model.error());
    }
    auto lp = model.value()->logprobs(ids);
    if (!lp) {
        throw CliError(lp.error());
    }
    nlohmann::json out;
    out["logprobs"] = lp.value();
    if (a.topK > 0) {
        auto top = model.value()->topK(ids, a.topK);
        if (!top) {
            throw CliError(top.error());
        }
        nlohmann::json rows = nlohmann::json::array();
        for (const auto& row : top.value()) {
            nlohmann::json r = nlohmann::json::array();
            for (const auto& [id, p] : row) {
                r.push_back({id, p});
            }
            rows.push_back(r);
        }
        out["top"] = rows;
    }
    std::cout << out.dump() << "\n";
}

} // namespace

void addLogprobsCommand(CLI::App& app) {
    auto args = std::make_shared<LogprobsArgs>();
    auto* cmd = app.add_subcommand("logprobs", "Next-token log-probabilities of a token sequence");
    cmd->add_option("--model", args->model, "HF model folder")->required();
    cmd->add_option("--ids", args->ids, "comma-separated token ids")->required();
    cmd->add_option("--config", args->config,
                    "folder with config.json, for a folder holding only policy.pt");
    cmd->add_option("--base", args->base,
                    "base model folder of a LoRA adapter folder, when its "
                    "base_model_name_or_path is not a local folder");
    cmd->add_option("--device", args->device, "cpu or cuda");
    cmd->add_option("--dtype", args->dtype, "f32, bf16 or f16");
    cmd->add_option("--top-k", args->topK, "also print the top-K next tokens per position");
    cmd->add_option("--threads", args->threads, "LibTorch threads (default: all cores)");
    cmd->add_flag("--no-mmap", args->noMmap,
                  "copy the weights into memory instead of mapping the file (for checkpoints "
                  "that training may rewrite while they are analysed)");
    cmd->add_flag("--no-memory-check", args->noMemoryCheck,
                  "load even when the memory estimate exceeds what the machine has available");
    cmd->callback([args] { run(*args); });
}

} // namespace cl::cli
