#pragma once
// Per-layer key/value cache for incremental decoding. Internal (LibTorch) header.
// Layout per layer: K, V as [B, kvHeads, capacity, headDim]; the first `length` positions are
// valid. Capacity grows by doubling so extending one token costs no full copy.

#include <ATen/ATen.h>

#include <vector>

namespace cl {

class KvCache {
public:
    KvCache() = default;
    KvCache(int layers, int kvHeads, int headDim);

    int64_t length() const { return m_length; }
    int64_t batch() const { return m_keys.empty() || !m_keys[0].defined() ? 0 : m_keys[0].size(0); }
    bool empty() const { return m_length == 0; }

    /// Appends k, v [B, kvHeads, T, headDim] for `layer` at positions [length, length+T) and
    /// returns the valid K, V views [B, kvHeads, length+T, headDim]. Call commit(T) after the
    /// last layer.
    std::pair<at::Tensor, at::Tensor> append(int layer, const at::Tensor& k, const at::Tensor& v);
    void commit(int64_t newTokens) { m_length += newTokens; }

    /// Keeps only the first n positions (n <= length).
    void truncate(int64_t n);
    /// Reorders (and may duplicate) batch rows: row i becomes old row index[i]. index is int64.
    void reorder(const at::Tensor& index);
    /// Repeats a single-row cache to `rows` rows (beam search broadcasts the prompt once).
    void expandRows(int64_t rows);
    /// An independent copy (copy-on-fork: the copy owns its storage).
    KvCache fork() const;
    void clear();

private:
    void reserve(int layer, const at::Tensor& like, int64_t needed);
    int m_kvHeads = 0;
    int m_headDim = 0;
    int64_t m_length = 0;
    std::vector<at::Tensor> m_keys;   // [B, kvHeads, capacity, headDim]
    std::vector<at::Tensor> m_values; // [B, kvHeads, capacity, headDim]
};

} // namespace cl
