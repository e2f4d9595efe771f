// `creditlens-cli inspect DIR [--config DIR] [--dtype T]` prints what a model folder holds and
// what loading it would take, reading config.json and the checkpoint headers only (no weights):
// {"architecture", "model_type", "parameters", "dtype", "file_format", "context_length",
//  "layers", "hidden", "heads", "kv_heads", "vocab_size", "compute_dtype",
//  "estimated_memory": {"weights_bytes", "kv_cache_bytes", "total_bytes"}}. Contract: issue #14.
// A LoRA adapter folder adds "adapter": {"rank", "alpha", "scaling", "target_modules", "base",
// ...}; the other fields then describe its base (`--base DIR` when the config names none here).
#include "app/cli/commands.h"
#include "core/engine/model.h"

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <iostream>

namespace cl::cli {

namespace {

struct InspectArgs {
    std::string folder, config, base, dtype = "f32";
};

void run(const InspectArgs& a) {
    LoadOptions options;
    options.dtype = a.dtype;
    options.configDir = a.config;
    options.baseDir = a.base;
    auto info = Model::inspect(a.folder, options);
    if (!info) {
        throw CliError(info.error());
    }
    const ModelInfo& m = info.value();
    nlohmann::json out;
    out["folder"] = m.folder;
    out["config_from"] = m.configFolder;
    out["architecture"] = m.architecture;
    out["model_type"] = m.modelType;
    out["parameters"] = m.parameters;
    out["dtype"] = m.storedDtype;
    out["file_format"] = m.fileFormat;
    out["checkpoint_bytes"] = m.checkpointBytes;
    out["context_length"] = m.maxPositions;
    out["layers"] = m.layers;
    out["hidden"] = m.hidden;
    out["heads"] = m.heads;
    out["kv_heads"] = m.kvHeads;
    out["vocab_size"] = m.vocabSize;
    out["compute_dtype"] = m.dtype;
    // Weights in the compute dtype plus a KV cache filled to the context length.
    out["estimated_memory"] = {{"weights_bytes", m.weightBytes},
                               {"kv_cache_bytes", m.kvCacheBytes},
                               {"total_bytes", m.weightBytes + m.kvCacheBytes}};
    if (m.adapter) {
        // A LoRA adapter folder: the fields above describe its base (parameters include both).
        const AdapterInfo& ad = *m.adapter;
        out["adapter"] = {{"type", "lora"},
                          {"rank", ad.rank},
                          {"alpha", ad.alpha},
                          {"scaling", ad.scaling},
                          {"use_rslora", ad.rslora},
                          {"target_modules", ad.targetModules},
                          {"adapted_modules", ad.adaptedModules},
                          {"modules_to_save", ad.modulesToSave},
                          {"parameters", ad.parameters},
                          {"file_format", ad.fileFormat},
                          {"base_model_name_or_path", ad.baseModel},
                          {"base", ad.baseFolder}};
    }
    std::cout << out.dump(2) << "\n";
}

} // namespace

void addInspectCommand(CLI::App& app) {
    auto a = std::make_shared<InspectArgs>();
    auto* cmd = app.add_subcommand(
        "inspect", "Architecture, size, format and memory estimate of a model folder (no weights "
                   "are loaded)");
    cmd->add_option("folder", a->folder, "model folder")->required();
    cmd->add_option("--config", a->config,
                    "folder with config.json, for a folder holding only policy.pt");
    cmd->add_option("--base", a->base,
                    "base model folder of a LoRA adapter folder, when its "
                    "base_model_name_or_path is not a local folder");
    cmd->add_option("--dtype", a->dtype, "compute dtype for the estimate: f32, bf16 or f16");
    cmd->callback([a] { run(*a); });
}

} // namespace cl::cli
