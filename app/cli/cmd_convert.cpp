// `creditlens-cli convert --input X --output DIR [--config DIR]` writes DIR/model.safetensors
// from a pickle (or safetensors) checkpoint plus copies of its config and tokenizer files, and
// prints {"output", "input_format", "tensors", "bytes", "copied"}. Contract: issue #14.
#include "app/cli/commands.h"
#include "core/engine/checkpoint_convert.h"

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <iostream>

namespace cl::cli {

namespace {

struct ConvertArgs {
    std::string input, output, config;
};

void run(const ConvertArgs& a) {
    auto report = convertToSafetensors(a.input, a.output, a.config);
    if (!report) {
        throw CliError(report.error());
    }
    nlohmann::json out;
    out["output"] = report->output;
    out["input_format"] = report->inputFormat;
    out["tensors"] = report->tensors;
    out["bytes"] = report->bytes;
    out["copied"] = report->copied;
    std::cout << out.dump() << "\n";
}

} // namespace

void addConvertCommand(CLI::App& app) {
    auto a = std::make_shared<ConvertArgs>();
    auto* cmd = app.add_subcommand(
        "convert", "Write a pickle checkpoint (pytorch_model.bin, policy.pt) as safetensors");
    cmd->add_option("--input", a->input, "model folder or weight file")->required();
    cmd->add_option("--output", a->output, "output folder (created)")->required();
    cmd->add_option("--config", a->config,
                    "folder with config.json and tokenizer, for a folder holding only policy.pt");
    cmd->callback([a] { run(*a); });
}

} // namespace cl::cli
