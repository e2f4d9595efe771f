// CausalLm::forward and its shared pieces. Each formula follows HF transformers' eager code
// (4.40): modeling_gpt_neox.py, modeling_llama.py, modeling_gpt2.py (REFERENCE.md §1–3), and for
// the extras modeling_mistral.py (window), modeling_gemma.py (offset RMSNorm, embedding scale),
// modeling_olmo.py (weightless LayerNorm, clip_qkv), modeling_stablelm.py (per-head q/k norm).
#include "core/engine/causal_lm.h"

#include "core/engine/checkpoint.h"
#include "core/engine/upcast_matmul.h"

#include <cmath>
#include <limits>
#include <stdexcept>

namespace cl {

namespace {

/// Weights narrower than the computation (bf16/f16 kept as stored, issue #19) go through the
/// tiled upcast; the others through LibTorch's own matmul.
at::Tensor linear(const at::Tensor& x, const at::Tensor& w, const at::Tensor& b) {
    if (w.scalar_type() != x.scalar_type()) {
        return upcastLinear(x, w, b);
    }
    return b.defined() ? at::linear(x, w, b) : at::linear(x, w);
}

/// GPT-2 Conv1D: y = x @ W + b with W stored [in, out] (pytorch_utils.py Conv1D).
at::Tensor conv1d(const at::Tensor& x, const at::Tensor& w, const at::Tensor& b) {
    if (w.scalar_type() != x.scalar_type()) {
        return upcastConv1d(x, w, b);
    }
    return at::matmul(x, w) + b;
}

} // namespace

at::Tensor CausalLm::norm(const at::Tensor& x, const at::Tensor& w, const at::Tensor& b) const {
    const double eps = m_config.normEps;
    switch (m_config.norm) {
    case NormKind::RmsNorm: {
        // LlamaRMSNorm: statistics in fp32, cast back before the weight.
        at::Tensor x32 = x.to(at::kFloat);
        at::Tensor y = x32 * at::rsqrt(x32.pow(2).mean(-1, /*keepdim=*/true) + eps);
        return w * y.to(x.scalar_type());
    }
    case NormKind::RmsNormOffset: {
        // GemmaRMSNorm: x̂ · (1 + w) entirely in fp32, then cast back.
        at::Tensor x32 = x.to(at::kFloat);
        at::Tensor y = x32 * at::rsqrt(x32.pow(2).mean(-1, /*keepdim=*/true) + eps);
        return (y * (1.0 + w.to(at::kFloat))).to(x.scalar_type());
    }
    case NormKind::LayerNormNoAffine:
        // OlmoLayerNorm: F.layer_norm(x.float(), None, None, eps=1e-5).to(dtype).
        return at::layer_norm(x.to(at::kFloat), {x.size(-1)}, c10::nullopt, c10::nullopt, eps)
            .to(x.scalar_type());
    case NormKind::LayerNorm:
        break;
    }
    return at::layer_norm(x, {x.size(-1)}, w, b, eps);
}

at::Tensor CausalLm::activation(const at::Tensor& x) const {
    const std::string& a = m_config.activation;
    if (a == "gelu" || a == "gelu_python") {
        return at::gelu(x); // exact erf form
    }
    if (a == "gelu_new" || a == "gelu_fast" || a == "gelu_pytorch_tanh") {
        return at::gelu(x, "tanh"); // the same tanh formula (activations.py)
    }
    if (a == "silu" || a == "swish") {
        return at::silu(x);
    }
    if (a == "relu") {
        return at::relu(x);
    }
    if (a == "quick_gelu") {
        return x * at::sigmoid(1.702 * x);
    }
    return at::tanh(x);
}

at::Tensor CausalLm::project(const at::Tensor& x, const at::Tensor& w, const at::Tensor& b,
                             const LoraDelta& d, bool conv, int64_t adapterRows) const {
    at::Tensor y = conv ? conv1d(x, w, b) : linear(x, w, b); // one read of W for every row
    if (!d.defined() || adapterRows == 0) {
        return y;
    }
    // peft lora.Linear.forward: result + lora_B(lora_A(x)) * scaling. Conv1D layers
    // (fan_in_fan_out) use the same A [r, in], B [out, r] unmerged.
    if (adapterRows < 0 || adapterRows >= x.size(0)) {
        return y + at::linear(at::linear(x, d.a), d.b) * d.scale;
    }
    // A LoRA pair as one batch: rows [0, k) are the policy, the others the reference (base).
    at::Tensor xs = x.narrow(0, 0, adapterRows); // [k, T, in]
    y.narrow(0, 0, adapterRows).add_(at::linear(at::linear(xs, d.a), d.b) * d.scale);
    return y;
}

at::Tensor CausalLm::mlp(const LayerWeights& w, const at::Tensor& x, int64_t rows) const {
    const bool conv = m_config.conv1d;
    if (m_config.gatedMlp) {
        return project(activation(project(x, w.gateW, w.gateB, w.gateL, conv, rows)) *
                           project(x, w.upW, w.upB, w.upL, conv, rows),
                       w.downW, w.downB, w.downL, conv, rows);
    }
    return project(activation(project(x, w.upW, w.upB, w.upL, conv, rows)), w.downW, w.downB,
                   w.downL, conv, rows);
}

namespace {

/// StableLmLayerNormPerHead: a weight-only LayerNorm per head of x [B, heads, T, D], with
/// w [heads, D].
at::Tensor perHeadNorm(const at::Tensor& x, const at::Tensor& w, double eps) {
    at::Tensor y = at::layer_norm(x, {x.size(-1)}, c10::nullopt, c10::nullopt, eps);
    return y * w.unsqueeze(1); // [heads, 1, D] broadcasts over B and T
}

} // namespace

namespace {

/// Query i (absolute past+i) sees keys j <= past+i, and with a sliding window W only j >=
/// past+i-W (HF 4.40's _make_causal_mask keeps W+1 keys, the query's own included). Masks
/// scores [.., T, S] in place when some key is hidden.
void maskScores(at::Tensor& scores, int64_t past, int64_t window) {
    const int64_t T = scores.size(-2), S = scores.size(-1);
    const bool windowBites = window > 0 && S > window + 1;
    if (T > 1 || windowBites) {
        const at::TensorOptions boolOpts = at::TensorOptions(at::kBool).device(scores.device());
        at::Tensor mask = at::ones({T, S}, boolOpts).triu(past + 1); // true = masked
        if (windowBites) {
            mask = mask.logical_or(at::ones({T, S}, boolOpts).tril(past - window - 1));
        }
        scores.masked_fill_(mask, -std::numeric_limits<float>::infinity());
    }
}

} // namespace

at::Tensor CausalLm::causalAttention(const at::Tensor& q, const at::Tensor& k, const at::Tensor& v,
                                     int64_t past, double scale) const {
    // Issue #20: queries run in blocks, each against only the keys it can see, so a full pass
    // computes about half of the T x S scores instead of all of them. The scale multiplies the
    // queries (T x D) rather than the scores (T x S): the same product up to rounding, in a
    // fraction of the passes. (baddbmm's alpha would be HF GPT-NeoX's form, but LibTorch 1.13's
    // small-matrix path reads the output even with beta=0.)
    constexpr int64_t kBlock = 128; // 64..256 and one block all measured within 5% (edit_bench)
    const int64_t B = q.size(0), nH = q.size(1), T = q.size(2), D = q.size(3);
    const int64_t nKV = k.size(1), rep = nH / nKV;
    at::Tensor out = at::empty({B, T, nH, D}, q.options());
    for (int64_t r0 = 0; r0 < T; r0 += kBlock) {
        const int64_t Tb = std::min(kBlock, T - r0);
        const int64_t S = past + r0 + Tb; // keys the block's last query sees
        // Grouped-query attention without copying K/V: query heads of one kv head share a
        // block (repeat_kv's repeat_interleave: kv head j serves query heads [j*rep, (j+1)*rep)).
        at::Tensor qb = (q.narrow(2, r0, Tb) * scale).reshape({B * nKV, rep * Tb, D});
        at::Tensor kb = k.narrow(2, 0, S).reshape({B * nKV, S, D});
        at::Tensor vb = v.narrow(2, 0, S).reshape({B * nKV, S, D});
        at::Tensor scores = at::bmm(qb, kb.transpose(1, 2)); // [B*nKV, rep*Tb, S]
        at::Tensor grid = scores.view({B * nKV, rep, Tb, S});
        maskScores(grid, past + r0, m_config.slidingWindow);
        at::Tensor probs = at::softmax(scores, -1, at::kFloat).to(q.scalar_type());
        out.narrow(1, r0, Tb)
            .copy_(at::bmm(probs, vb).view({B, nH, Tb, D}).transpose(1, 2));
    }
    return out.view({B, T, nH * D});
}

at::Tensor CausalLm::prefixAttention(const at::Tensor& q, const at::Tensor& k, const at::Tensor& v,
                                     const at::Tensor& pk, const at::Tensor& pv, int64_t past,
                                     double scale) const {
    // A prefix shared by all rows (beam search's prompt, [1, nKV, P, D]) broadcasts over the
    // B rows' own keys; query i (absolute past+i) sees prefix and own keys up to past+i.
    const int64_t B = q.size(0), nH = q.size(1), T = q.size(2), D = q.size(3);
    const int64_t nKV = k.size(1), rep = nH / nKV, P = pk.size(2);
    const int64_t S = P + k.size(2); // == past + T: keys in absolute order
    at::Tensor qg = q.reshape({B, nKV, rep * T, D});
    at::Tensor scores = at::cat({at::matmul(qg, pk.transpose(-1, -2)) * scale,
                                 at::matmul(qg, k.transpose(-1, -2)) * scale},
                                -1); // [B, nKV, rep*T, S]
    at::Tensor grid = scores.view({B, nKV, rep, T, S});
    maskScores(grid, past, m_config.slidingWindow);
    at::Tensor probs = at::softmax(scores, -1, at::kFloat).to(q.scalar_type());
    at::Tensor out = at::matmul(probs.narrow(-1, P, S - P), v) +
                     at::matmul(probs.narrow(-1, 0, P), pv); // [B, nKV, rep*T, D]
    return out.view({B, nH, T, D}).transpose(1, 2).reshape({B, T, nH * D});
}

at::Tensor CausalLm::attention(int layer, const LayerWeights& w, const at::Tensor& x,
                               int64_t past, KvCache* cache, int64_t rows) const {
    const ModelConfig& c = m_config;
    const int64_t B = x.size(0), T = x.size(1), D = c.headDim;
    const int64_t nH = c.heads, nKV = c.kvHeads;
    at::Tensor q, k, v; // [B, heads, T, D]
    switch (c.qkv) {
    case QkvLayout::FusedPerHead: {
        // Fused QKV interleaved per head: view [B, T, nH, 3D] then chunk (REFERENCE.md §1.3).
        at::Tensor qkv = project(x, w.qkvW, w.qkvB, w.qkvL, false, rows)
                             .view({B, T, nH, 3 * D})
                             .transpose(1, 2);
        q = qkv.narrow(-1, 0, D);
        k = qkv.narrow(-1, D, D);
        v = qkv.narrow(-1, 2 * D, D);
        break;
    }
    case QkvLayout::FusedConv1D: {
        // Contiguous q | k | v blocks (modeling_gpt2.py split(H, dim=2)).
        at::Tensor qkv = project(x, w.qkvW, w.qkvB, w.qkvL, true, rows);
        const int64_t H = c.hidden;
        q = qkv.narrow(-1, 0, H).view({B, T, nH, D}).transpose(1, 2);
        k = qkv.narrow(-1, H, H).view({B, T, nH, D}).transpose(1, 2);
        v = qkv.narrow(-1, 2 * H, H).view({B, T, nH, D}).transpose(1, 2);
        break;
    }
    case QkvLayout::Separate:
        q = project(x, w.qW, w.qB, w.qL, false, rows).view({B, T, nH, D}).transpose(1, 2);
        k = project(x, w.kW, w.kB, w.kL, false, rows).view({B, T, nKV, D}).transpose(1, 2);
        v = project(x, w.vW, w.vB, w.vL, false, rows).view({B, T, nKV, D}).transpose(1, 2);
        break;
    }
    if (c.clipQkv > 0) {
        // OLMo: clamp right after the projections, before RoPE.
        q = q.clamp(-c.clipQkv, c.clipQkv);
        k = k.clamp(-c.clipQkv, c.clipQkv);
        v = v.clamp(-c.clipQkv, c.clipQkv);
    }
    if (c.qkNorm) {
        q = perHeadNorm(q, w.qNormW, c.normEps);
        k = perHeadNorm(k, w.kNormW, c.normEps);
    }
    if (m_rotary) {
        std::tie(q, k) = m_rotary->apply(q, k, past);
    }
    at::Tensor pk, pv; // a prefix shared by all rows (beam search's prompt), [1, nKV, P, D]
    if (cache) {
        std::tie(k, v) = cache->append(layer, k, v); // [B, nKV, own+T, D]
        std::tie(pk, pv) = cache->prefix(layer);
    }
    const int64_t P = pk.defined() ? pk.size(2) : 0;
    double scale = c.gpt2ScaleAttn ? 1.0 / std::sqrt(static_cast<double>(D)) : 1.0;
    if (c.gpt2ScaleByLayer) {
        scale /= static_cast<double>(layer + 1);
    }
    at::Tensor out = P > 0 ? prefixAttention(q, k, v, pk, pv, past, scale)
                           : causalAttention(q, k, v, past, scale);
    return project(out, w.oW, w.oB, w.oL, c.conv1d, rows);
}

at::Tensor CausalLm::forward(const at::Tensor& ids, KvCache* cache,
                             const std::atomic<bool>* cancel, int64_t adapterRows) const {
    if (aliasesCheckpoint()) {
        if (Status unchanged = m_checkpoint->checkUnchanged(); !unchanged) {
            throw std::runtime_error(unchanged.error());
        }
    }
    const int64_t past = cache ? cache->length() : 0;
    const int64_t T = ids.size(1);
    if (past + T > m_config.maxPositions && m_config.learnedPositions) {
        throw std::runtime_error("sequence of " + std::to_string(past + T) + " tokens exceeds " +
                                 m_config.architectureName + "'s " +
                                 std::to_string(m_config.maxPositions) + " learned positions");
    }
    at::Tensor idsDev = ids.to(m_device);
    at::Tensor x = at::embedding(m_embed, idsDev).to(m_dtype); // [B, T, H]; rows of a bf16 table
    if (m_config.embedScale > 0) {
        // Gemma: hidden * torch.tensor(sqrt(hidden), dtype=hidden.dtype).
        x = x * at::scalar_tensor(m_config.embedScale, x.options());
    }
    if (m_config.learnedPositions) {
        at::Tensor pos = at::arange(past, past + T, at::TensorOptions(at::kLong).device(m_device));
        x = x + at::embedding(m_posEmbed, pos);
    }
    for (int l = 0; l < m_config.layers; ++l) {
        if (cancel && cancel->load(std::memory_order_relaxed)) {
            throw Cancelled{};
        }
        const LayerWeights& w = m_layers[l];
        at::Tensor h = norm(x, w.norm1W, w.norm1B);
        at::Tensor a = attention(l, w, h, past, cache, adapterRows);
        if (m_config.parallelResidual) {
            x = x + a +
                mlp(w, m_config.sharedNorm ? h : norm(x, w.norm2W, w.norm2B), adapterRows);
        } else {
            x = x + a;
            x = x + mlp(w, norm(x, w.norm2W, w.norm2B), adapterRows);
        }
    }
    if (cache) {
        cache->commit(T);
    }
    return norm(x, m_finalW, m_finalB);
}

at::Tensor CausalLm::forwardSharedPrompt(const std::vector<int32_t>& prompt, int rows,
                                         KvCache& cache, const std::atomic<bool>* cancel) const {
    const std::vector<int64_t> p64(prompt.begin(), prompt.end());
    const at::Tensor h = forward(at::tensor(p64, at::kLong).view({1, -1}), &cache, cancel);
    at::Tensor last = h.select(1, h.size(1) - 1); // [1, H]
    if (rows > 1) {
        cache.shareAsPrefix(rows);
        last = last.expand({rows, -1});
    }
    return last;
}

at::Tensor CausalLm::logits(const at::Tensor& hidden, bool base) const {
    if (base) {
        return linear(hidden, m_baseHead.defined() ? m_baseHead : m_head, at::Tensor());
    }
    return project(hidden, m_head, at::Tensor(), m_headL, false, -1);
}

at::Tensor CausalLm::targetLogprobs(const at::Tensor& hidden, const at::Tensor& targets,
                                    bool base) const {
    constexpr int64_t kChunk = 64; // 64 x 50k logits = 13 MB: stays out of page-fault territory
    const int64_t n = hidden.size(0);
    at::Tensor out = at::empty({n}, at::TensorOptions(at::kFloat).device(hidden.device()));
    at::Tensor t = targets.to(hidden.device());
    for (int64_t b = 0; b < n; b += kChunk) {
        const int64_t len = std::min(kChunk, n - b);
        at::Tensor chunk = logits(hidden.narrow(0, b, len), base).to(at::kFloat); // [len, V]
        // log_softmax(x)[t] = x[t] - logsumexp(x), without writing the [len, V] result.
        at::Tensor picked = chunk.gather(1, t.narrow(0, b, len).unsqueeze(1)).squeeze(1);
        out.narrow(0, b, len).copy_(picked - at::logsumexp(chunk, -1));
    }
    return out;
}

at::Tensor CausalLm::logSoftmax(const at::Tensor& hidden, bool base) const {
    return at::log_softmax(logits(hidden, base).to(at::kFloat), -1);
}

} // namespace cl
