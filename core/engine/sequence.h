#pragma once
// One growing token sequence scored by one model, with its KV cache: append tokens, truncate to
// a prefix, fork. The unit of incremental rescoring (an edit truncates to the common prefix and
// appends the new suffix). Std types only.

#include "core/common/result.h"

#include <atomic>
#include <cstdint>
#include <memory>
#include <utility>
#include <vector>

namespace cl {

class Model;

class Sequence {
public:
    /// The model must outlive the sequence. withBase (issue #14): `model` is a LoRA adapter
    /// policy (Model::loadAdapterPair's first) and the sequence also scores its base with the
    /// adapter off, in the same forward passes: the two run as one batch of 2 through each base
    /// weight, the low-rank deltas added to the policy row only. referenceLogprobs() and
    /// nextLogprobs(.., true) hold the base's numbers. Falls back to no pairing (the base
    /// row is not computed) when the model cannot pair (pairsWithBase() says which).
    explicit Sequence(Model& model, bool withBase = false);
    ~Sequence();
    Sequence(Sequence&&) noexcept;
    Sequence& operator=(Sequence&&) noexcept;

    /// Appends ids and returns log p(id | everything before) for each of them; the very first
    /// token of a sequence has no prediction and gets NaN. With scoreFrom = k, only appended
    /// tokens at absolute position >= k get log-probs (others NaN): the output head then runs
    /// only where needed. A cancel (see setCancelFlag) returns Error{kCancelledMessage} and leaves
    /// the sequence as it was. With dynamic NTK rope scaling an append whose total length needs
    /// other rotary frequencies than the cached keys recomputes the whole sequence and refreshes
    /// logprobs() (an empty append after truncate() does that too), so the numbers always equal
    /// a full forward (docs/DECISIONS.md).
    Result<std::vector<double>> append(const std::vector<int32_t>& ids, int64_t scoreFrom = 0);

    /// Log-probs of every next token after position `position` (0-based, < length()), float32
    /// values as double, over the whole vocabulary. reference: the base row of a paired sequence.
    Result<std::vector<float>> nextLogprobs(int64_t position, bool reference = false) const;
    /// The same for positions [first, first + count), in one pass of the output head (a row at a
    /// time reads the whole head once per row). Row-major: count rows of the vocabulary size.
    Result<std::vector<float>> nextLogprobs(int64_t first, int64_t count,
                                            bool reference) const;

    /// Keeps the first n tokens (n <= length()).
    void truncate(int64_t n);
    int64_t length() const;
    const std::vector<int32_t>& ids() const;
    /// Log-probs computed so far for each position (NaN where not computed).
    const std::vector<double>& logprobs() const;
    /// The same for the base row of a paired sequence (empty when not paired).
    const std::vector<double>& referenceLogprobs() const;
    /// Whether this sequence computes the base row beside the policy's.
    bool pairsWithBase() const;
    /// An independent copy with its own cache.
    Sequence fork() const;

    /// Polled between layers; set it from any thread to stop a running append().
    void setCancelFlag(const std::atomic<bool>* flag);

    struct Impl;

private:
    explicit Sequence(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> m_impl;
};

/// Length of the longest common prefix of two id sequences.
int64_t commonPrefix(const std::vector<int32_t>& a, const std::vector<int32_t>& b);

} // namespace cl
