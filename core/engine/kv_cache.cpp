#include "core/engine/kv_cache.h"

#include <stdexcept>

namespace cl {

KvCache::KvCache(int layers, int kvHeads, int headDim)
    : m_kvHeads(kvHeads), m_headDim(headDim), m_keys(layers), m_values(layers) {}

void KvCache::reserve(int layer, const at::Tensor& like, int64_t needed) {
    at::Tensor& k = m_keys[layer];
    if (k.defined() && k.size(0) == like.size(0) && k.size(2) >= needed) {
        return;
    }
    int64_t capacity = k.defined() ? k.size(2) : 0;
    capacity = std::max<int64_t>({needed, capacity * 2, 16});
    auto opts = like.options();
    at::Tensor nk = at::empty({like.size(0), m_kvHeads, capacity, m_headDim}, opts);
    at::Tensor nv = at::empty({like.size(0), m_kvHeads, capacity, m_headDim}, opts);
    if (k.defined() && m_length > 0) {
        nk.narrow(2, 0, m_length).copy_(k.narrow(2, 0, m_length));
        nv.narrow(2, 0, m_length).copy_(m_values[layer].narrow(2, 0, m_length));
    }
    m_keys[layer] = nk;
    m_values[layer] = nv;
}

std::pair<at::Tensor, at::Tensor> KvCache::append(int layer, const at::Tensor& k,
                                                  const at::Tensor& v) {
    const int64_t t = k.size(2);
    reserve(layer, k, m_length + t);
    m_keys[layer].narrow(2, m_length, t).copy_(k);
    m_values[layer].narrow(2, m_length, t).copy_(v);
    return {m_keys[layer].narrow(2, 0, m_length + t), m_values[layer].narrow(2, 0, m_length + t)};
}

void KvCache::truncate(int64_t n) {
    if (n < 0 || n > m_length) {
        throw std::out_of_range("KV cache truncate beyond its length");
    }
    m_length = n;
}

void KvCache::reorder(const at::Tensor& index) {
    for (size_t l = 0; l < m_keys.size(); ++l) {
        if (!m_keys[l].defined()) {
            continue;
        }
        // Only the valid prefix is copied; capacity is rebuilt on the next append.
        m_keys[l] = m_keys[l].narrow(2, 0, m_length).index_select(0, index);
        m_values[l] = m_values[l].narrow(2, 0, m_length).index_select(0, index);
    }
}

void KvCache::expandRows(int64_t rows) {
    for (size_t l = 0; l < m_keys.size(); ++l) {
        if (!m_keys[l].defined()) {
            continue;
        }
        m_keys[l] = m_keys[l].narrow(2, 0, m_length).expand({rows, -1, -1, -1}).contiguous();
        m_values[l] = m_values[l].narrow(2, 0, m_length).expand({rows, -1, -1, -1}).contiguous();
    }
}

KvCache KvCache::fork() const {
    KvCache copy(static_cast<int>(m_keys.size()), m_kvHeads, m_headDim);
    copy.m_length = m_length;
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
    for (auto& t : m_keys) {
        t = at::Tensor();
    }
    for (auto& t : m_values) {
        t = at::Tensor();
    }
}

} // namespace cl
