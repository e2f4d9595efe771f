#pragma once
// config.json of a HF causal LM, normalised across GPT-NeoX, Llama and GPT-2 spellings
// (REFERENCE.md §1.1, §2.1, §3). Torch-free.

#include "core/common/result.h"

#include <cstdint>
#include <optional>
#include <string>

namespace cl {

enum class Architecture { GptNeoX, Llama, Gpt2 };

struct ModelConfig {
    Architecture arch = Architecture::GptNeoX;
    std::string architectureName; ///< as written in "architectures" (or derived from model_type)
    std::string modelType;
    int64_t vocabSize = 0;
    int hidden = 0;
    int layers = 0;
    int heads = 0;
    int kvHeads = 0;       ///< == heads unless grouped-query attention
    int headDim = 0;
    int intermediate = 0;
    int64_t maxPositions = 0;
    std::string activation; ///< HF name: gelu, gelu_new, gelu_fast, gelu_pytorch_tanh, silu, relu
    double normEps = 1e-5;
    // Rotary (GPT-NeoX, Llama)
    int rotaryDims = 0;     ///< channels per head that rotate (NeoX: int(headDim * rotary_pct))
    double ropeTheta = 10000.0;
    std::string ropeScalingType; ///< "", "linear", "dynamic", "llama3"
    double ropeScalingFactor = 1.0;
    double ropeLowFreqFactor = 1.0;
    double ropeHighFreqFactor = 4.0;
    int64_t ropeOriginalMaxPositions = 0;
    // Layout switches
    bool parallelResidual = true;  ///< GPT-NeoX use_parallel_residual
    bool tieEmbeddings = false;
    bool attentionBias = true;     ///< bias on q/k/v projections (NeoX default, Qwen2-style)
    bool attentionOutBias = true;  ///< bias on the output projection
    bool mlpBias = true;
    bool gpt2ScaleAttn = true;
    bool gpt2ScaleByLayer = false;
    std::optional<int32_t> bosId;
    std::optional<int32_t> eosId;
    std::optional<int32_t> padId;
    std::string torchDtype;

    /// Parses and validates config.json at `path`. Errors name the file and the field.
    static Result<ModelConfig> fromFile(const std::string& path);
    /// Same, from the JSON text (path is used in messages only).
    static Result<ModelConfig> fromJson(const std::string& text, const std::string& path);
};

/// Names of the supported architectures, for error messages.
std::string supportedArchitectures();

} // namespace cl
