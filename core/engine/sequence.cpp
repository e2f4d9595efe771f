#include "core/engine/sequence.h"

#include "core/engine/causal_lm.h"
#include "core/engine/model.h"
#include "core/engine/torch_device.h"

#include <c10/core/InferenceMode.h>

#include <cmath>
#include <limits>

namespace cl {

struct Sequence::Impl {
    Model* model = nullptr;
    KvCache cache;
    std::vector<int32_t> ids;
    std::vector<double> logprobs;
    std::vector<double> refLogprobs; // paired: the base row's (issue #14, LoRA pair)
    bool paired = false;             // rows: 0 = policy (base + adapter), 1 = base
    at::Tensor hidden; // [rows, capacity, H] final-normed hidden states of positions [0, length)
    const std::atomic<bool>* cancel = nullptr;
    int64_t frequencySet = 0; // rotary frequencies the cached keys carry (CausalLm)

    void storeHidden(const at::Tensor& h, int64_t at) { // h: [rows, T, H]
        const int64_t need = at + h.size(1);
        if (!hidden.defined() || hidden.size(1) < need) {
            const int64_t cap = std::max<int64_t>(need, hidden.defined() ? 2 * hidden.size(1) : 64);
            at::Tensor grown = at::empty({h.size(0), cap, h.size(2)}, h.options());
            if (hidden.defined() && at > 0) {
                grown.narrow(1, 0, at).copy_(hidden.narrow(1, 0, at));
            }
            hidden = grown;
        }
        hidden.narrow(1, at, h.size(1)).copy_(h);
    }
};

Sequence::Sequence(Model& model, bool withBase) : m_impl(std::make_unique<Impl>()) {
    m_impl->model = &model;
    m_impl->cache = model.lm().makeCache();
    m_impl->paired = withBase && model.info().adapter.has_value() && model.lm().pairable();
}
Sequence::Sequence(std::unique_ptr<Impl> impl) : m_impl(std::move(impl)) {}
Sequence::~Sequence() = default;
Sequence::Sequence(Sequence&&) noexcept = default;
Sequence& Sequence::operator=(Sequence&&) noexcept = default;

void Sequence::setCancelFlag(const std::atomic<bool>* flag) {
    m_impl->cancel = flag;
}

int64_t Sequence::length() const {
    return static_cast<int64_t>(m_impl->ids.size());
}

const std::vector<int32_t>& Sequence::ids() const {
    return m_impl->ids;
}

const std::vector<double>& Sequence::logprobs() const {
    return m_impl->logprobs;
}

const std::vector<double>& Sequence::referenceLogprobs() const {
    return m_impl->refLogprobs;
}

bool Sequence::pairsWithBase() const {
    return m_impl->paired;
}

void Sequence::truncate(int64_t n) {
    n = std::clamp<int64_t>(n, 0, length());
    m_impl->cache.truncate(n);
    if (n == 0) {
        m_impl->frequencySet = 0;
    }
    m_impl->ids.resize(n);
    m_impl->logprobs.resize(n);
    if (m_impl->paired) {
        m_impl->refLogprobs.resize(n);
    }
}

Result<std::vector<double>> Sequence::append(const std::vector<int32_t>& ids, int64_t scoreFrom) {
    Impl& s = *m_impl;
    const CausalLm& lm = s.model->lm();
    const int64_t past = length();
    const int64_t t = static_cast<int64_t>(ids.size());
    const int64_t vocab = lm.config().vocabSize;
    for (int32_t id : ids) {
        if (id < 0 || id >= vocab) {
            return Error{"token id " + std::to_string(id) + " is outside the model's vocabulary (" +
                         std::to_string(vocab) + " entries)"};
        }
    }
    const int64_t context = lm.config().contextLength();
    if (past + t > context) {
        return Error{"sequence of " + std::to_string(past + t) +
                     " tokens exceeds the model's context of " + std::to_string(context) +
                     " tokens"};
    }
    std::vector<double> out(t, std::numeric_limits<double>::quiet_NaN());
    std::vector<double> outRef(s.paired ? t : 0, std::numeric_limits<double>::quiet_NaN());
    // Dynamic NTK past the trained context: this pass's rotary frequencies depend on its total
    // length, so keys cached under other frequencies are stale. Recompute every position (into a
    // fresh cache, kept only on success) so the numbers equal a full forward of the sequence.
    // An empty append after a truncate refreshes the log-probs held the same way.
    const int64_t freq = lm.rotaryFrequencySet(past + t);
    const bool recompute = past > 0 && freq != s.frequencySet;
    if (t == 0 && !recompute) {
        return out;
    }
    const int64_t start = recompute ? 0 : past; // first position this pass feeds
    std::vector<int64_t> ids64(s.ids.begin() + start, s.ids.end());
    ids64.insert(ids64.end(), ids.begin(), ids.end());
    try {
        c10::InferenceMode guard;
        const int64_t n = past + t - start;
        const int64_t rows = s.paired ? 2 : 1; // paired: row 0 policy, row 1 its base
        at::Tensor input = at::tensor(ids64, at::kLong).view({1, n}).repeat({rows, 1}); // [rows, n]
        KvCache fresh = recompute ? lm.makeCache() : KvCache();
        KvCache& cache = recompute ? fresh : s.cache;
        // A paired pass holds two rows of activations: long passes go in chunks of positions
        // (each extends the cache as an incremental append does), so the transient attention
        // scores stay [2, heads, kChunk, S] instead of [2, heads, n, n]. Fixed rotary
        // frequencies only: dynamic NTK ties them to each call's length.
        constexpr int64_t kChunk = 64;
        const int64_t step = s.paired && freq == 0 ? kChunk : n;
        std::vector<at::Tensor> parts;
        for (int64_t at = 0; at < n; at += step) {
            const int64_t len = std::min(step, n - at);
            parts.push_back(lm.forward(input.narrow(1, at, len), &cache, s.cancel,
                                       s.paired ? 1 : -1)); // [rows, len, H]
        }
        at::Tensor h = parts.size() == 1 ? parts[0] : at::cat(parts, 1); // [rows, n, H]
        if (recompute) {
            s.cache = std::move(fresh);
        }
        s.frequencySet = freq;
        s.storeHidden(h, start);
        // Token at absolute position p is predicted by the hidden state at p-1. A recompute also
        // refreshes the log-probs already held (their values moved with the frequencies).
        int64_t first = std::max<int64_t>({past, scoreFrom, 1});
        if (recompute) {
            for (int64_t p = 1; p < past; ++p) {
                if (!std::isnan(s.logprobs[p])) {
                    first = std::min(first, p);
                    break;
                }
            }
        }
        const int64_t m = past + t - first;
        at::Tensor picked; // [rows, m] float32
        if (m > 0) {
            at::Tensor target = at::tensor(
                std::vector<int64_t>(ids64.begin() + (first - start), ids64.end()), at::kLong);
            at::Tensor hs = s.hidden.narrow(1, first - 1, m); // [rows, m, H]
            if (rows == 1 || lm.headSharedWithBase()) {
                // One pass over the head for both rows: it is the largest weight.
                picked =
                    lm.targetLogprobs(hs.reshape({rows * m, hs.size(2)}), target.repeat({rows}))
                        .view({rows, m});
            } else {
                picked = at::stack({lm.targetLogprobs(hs[0], target),
                                    lm.targetLogprobs(hs[1], target, /*base=*/true)});
            }
            picked = picked.cpu().contiguous();
        }
        for (int64_t row = 0; row < rows && m > 0; ++row) {
            const float* p = picked[row].data_ptr<float>();
            std::vector<double>& rowOut = row == 0 ? out : outRef;
            std::vector<double>& held = row == 0 ? s.logprobs : s.refLogprobs;
            for (int64_t i = 0; i < m; ++i) {
                const int64_t pos = first + i;
                if (pos >= past) {
                    rowOut[pos - past] = pos >= scoreFrom ? p[i] : rowOut[pos - past];
                } else if (!std::isnan(held[pos])) {
                    held[pos] = p[i];
                }
            }
        }
    } catch (const CausalLm::Cancelled&) {
        s.cache.truncate(std::min<int64_t>(past, s.cache.length()));
        return Error{kCancelledMessage};
    } catch (const std::exception& e) {
        s.cache.truncate(std::min<int64_t>(past, s.cache.length()));
        return Error{describeTorchError(e)};
    }
    s.ids.insert(s.ids.end(), ids.begin(), ids.end());
    s.logprobs.insert(s.logprobs.end(), out.begin(), out.end());
    s.refLogprobs.insert(s.refLogprobs.end(), outRef.begin(), outRef.end());
    return out;
}

Result<std::vector<float>> Sequence::nextLogprobs(int64_t position, bool reference) const {
    return nextLogprobs(position, 1, reference);
}

Result<std::vector<float>> Sequence::nextLogprobs(int64_t first, int64_t count,
                                                  bool reference) const {
    if (first < 0 || count < 1 || first + count > length()) {
        return Error{"positions " + std::to_string(first) + ".." +
                     std::to_string(first + count - 1) + " are outside the sequence"};
    }
    if (reference && !m_impl->paired) {
        return Error{"this sequence holds no reference row"};
    }
    try {
        c10::InferenceMode guard;
        const int64_t row = reference ? 1 : 0;
        at::Tensor lp = m_impl->model->lm()
                            .logSoftmax(m_impl->hidden[row].narrow(0, first, count),
                                        /*base=*/reference)
                            .cpu()
                            .contiguous();
        const float* p = lp.data_ptr<float>();
        return std::vector<float>(p, p + lp.numel());
    } catch (const std::exception& e) {
        return Error{describeTorchError(e)};
    }
}

Sequence Sequence::fork() const {
    auto impl = std::make_unique<Impl>();
    impl->model = m_impl->model;
    impl->cache = m_impl->cache.fork();
    impl->ids = m_impl->ids;
    impl->logprobs = m_impl->logprobs;
    impl->refLogprobs = m_impl->refLogprobs;
    impl->paired = m_impl->paired;
    {
        c10::InferenceMode guard;
        impl->hidden = m_impl->hidden.defined() ? m_impl->hidden.clone() : at::Tensor();
    }
    impl->cancel = m_impl->cancel;
    impl->frequencySet = m_impl->frequencySet;
    return Sequence(std::move(impl));
}

int64_t commonPrefix(const std::vector<int32_t>& a, const std::vector<int32_t>& b) {
    const size_t n = std::min(a.size(), b.size());
    size_t i = 0;
    while (i < n && a[i] == b[i]) {
        ++i;
    }
    return static_cast<int64_t>(i);
}

} // namespace cl
