#pragma once
// The decoder-only transformer behind every supported architecture, computing what HF
// transformers' eager implementation computes. The shared pieces (norms, attention, MLP,
// residual) are chosen by the block description that the architecture's unit wrote into
// ModelConfig (core/engine/arch/). Internal (LibTorch) header.
// Weights are plain tensors (no torch::nn): inference runs under c10::InferenceMode, and a
// trainer can set requires_grad on parameters() and reuse forward() with autograd.

#include "core/common/progress.h"
#include "core/engine/kv_cache.h"
#include "core/engine/model_config.h"
#include "core/engine/rotary.h"
#include "core/engine/safetensors_file.h"

#include <ATen/ATen.h>

#include <atomic>
#include <memory>
#include <string>
#include <vector>

namespace cl {

struct LoraAdapter;

/// A LoRA pair on one projection (peft tuners/lora/layer.py, unmerged): the projection's output
/// gains scale · (x Aᵀ) Bᵀ. Undefined tensors: no adapter on that projection.
struct LoraDelta {
    at::Tensor a; // [r, in]
    at::Tensor b; // [out, r]
    double scale = 0;
    bool defined() const { return a.defined(); }
};

/// Weights of one transformer layer. Unused fields stay undefined for a given architecture.
struct LayerWeights {
    at::Tensor norm1W, norm1B, norm2W, norm2B;
    at::Tensor qkvW, qkvB;             // fused: NeoX [3H, H] (per-head interleaved), GPT-2 [H, 3H]
    at::Tensor qW, qB, kW, kB, vW, vB; // Llama-style separate projections [out, in]
    at::Tensor oW, oB;                 // NeoX/Llama [H, H] as [out, in]; GPT-2 Conv1D [in, out]
    at::Tensor upW, upB;               // NeoX dense_h_to_4h / Llama up_proj / GPT-2 c_fc (Conv1D)
    at::Tensor gateW, gateB;           // Llama gate_proj
    at::Tensor downW, downB;           // NeoX dense_4h_to_h / Llama down_proj / GPT-2 c_proj
    at::Tensor qNormW, kNormW;         // StableLM qk_layernorm, one row per head [heads, headDim]
    LoraDelta qkvL, qL, kL, vL, oL, upL, gateL, downL; // adapter deltas on the projections
};

class CausalLm {
public:
    /// Loads weights from an opened checkpoint into `dtype` on `device`. Float32 weights on CPU
    /// alias the memory mapping (no copy). With keepHalfWeights, bf16/f16 projection, embedding
    /// and head matrices computed in f32 on the CPU stay as stored, aliasing the mapping too, and
    /// are upcast tile by tile inside the matmuls (upcast_matmul.h, issue #19); norms, biases
    /// and position tables are converted. progress counts tensor bytes; false cancels.
    static std::unique_ptr<CausalLm> load(const ModelConfig& config,
                                          std::shared_ptr<const Checkpoint> checkpoint,
                                          at::ScalarType dtype, at::Device device,
                                          const ProgressFn& progress, bool keepHalfWeights = true);

    const ModelConfig& config() const { return m_config; }
    at::ScalarType dtype() const { return m_dtype; }
    at::Device device() const { return m_device; }
    int64_t parameterCount() const;
    std::vector<at::Tensor> parameters() const;
    /// Replaces every weight by a private, writable copy (for training, and --no-mmap).
    void detachFromCheckpoint();
    /// Whether some weight aliases the checkpoint's mapped file.
    bool aliasesCheckpoint() const { return m_aliasesCheckpoint && m_checkpoint != nullptr; }

    /// Runs `ids` [B, T] (int64) after the cache's `length()` positions and appends their keys
    /// and values to `cache` (pass nullptr for a cache-free forward, e.g. training).
    /// Returns the final-normed hidden states [B, T, H]. `cancel`, when set, is polled between
    /// layers; a cancelled call throws Cancelled and leaves the cache at its old length.
    /// When weights alias the mapped checkpoint, first checks that its files are unchanged and
    /// throws std::runtime_error with the sentence of Checkpoint::checkUnchanged() otherwise
    /// (a truncated file would kill the process with SIGBUS, issue #18).
    /// With an adapter, `adapterRows` = k >= 0 applies it to rows [0, k) only: the other rows
    /// run the base alone through the same weight reads (a LoRA pair as one batch of 2).
    at::Tensor forward(const at::Tensor& ids, KvCache* cache,
                       const std::atomic<bool>* cancel = nullptr, int64_t adapterRows = -1) const;

