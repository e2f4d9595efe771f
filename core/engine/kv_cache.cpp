#include "core/engine/kv_cache.h"

#include <stdexcept>

namespace cl {

KvCache::KvCache(int layers, int kvHeads, int headDim)
    : m_kvHeads(kvHeads), m_headDim(headDim), m_prefixKeys(layers), m_prefixValues(layers),
      m_keys(layers), m_values(layers) {}

int64_t KvCache::batch() const {
    if (!m_keys.empty() && m_keys[0].defined()) {
        return m_keys[0].size(0);
    }
    return m_rows;
}

std::pair<at::Tensor, at::Tensor> KvCache::prefix(int layer) const {
    return {m_prefixKeys[layer], m_prefixValues[layer]};
}

void KvCache::shareAsPrefix(int64_t rows) {
    for (size_t l = 0; l < m_keys.size(); ++l) {
        if (m_keys[l].defined()) {
            m_prefixKeys[l] = m_keys[l].narrow(2, 0, m_length - m_prefixLength);
            m_prefixValues[l] = m_values[l].narrow(2, 0, m_length - m_prefixLength);
        }
        m_keys[l] = at::Tensor();
        m_values[l] = at::Tensor();
    }
    m_prefixLength = m_length;
    m_rows = rows;
}

void KvCache::reserve(int layer, const at::Tensor& like, int64_t needed) {
    at::Tensor& k = m_keys[layer];
    if (k.defined() && k.size(0) == like.size(0) && k.size(2) >= needed) {
        return;
    }
    const int64_t own = m_length - m_prefixLength;
    int64_t capacity = k.defined() ? k.size(2) : 0;
    capacity = std::max<int64_t>({needed, capacity * 2, 16});
    auto opts = like.options();
    at::Tensor nk = at::empty({like.size(0), m_kvHeads, capacity, m_headDim}, opts);
    at::Tensor nv = at::empty({like.size(0), m_kvHeads, capacity, m_headDim}, opts);
    if (k.defined() && own > 0) {
        nk.narrow(2, 0, own).copy_(k.narrow(2, 0, own));
        nv.narrow(2, 0, own).copy_(m_values[layer].narrow(2, 0, own));
    }
    m_keys[layer] = nk;
    m_values[layer] = nv;
}

std::pair<at::Tensor, at::Tensor> KvCache::append(int layer, const at::Tensor& k,
                                                  const at::Tensor& v) {
    const int64_t t = k.size(2);
    const int64_t own = m_length - m_prefixLength;
    reserve(layer, k, own + t);
    m_keys[layer].narrow(2, own, t).copy_(k);
    m_values[layer].narrow(2, own, t).copy_(v);
    return {m_keys[layer].narrow(2, 0, own + t), m_values[layer].narrow(2, 0, own + t)};
}

void KvCache::truncate(int64_t n) {
    if (n < 0 || n > m_length) {
        throw std::out_of_range("KV cache truncate beyond its length");
    }
    if (n < m_prefixLength) {
        throw std::out_of_range("KV cache truncate into a shared prefix");
    }
    m_length = n;
}

void KvCache::reorder(const at::Tensor& index) {
    for (size_t l = 0; l < m_keys.size(); ++l) {
        if (!m_keys[l].defined()) {
            continue;
        }
        // Only the valid own part is copied; the shared prefix is the same for every row.
        const int64_t own = m_length - m_prefixLength;
        m_keys[l] = m_keys[l].narrow(2, 0, own).index_select(0, index);
        m_values[l] = m_values[l].narrow(2, 0, own).index_select(0, index);
    }
}

KvCache KvCache::fork() const {
    KvCache copy(static_cast<int>(m_keys.size()), m_kvHeads, m_headDim);
    copy.m_length = m_length;
    copy.m_prefixLength = m_prefixLength;
    copy.m_rows = m_rows;
    copy.m_prefixKeys = m_prefixKeys; // read-only once shared: no copy needed
    copy.m_prefixValues = m_prefixValues;
    for (size_t l = 0; l < m_keys.size(); ++l) {
        if (m_keys[l].defined()) {
            copy.m_keys[l] = m_keys[l].clone();
            copy.m_values[l] = m_values[l].clone();
        }
    }
    return copy;
}

void KvCache::clear() {
    m_length = 0;
    m_prefixLength = 0;
    m_rows = 0;
    for (auto& t : m_prefixKeys) {
        t = at::Tensor();
    }
    for (auto& t : m_prefixValues) {
        t = at::Tensor();
    }
    for (auto& t : m_keys) {
        t = at::Tensor();
    }
    for (auto& t : m_values) {
        t = at::Tensor();
    }
}

} // namespace cl
