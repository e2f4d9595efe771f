#pragma once
// Token sequences for training and their summed log-probabilities, as the DPO reference code
// computes them (REFERENCE.md §5, `_get_batch_logps`: labels shifted by one, prompt positions
// masked, sum over the response). Internal LibTorch header.

#include "core/engine/causal_lm.h"

#include <ATen/ATen.h>

#include <cstdint>
#include <vector>

namespace cl::demo {

/// One training sequence: ids (prompt + response + EOS for SFT/DPO, post + EOS for the base LM)
/// and the index of the first id whose prediction counts in the loss.
struct TokenSeq {
    std::vector<int32_t> ids;
    int64_t lossStart = 1;
};

/// Right-padded batch. Padding follows real tokens only, so a causal LM's outputs at real
/// positions do not depend on it; the mask removes padded targets.
struct SeqBatch {
    at::Tensor ids;  // [B, T] int64
    at::Tensor mask; // [B, T-1] float: 1 where target ids[:, t+1] counts
};

/// Builds the batch of seqs[indices[i]] (all when indices is empty), padding with padId.
SeqBatch makeBatch(const std::vector<TokenSeq>& seqs, const std::vector<int64_t>& indices,
                   int32_t padId);

/// log pi(ids[:, t+1] | ids[:, :t+1]) for every position: [B, T-1] float32 (unmasked).
at::Tensor tokenLogps(const CausalLm& lm, const at::Tensor& ids);

/// Sum over masked positions of tokenLogps: [B].
at::Tensor summedLogps(const CausalLm& lm, const SeqBatch& batch);

} // namespace cl::demo
