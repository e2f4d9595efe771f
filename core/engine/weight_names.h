#pragma once
// Where each architecture keeps its weights in a HF state dict (REFERENCE.md §1.2, §2.2, §3).
// Torch-free: pure name and shape tables, checked against the checkpoint before loading. The
// tables themselves belong to the architecture units (core/engine/arch/).

#include "core/engine/model_config.h"

#include <cstdint>
#include <string>
#include <vector>

namespace cl {

/// Which slot of the model a tensor fills.
enum class Slot {
    Embed, PosEmbed, FinalNormW, FinalNormB, Head,
    Norm1W, Norm1B, Norm2W, Norm2B, QkvW, QkvB, QW, QB, KW, KB, VW, VB, OW, OB,
    UpW, UpB, GateW, GateB, DownW, DownB,
    QNormW, KNormW ///< one tensor per head (WeightSpec::part), stacked to [heads, headDim]
};

struct WeightSpec {
    Slot slot;
    int layer = -1;            ///< -1 for model-level tensors
    std::string name;          ///< key without the base-model prefix; "@" = outside the prefix
    std::vector<int64_t> shape;
    bool required = true;
    int part = 0;              ///< head index for per-head tensors (QNormW, KNormW)
};

/// The base-model prefix HF adds when saving *ForCausalLM ("gpt_neox.", "model.",
/// "transformer."); the output head lives outside it.
std::string basePrefix(const ModelConfig& config);

/// Every tensor the model reads, with its expected shape.
std::vector<WeightSpec> weightSpecs(const ModelConfig& config);

} // namespace cl
