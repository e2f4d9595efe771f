#pragma once
// Rotary position embeddings as HF computes them: inv_freq in fp32 from the base, cos/sin of
// cat(freqs, freqs), rotate_half (split halves, not adjacent pairs) over the first `dims`
// channels of each head (modeling_gpt_neox.py / modeling_llama.py; REFERENCE.md §1.5, §2.4).
// Internal (LibTorch) header.

#include "core/engine/model_config.h"

#include <ATen/ATen.h>

namespace cl {

class Rotary {
public:
    explicit Rotary(const ModelConfig& config);

    /// Rotates q, k [B, heads, T, headDim] for positions [past, past+T). Returns new tensors.
    std::pair<at::Tensor, at::Tensor> apply(const at::Tensor& q, const at::Tensor& k,
                                            int64_t past);

private:
    void ensure(int64_t length, const at::Device& device);
    at::Tensor rotate(const at::Tensor& x, const at::Tensor& cos, const at::Tensor& sin) const;

    int m_dims = 0;
    double m_linearFactor = 1.0;
    at::Tensor m_invFreq; // [dims/2] fp32
    at::Tensor m_cos;     // [len, dims] fp32
    at::Tensor m_sin;
};

} // namespace cl
