#pragma once
// A peft LoRA adapter folder (adapter_config.json + adapter_model.safetensors or .bin): its
// config, the base model it sits on, and its tensors matched to the base's weight slots
// (DESIGN.md: LoRA = base tensors + low-rank deltas, never merged in memory). Torch-free.
//
// peft (tuners/lora/layer.py, model.py) computes, for each targeted Linear/Conv1D,
//   y = base(x) + s · (x Aᵀ) Bᵀ,  A = lora_A [r, in], B = lora_B [out, r],
//   s = lora_alpha / r, or lora_alpha / sqrt(r) with use_rslora.
// fan_in_fan_out (GPT-2 Conv1D) changes only how a merge transposes (W' = W + s·(BA)ᵀ); the
// unmerged formula above is the same for both layers.

#include "core/common/result.h"
#include "core/engine/checkpoint.h"
#include "core/engine/model_config.h"
#include "core/engine/weight_names.h"

#include <memory>
#include <string>
#include <vector>

namespace cl {

/// What adapter_config.json says, reduced to what inference needs.
struct LoraConfig {
    int rank = 0;                           ///< r
    double alpha = 0;                       ///< lora_alpha
    bool rslora = false;                    ///< use_rslora: scaling alpha / sqrt(r)
    bool fanInFanOut = false;               ///< Conv1D storage [in, out] (GPT-2)
    std::vector<std::string> targetModules; ///< peft: name == t or name ends with "." + t
    std::string targetRegex; ///< target_modules as one string: fullmatch regex, or "all-linear"
    std::vector<std::string> modulesToSave; ///< whole modules replaced (e.g. lm_head)
    std::string baseModel;                  ///< base_model_name_or_path, as written

    /// s = alpha / r, or alpha / sqrt(r) with use_rslora.
    double scaling() const;
    /// Whether peft would wrap the module at HF path `module` (e.g. "model.layers.0.mlp.up_proj").
    bool targets(const std::string& module) const;
    /// Whether `module` is one of modules_to_save (same matching).
    bool savesModule(const std::string& module) const;
};

/// One low-rank pair on a base projection.
struct LoraTarget {
    Slot slot; ///< the base weight it modifies (QW, QkvW, OW, ...)
    int layer = -1;
    std::string module;             ///< HF module path
    const TensorEntry* a = nullptr; ///< lora_A.weight [r, in]
    const TensorEntry* b = nullptr; ///< lora_B.weight [out, r]
};

/// A modules_to_save tensor: replaces the base weight of `slot` in the policy only.
struct LoraReplacement {
    Slot slot;
    int layer = -1;
    const TensorEntry* weight = nullptr;
};

/// True when `folder` holds adapter_config.json.
bool isAdapterFolder(const std::string& folder);

/// Reads adapter_config.json. Refuses what CreditLens does not compute, with a sentence naming
/// the field: peft_type other than LORA, bias other than "none", use_dora, rank_pattern /
/// alpha_pattern, layers_to_transform, layer_replication.
Result<LoraConfig> readLoraConfig(const std::string& folder);

/// The base model folder: `baseDir` when given, else base_model_name_or_path when it names a
/// local folder holding config.json (absolute, relative to the adapter folder, or a sibling of
/// it, i.e. relative to its parent). Else an Error saying to pass --base DIR.
Result<std::string> resolveLoraBase(const std::string& adapterFolder, const LoraConfig& config,
                                    const std::string& baseDir);

/// An opened adapter on a known base architecture.
struct LoraAdapter {
    std::string folder;
    std::string baseFolder;
    LoraConfig config;
    std::shared_ptr<const Checkpoint> file; ///< keeps the entries below mapped
    std::vector<LoraTarget> targets;
    std::vector<LoraReplacement> replacements;

    /// Opens the adapter weights and matches every key `base_model.model.<module>.lora_A.weight`
    /// / `.lora_B.weight` / `<module>.weight` (modules_to_save) to `base`'s weights. Refuses a key
    /// that names no weight of the base, a shape that does not fit it, a pair missing one half,
    /// LoRA on an embedding, and lora biases.
    static Result<LoraAdapter> open(const std::string& folder, const std::string& baseFolder,
                                    const LoraConfig& config, const ModelConfig& base);

    /// Adapter parameters (A and B of every target, plus replacements).
    int64_t parameterCount() const;
};

} // namespace cl