    /// Beam search's start: runs `prompt` once into `cache`, shares it as the prefix of `rows`
    /// beams (never copied per beam) and returns the last position's hidden state per row
    /// [rows, H].
    at::Tensor forwardSharedPrompt(const std::vector<int32_t>& prompt, int rows, KvCache& cache,
                                   const std::atomic<bool>* cancel = nullptr) const;

    /// Output head: hidden [..., H] -> logits [..., V] in the compute dtype. base = true: the
    /// base model's head, without the adapter's delta or modules_to_save replacement.
    at::Tensor logits(const at::Tensor& hidden, bool base = false) const;
    /// log_softmax of the logits in float32: [..., V].
    at::Tensor logSoftmax(const at::Tensor& hidden, bool base = false) const;

    /// log p(targets[i] | position i) from hidden [n, H] and targets [n] (int64): [n] float32.
    /// Runs the output head in chunks of rows, so the [n, V] logits never exist at once.
    at::Tensor targetLogprobs(const at::Tensor& hidden, const at::Tensor& targets,
                              bool base = false) const;

    KvCache makeCache() const;

    /// The policy of a LoRA adapter: a model sharing every base tensor with this one (no copy)
    /// plus the adapter's low-rank pairs, and its modules_to_save weights in place of the
    /// base's. The base weights are never merged: this model stays the reference.
    std::unique_ptr<CausalLm> withAdapter(const LoraAdapter& adapter) const;
    /// Whether some projection or the head carries an adapter.
    bool hasAdapter() const;
    /// Whether forward(..., adapterRows) can run base rows beside adapter rows: false when
    /// modules_to_save replaced a layer weight (only a replaced head is kept for base rows).
    bool pairable() const { return !m_replacedLayerWeight; }
    /// Whether logits(h, true) equals logits(h): no LoRA on the head, no replaced head.
    bool headSharedWithBase() const { return !m_headL.defined() && !m_baseHead.defined(); }

    /// Which rotary frequencies a forward pass ending at `totalLength` positions uses (0 = the
    /// fixed ones). Only dynamic NTK scaling past max_position_embeddings gives each length its
    /// own: keys cached by passes of another value are stale, and the caller recomputes from
    /// position 0 so that the result equals a full forward (docs/DECISIONS.md).
    int64_t rotaryFrequencySet(int64_t totalLength) const;

    struct Cancelled {};

private:
    CausalLm() = default;
    /// Attention of q [B, heads, T, D] over the rows' own keys k, v [B, kvHeads, past+T, D];
    /// returns [B, T, heads*D].
    at::Tensor causalAttention(const at::Tensor& q, const at::Tensor& k, const at::Tensor& v,
                               int64_t past, double scale) const;
    /// The same with a prefix pk, pv [1, kvHeads, P, D] shared by every row (beam search).
    at::Tensor prefixAttention(const at::Tensor& q, const at::Tensor& k, const at::Tensor& v,
                               const at::Tensor& pk, const at::Tensor& pv, int64_t past,
                               double scale) const;
    at::Tensor attention(int layer, const LayerWeights& w, const at::Tensor& x, int64_t past,
                         KvCache* cache, int64_t adapterRows) const;
    at::Tensor mlp(const LayerWeights& w, const at::Tensor& x, int64_t adapterRows) const;
    /// x W (+ b) for a Linear ([out, in]) or Conv1D ([in, out]) weight, plus the LoRA delta on
    /// rows [0, adapterRows) of x (all rows when adapterRows < 0).
    at::Tensor project(const at::Tensor& x, const at::Tensor& w, const at::Tensor& b,
                       const LoraDelta& d, bool conv, int64_t adapterRows) const;
    at::Tensor norm(const at::Tensor& x, const at::Tensor& w, const at::Tensor& b) const;
    at::Tensor activation(const at::Tensor& x) const;

    ModelConfig m_config;
    at::ScalarType m_dtype = at::kFloat;
    at::Device m_device = at::kCPU;
    std::shared_ptr<const Checkpoint> m_checkpoint; // keeps aliased weights mapped
    bool m_aliasesCheckpoint = false;               // some weight points into the mapping
    at::Tensor m_embed;                             // [V, H]
    at::Tensor m_posEmbed;                          // GPT-2 [maxPos, H]
    at::Tensor m_finalW, m_finalB;
    at::Tensor m_head;                  // [V, H]
    LoraDelta m_headL;                  // LoRA on the output head
    at::Tensor m_baseHead;              // the base's head when modules_to_save replaced m_head
    bool m_replacedLayerWeight = false; // modules_to_save replaced a weight inside a layer
    std::vector<LayerWeights> m_layers;
    std::shared_ptr<Rotary> m_rotary; // never shared: a copy (withAdapter) gets its own
};

} // namespace cl
