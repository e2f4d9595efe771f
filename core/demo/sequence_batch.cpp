#include "core/demo/sequence_batch.h"

#include <algorithm>

namespace cl::demo {

SeqBatch makeBatch(const std::vector<TokenSeq>& seqs, const std::vector<int64_t>& indices,
                   int32_t padId) {
    std::vector<int64_t> rows = indices;
    if (rows.empty()) {
        for (size_t i = 0; i < seqs.size(); ++i) {
            rows.push_back(static_cast<int64_t>(i));
        }
    }
    const int64_t B = static_cast<int64_t>(rows.size());
    int64_t T = 2;
    for (int64_t r : rows) {
        T = std::max<int64_t>(T, static_cast<int64_t>(seqs[r].ids.size()));
    }
    SeqBatch batch;
    batch.ids = at::full({B, T}, static_cast<int64_t>(padId), at::kLong); // [B, T]
    batch.mask = at::zeros({B, T - 1}, at::kFloat);                        // [B, T-1]
    auto ids = batch.ids.accessor<int64_t, 2>();
    auto mask = batch.mask.accessor<float, 2>();
    for (int64_t b = 0; b < B; ++b) {
        const TokenSeq& s = seqs[rows[b]];
        const int64_t n = static_cast<int64_t>(s.ids.size());
        for (int64_t t = 0; t < n; ++t) {
            ids[b][t] = s.ids[t];
        }
        // Target index t+1 is predicted at position t.
        for (int64_t t = std::max<int64_t>(s.lossStart, 1); t < n; ++t) {
            mask[b][t - 1] = 1.0f;
        }
    }
    return batch;
}

at::Tensor tokenLogps(const CausalLm& lm, const at::Tensor& ids) {
    const int64_t T = ids.size(1);
    at::Tensor hidden = lm.forward(ids.narrow(1, 0, T - 1), nullptr); // [B, T-1, H]
    at::Tensor logp = lm.logSoftmax(hidden);                           // [B, T-1, V]
    at::Tensor targets = ids.narrow(1, 1, T - 1).unsqueeze(-1);         // [B, T-1, 1]
    return logp.gather(-1, targets).squeeze(-1);                       // [B, T-1]
}

at::Tensor summedLogps(const CausalLm& lm, const SeqBatch& batch) {
    return (tokenLogps(lm, batch.ids) * batch.mask).sum(1); // [B]
}

} // namespace cl::demo
