#pragma once
// Rotary position embeddings as HF computes them: inv_freq in fp32 from the base, cos/sin of
// cat(freqs, freqs), rotate_half (split halves, not adjacent pairs) over the first `dims`
// channels of each head (modeling_gpt_neox.py / modeling_llama.py; REFERENCE.md §1.5, §2.4).
// rope_scaling: linear divides positions by the factor; llama3 rescales inv_freq once; dynamic
// NTK changes the base with the length of the forward pass (see apply()). Internal header.

#include "core/engine/model_config.h"

#include <ATen/ATen.h>

namespace cl {

class Rotary {
public:
    explicit Rotary(const ModelConfig& config);

    /// Rotates q, k [B, heads, T, headDim] for positions [past, past+T). Returns new tensors.
    /// Dynamic NTK (transformers 4.40 LlamaDynamicNTKScalingRotaryEmbedding): a call whose
    /// positions end at L = past + T > max_position_embeddings uses
    /// base' = base · (f·L/max − (f−1))^(d/(d−2)), computed in fp32, for all its positions.
    std::pair<at::Tensor, at::Tensor> apply(const at::Tensor& q, const at::Tensor& k,
                                            int64_t past);

    /// Which frequencies a forward pass ending at total length L uses: 0 for the fixed ones,
    /// else L itself (dynamic NTK past the trained context, where every L has its own base).
    /// Keys cached under another value are stale for that pass.
    int64_t frequencySet(int64_t totalLength) const;

private:
    void ensure(int64_t length, const at::Device& device);
    at::Tensor rotate(const at::Tensor& x, const at::Tensor& cos, const at::Tensor& sin) const;
    /// inv_freq for dynamic NTK at total length L (> max positions), [dims/2] fp32.
    at::Tensor dynamicInvFreq(int64_t length) const;

    int m_dims = 0;
    double m_theta = 10000.0;
    double m_linearFactor = 1.0;
    bool m_dynamic = false;
    double m_dynamicFactor = 1.0;
    int64_t m_maxPositions = 0;
    at::Tensor m_invFreq; // [dims/2] fp32
    at::Tensor m_cos;     // [len, dims] fp32
    at::Tensor m_sin;
};

} // namespace cl
