#pragma once
// config.json of a HF causal LM, normalised across architectures. Which fields an architecture
// reads, and how its decoder block is built from the shared pieces, is decided by its unit in
// core/engine/arch/ (docs/ARCHITECTURES.md). Torch-free.

#include "core/common/result.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace cl {

enum class Architecture { GptNeoX, Llama, Gpt2, Mistral, Qwen2, Gemma, Olmo, StableLm };

/// The normalisation every norm of the model uses.
enum class NormKind {
    LayerNorm,         ///< weight and bias (GPT-NeoX, GPT-2, StableLM)
    LayerNormNoAffine, ///< no weight or bias, statistics in fp32 (OLMo)
    RmsNorm,           ///< x̂ · w, cast back to the activation dtype before the weight (Llama)
    RmsNormOffset,     ///< x̂ · (1 + w) in fp32 (Gemma: the file stores gain − 1)
};

/// How q, k, v come out of the attention input.
enum class QkvLayout {
    FusedPerHead, ///< one [3H, H] matrix, rows interleaved per head (GPT-NeoX)
    FusedConv1D,  ///< one Conv1D [H, 3H], contiguous q | k | v blocks (GPT-2)
    Separate,     ///< q_proj, k_proj, v_proj (Llama and descendants)
};

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
    // Rotary
    int rotaryDims = 0;     ///< channels per head that rotate (NeoX: int(headDim * rotary_pct))
    double ropeTheta = 10000.0;
    std::string ropeScalingType; ///< "", "linear", "dynamic", "llama3"
    double ropeScalingFactor = 1.0;
    double ropeLowFreqFactor = 1.0;
    double ropeHighFreqFactor = 4.0;
    int64_t ropeOriginalMaxPositions = 0;
    // The decoder block, as the architecture unit describes it
    NormKind norm = NormKind::LayerNorm;
    QkvLayout qkv = QkvLayout::FusedPerHead;
    bool gatedMlp = false;         ///< down(act(gate(x)) · up(x)) instead of down(act(up(x)))
    bool conv1d = false;           ///< every projection stored [in, out] (GPT-2 Conv1D)
    bool learnedPositions = false; ///< position embedding table instead of rotary (GPT-2)
    bool parallelResidual = true;  ///< x + attn(ln1(x)) + mlp(ln2(x))
    bool sharedNorm = false;       ///< parallel residual with ln2 = ln1 (StableLM's one norm)
    double embedScale = 0.0;       ///< > 0: embeddings × this, rounded to the activation dtype
    double clipQkv = 0.0;          ///< > 0: q, k, v clamped to ±this after projection (OLMo)
    bool qkNorm = false;           ///< per-head LayerNorm (weight only) on q and k (StableLM)
    int64_t slidingWindow = 0;     ///< > 0: query i attends to keys i−W … i (HF 4.40 mask)
    bool tieEmbeddings = false;
    bool attentionBias = true;     ///< bias on q/k/v projections
    bool attentionOutBias = true;  ///< bias on the output projection
    bool mlpBias = true;
    bool gpt2ScaleAttn = true;
    bool gpt2ScaleByLayer = false;
    std::optional<int32_t> bosId;
    std::optional<int32_t> eosId;  ///< the first of eosIds (callers that know one EOS)
    std::vector<int32_t> eosIds;   ///< every id of eos_token_id (Llama 3 lists several)
    std::optional<int32_t> padId;
    std::string torchDtype;

    /// Longest sequence the model scores: max_position_embeddings, times the factor for dynamic
    /// NTK scaling (whose point is to run past the trained context).
    int64_t contextLength() const;

    /// Parses and validates config.json at `path`. Errors name the file and the field.
    static Result<ModelConfig> fromFile(const std::string& path);
    /// Same, from the JSON text (path is used in messages only).
    static Result<ModelConfig> fromJson(const std::string& text, const std::string& path);
};

/// The eos_token_id list of a generation_config.json (what HF generate() uses), empty when the
/// file or the key is absent or unreadable.
std::vector<int32_t> generationEosIds(const std::string& generationConfigPath);

/// Names of the supported architectures, for error messages.
std::string supportedArchitectures();

} // namespace cl
