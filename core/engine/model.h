#pragma once
// Facade over one loaded causal LM: HF folder in, log-probabilities out. Std types only, so the
// CLI, the GUI and tests use it without LibTorch headers.

#include "core/common/progress.h"
#include "core/common/result.h"
#include "core/engine/model_info.h"

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace cl {

class CausalLm;

/// Per-position top-k next tokens: top[i] lists (id, log-prob) for the token after ids[i].
using TopK = std::vector<std::vector<std::pair<int32_t, float>>>;

class Model {
public:
    ~Model();

    /// Reads config.json and the safetensors headers (no weights) and estimates the memory the
    /// model will take in options.dtype.
    static Result<ModelInfo> inspect(const std::string& folder, const LoadOptions& options = {});

    /// Loads a HF model folder. progress counts weight bytes; returning false cancels
    /// (Error{kCancelledMessage}). Errors name the file and what is wrong.
    static Result<std::unique_ptr<Model>> load(const std::string& folder,
                                               const LoadOptions& options = {},
                                               const ProgressFn& progress = {});

    /// Loads a peft LoRA adapter folder (adapter_config.json + adapter_model.*) as the DPO pair
    /// it defines: first the policy (base + adapter), second the reference (the same base,
    /// adapter off). The two share every base tensor: one copy of the base in memory, never
    /// merged. The base is options.baseDir, else base_model_name_or_path when it is a local
    /// folder (absolute, inside the adapter folder, or beside it); else an Error naming --base.
    /// load() of an adapter folder returns the policy alone.
    static Result<std::pair<std::unique_ptr<Model>, std::unique_ptr<Model>>>
    loadAdapterPair(const std::string& folder, const LoadOptions& options = {},
                    const ProgressFn& progress = {});

    const ModelInfo& info() const;

    /// log p(ids[i] | ids[<i]) for i = 1..n-1 (float32 whatever the compute dtype).
    Result<std::vector<float>> logprobs(const std::vector<int32_t>& ids) const;

    /// The k most likely next tokens after each position 0..n-1.
    Result<TopK> topK(const std::vector<int32_t>& ids, int k) const;

    /// Bytes of weights this model reads from the very memory `other` reads them from (a LoRA
    /// policy and its reference share all but their modules_to_save); 0 for separate loads.
    int64_t sharedWeightBytes(const Model& other) const;

    /// The engine-level model, for code inside core/ (scoring, beam search, training).
    CausalLm& lm();

    struct Impl;

private:
    explicit Model(std::unique_ptr<Impl> impl);
    static Result<ModelInfo> inspectAdapter(const std::string& folder, const LoadOptions& options);
    std::unique_ptr<Impl> m_impl;
};

} // namespace cl
