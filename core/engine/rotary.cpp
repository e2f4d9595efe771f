#include "core/engine/rotary.h"

#include <cmath>

namespace cl {

Rotary::Rotary(const ModelConfig& c)
    : m_dims(c.rotaryDims), m_theta(c.ropeTheta), m_maxPositions(c.maxPositions) {
    // inv_freq = 1 / base^(arange(0, dim, 2) / dim), computed in fp32 as HF does.
    at::Tensor idx = at::arange(0, m_dims, 2, at::kLong).to(at::kFloat) / static_cast<float>(m_dims);
    m_invFreq = 1.0 / at::pow(static_cast<float>(c.ropeTheta), idx);
    if (c.ropeScalingType == "linear") {
        m_linearFactor = c.ropeScalingFactor;
    } else if (c.ropeScalingType == "llama3") {
        // modeling_rope_utils.py _compute_llama3_parameters.
        const double factor = c.ropeScalingFactor;
        const double orig = static_cast<double>(c.ropeOriginalMaxPositions);
        const double lowWave = orig / c.ropeLowFreqFactor;
        const double highWave = orig / c.ropeHighFreqFactor;
        auto f = m_invFreq.accessor<float, 1>();
        for (int64_t i = 0; i < m_invFreq.size(0); ++i) {
            const double inv = f[i];
            const double wave = 2 * M_PI / inv;
            double out = inv;
            if (wave > lowWave) {
                out = inv / factor;
            } else if (wave >= highWave) {
                const double smooth = (orig / wave - c.ropeLowFreqFactor) /
                                      (c.ropeHighFreqFactor - c.ropeLowFreqFactor);
                out = (1 - smooth) * inv / factor + smooth * inv;
            }
            f[i] = static_cast<float>(out);
        }
    }
    if (c.ropeScalingType == "dynamic") {
        m_dynamic = true;
        m_dynamicFactor = c.ropeScalingFactor;
    }
}

int64_t Rotary::frequencySet(int64_t totalLength) const {
    return m_dynamic && totalLength > m_maxPositions ? totalLength : 0;
}

at::Tensor Rotary::dynamicInvFreq(int64_t length) const {
    // HF 4.40: seq_len is an int64 tensor, so every step is a float32 tensor op:
    // base = self.base * ((f * seq_len / max) - (f - 1)) ** (dim / (dim - 2)).
    const at::TensorOptions f32(at::kFloat);
    at::Tensor len = at::scalar_tensor(static_cast<double>(length), f32);
    at::Tensor ratio = len * m_dynamicFactor / static_cast<double>(m_maxPositions) -
                       (m_dynamicFactor - 1.0);
    at::Tensor base = at::pow(ratio, static_cast<double>(m_dims) / (m_dims - 2)) * m_theta;
    at::Tensor idx = at::arange(0, m_dims, 2, at::kLong).to(at::kFloat) / float(m_dims); // [d/2]
    return 1.0 / at::pow(base, idx);
}

void Rotary::ensure(int64_t length, const at::Device& device) {
    if (m_cos.defined() && m_cos.size(0) >= length && m_cos.device() == device) {
        return;
    }
    const int64_t cap = std::max<int64_t>(length, m_cos.defined() ? 2 * m_cos.size(0) : 256);
    at::Tensor t = at::arange(cap, at::kFloat) / static_cast<float>(m_linearFactor); // [L]
    at::Tensor freqs = at::outer(t, m_invFreq);                                        // [L, d/2]
    at::Tensor emb = at::cat({freqs, freqs}, -1);                                      // [L, d]
    m_cos = emb.cos().to(device);
    m_sin = emb.sin().to(device);
}

at::Tensor Rotary::rotate(const at::Tensor& x, const at::Tensor& cos, const at::Tensor& sin) const {
    // x: [B, h, T, dims]; rotate_half(x) = cat(-x2, x1)
    const int64_t half = m_dims / 2;
    at::Tensor x1 = x.narrow(-1, 0, half);
    at::Tensor x2 = x.narrow(-1, half, half);
    at::Tensor rotated = at::cat({-x2, x1}, -1);
    return x * cos + rotated * sin;
}

std::pair<at::Tensor, at::Tensor> Rotary::apply(const at::Tensor& q, const at::Tensor& k,
                                                int64_t past) {
    const int64_t t = q.size(2);
    at::Tensor cos, sin; // [T, dims] in the activations' dtype, as HF casts cos/sin to x.dtype
    if (frequencySet(past + t) != 0) {
        at::Tensor pos = at::arange(past, past + t, at::kLong).to(at::kFloat); // [T]
        at::Tensor freqs = at::outer(pos, dynamicInvFreq(past + t));           // [T, d/2]
        at::Tensor emb = at::cat({freqs, freqs}, -1);                          // [T, d]
        cos = emb.cos().to(q.device(), q.scalar_type());
        sin = emb.sin().to(q.device(), q.scalar_type());
    } else {
        ensure(past + t, q.device());
        cos = m_cos.narrow(0, past, t).to(q.scalar_type());
        sin = m_sin.narrow(0, past, t).to(q.scalar_type());
    }
    const int64_t headDim = q.size(-1);
    if (m_dims == headDim) {
        return {rotate(q, cos, sin), rotate(k, cos, sin)};
    }
    auto partial = [&](const at::Tensor& x) {
        at::Tensor rot = rotate(x.narrow(-1, 0, m_dims), cos, sin);
        return at::cat({rot, x.narrow(-1, m_dims, headDim - m_dims)}, -1);
    };
    return {partial(q), partial(k)};
}

} // namespace cl
