#include "core/server/prefix_cache.h"

#include "core/engine/model.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

namespace cl::server {

PrefixCache::PrefixCache(Model& model, int entries)
    : m_model(model), m_entries(std::max(1, entries)) {}

namespace {

// Rank (1-based) of `id` in row and the k best ids, best first, ties by lower id (so the order
// does not depend on the sort's stability).
void rankAndTop(const std::vector<float>& row, int32_t id, int k, int64_t& rank,
                std::vector<std::pair<int32_t, double>>& top) {
    const float mine = row[static_cast<size_t>(id)];
    rank = 1;
    for (float v : row) {
        rank += v > mine ? 1 : 0;
    }
    const int n = std::min<int>(k, static_cast<int>(row.size()));
    std::vector<int32_t> order(row.size());
    std::iota(order.begin(), order.end(), 0);
    std::partial_sort(order.begin(), order.begin() + n, order.end(), [&](int32_t a, int32_t b) {
        return row[a] > row[b] || (row[a] == row[b] && a < b);
    });
    top.clear();
    for (int j = 0; j < n; ++j) {
        top.emplace_back(order[j], static_cast<double>(row[order[j]]));
    }
}

} // namespace

Result<PromptScores> PrefixCache::score(const std::vector<int32_t>& ids, int topK,
                                        int64_t from) {
    if (topK >= 0) {
        from = 0; // ranks need every position
    }
    if (ids.empty()) {
        return Error{"the prompt holds no token ids"};
    }
    // The cached sequence sharing the longest prefix; none shares anything: a fresh sequence in
    // place of the least recently used one.
    auto best = m_lru.end();
    int64_t bestPrefix = 0;
    for (auto it = m_lru.begin(); it != m_lru.end(); ++it) {
        const int64_t p = commonPrefix(it->seq.ids(), ids);
        if (p > bestPrefix) {
            best = it;
            bestPrefix = p;
        }
    }
    if (best == m_lru.end()) {
        if (static_cast<int>(m_lru.size()) >= m_entries) {
            m_lru.pop_back();
        }
        m_lru.emplace_front(m_model);
    } else {
        m_lru.splice(m_lru.begin(), m_lru, best);
    }
    Entry& entry = m_lru.front();
    Sequence& seq = entry.seq;
    // A cached position scored without its log-prob (an earlier request from a later
    // position) is run again when this request needs it.
    int64_t keep = bestPrefix;
    const auto& held = seq.logprobs();
    for (int64_t i = std::max<int64_t>(from, 1); i < keep; ++i) {
        if (std::isnan(held[static_cast<size_t>(i)])) {
            keep = i;
            break;
        }
    }
    seq.truncate(keep);
    if (entry.ranks.size() > static_cast<size_t>(keep)) { // what follows the prefix is replaced
        entry.ranks.resize(static_cast<size_t>(keep));
        entry.top.resize(static_cast<size_t>(keep));
    }
    std::vector<int32_t> suffix(ids.begin() + keep, ids.end());
    auto appended = seq.append(suffix, from);
    if (!appended) {
        seq.truncate(keep);
        return Error{appended.error()};
    }
    m_totalRecomputed += static_cast<int64_t>(suffix.size());

    PromptScores out;
    out.ids = ids;
    out.logprobs = seq.logprobs();
    out.logprobs[0] = std::numeric_limits<double>::quiet_NaN();
    out.cachedTokens = keep;
    out.recomputedTokens = static_cast<int64_t>(suffix.size());
    if (topK >= 0) {
        // Positions before `keep` keep their rank and top-k when they were computed with at
        // least this k; the others need their head row.
        const size_t valid = entry.topK >= topK ? entry.ranks.size() : 0;
        entry.ranks.resize(ids.size(), 0);
        entry.top.resize(ids.size());
        // The head runs over blocks of positions, each read of its weights serving many rows.
        constexpr size_t kBlock = 64;
        for (size_t i0 = std::max<size_t>(valid, 1); i0 < ids.size(); i0 += kBlock) {
            const size_t n = std::min(kBlock, ids.size() - i0);
            auto rows = seq.nextLogprobs(static_cast<int64_t>(i0) - 1, static_cast<int64_t>(n),
                                         false);
            if (!rows) {
                entry.ranks.resize(i0);
                entry.top.resize(i0);
                return Error{rows.error()};
            }
            const size_t vocab = rows->size() / n;
            for (size_t r = 0; r < n; ++r) {
                const std::vector<float> row(rows->begin() + r * vocab,
                                             rows->begin() + (r + 1) * vocab);
                rankAndTop(row, ids[i0 + r], std::max(topK, entry.topK), entry.ranks[i0 + r],
                           entry.top[i0 + r]);
            }
        }
        entry.topK = std::max(topK, entry.topK);
        out.ranks = entry.ranks;
        out.top = entry.top;
        for (auto& t : out.top) {
            t.resize(std::min(t.size(), static_cast<size_t>(topK)));
        }
    }
    return out;
}

Result<std::vector<float>> PrefixCache::nextRow(const std::vector<int32_t>& ids) {
    const auto n = static_cast<int64_t>(ids.size());
    auto scored = score(ids, -1, n); // from n: the head runs for no position of ids itself
    if (!scored) {
        return Error{scored.error()};
    }
    return m_lru.front().seq.nextLogprobs(n - 1);
}

} // namespace cl::server
