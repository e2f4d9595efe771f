#pragma once
// Per-layer key/value cache for incremental decoding. Internal (LibTorch) header.
// Layout per layer: K, V as [B, kvHeads, capacity, headDim]; the first `length` positions are
// valid. Capacity grows by doubling so extending one token costs no full copy.
// Beam search shares one prompt among all rows: shareAsPrefix(rows) turns the single-row content
// into a read-only prefix [1, kvHeads, P, headDim] that every row attends to, so the prompt's
// keys and values are never duplicated W times; only the generated suffix is per row.

#include <ATen/ATen.h>

#include <vector>

namespace cl {

class KvCache {
public:
    KvCache() = default;
    KvCache(int layers, int kvHeads, int headDim);

    int64_t length() const { return m_length; }
    int64_t batch() const;
    bool empty() const { return m_length == 0; }

    /// Appends k, v [B, kvHeads, T, headDim] for `layer` at positions [length, length+T) and
    /// returns the valid K, V views [B, kvHeads, length+T, headDim]. Call commit(T) after the
    /// last layer.
    std::pair<at::Tensor, at::Tensor> append(int layer, const at::Tensor& k, const at::Tensor& v);
    /// The shared prefix of `layer` ([1, kvHeads, P, headDim] each), undefined when none.
    std::pair<at::Tensor, at::Tensor> prefix(int layer) const;
    int64_t prefixLength() const { return m_prefixLength; }
    void commit(int64_t newTokens) { m_length += newTokens; }

    /// Keeps only the first n positions (n <= length).
    void truncate(int64_t n);
    /// Reorders (and may duplicate) batch rows: row i becomes old row index[i]. index is int64.
    void reorder(const at::Tensor& index);
    /// Makes the current single-row content a prefix shared by `rows` rows (no copy).
    void shareAsPrefix(int64_t rows);
    /// An independent copy (copy-on-fork: the copy owns its storage).
    KvCache fork() const;
    void clear();

private:
    void reserve(int layer, const at::Tensor& like, int64_t needed);
    int m_kvHeads = 0;
    int m_headDim = 0;
    int64_t m_length = 0;       // total valid positions (prefix + own)
    int64_t m_prefixLength = 0; // positions held by the shared prefix
    int64_t m_rows = 0;         // batch rows when the own part is still empty
    std::vector<at::Tensor> m_prefixKeys;   // [1, kvHeads, P, headDim]
    std::vector<at::Tensor> m_prefixValues;
    std::vector<at::Tensor> m_keys;   // [B, kvHeads, capacity, headDim]
    std::vector<at::Tensor> m_values; // [B, kvHeads, capacity, headDim]
};

} // namespace cl
