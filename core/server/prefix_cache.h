#pragma once
// Automatic prefix caching for the scoring server (issue #16), in the spirit of vLLM's: a small
// LRU of Sequences (token ids + KV cache) for one model. A request whose ids share a prefix with
// a cached sequence continues that sequence: it is truncated to the common prefix and only the
// new suffix runs through the model (a user typing recomputes a few tokens per edit).
// Not thread-safe: the server calls it under its engine mutex.

#include "core/common/result.h"
#include "core/engine/sequence.h"

#include <cstdint>
#include <list>
#include <utility>
#include <vector>

namespace cl {
class Model;
}

namespace cl::server {

/// A scored prompt: what /v1/completions returns for one model.
struct PromptScores {
    std::vector<int32_t> ids;
    /// log p(ids[i] | ids[<i]) for every i; [0] is NaN (the first token has no prediction).
    std::vector<double> logprobs;
    /// rank[i] (1-based, vLLM's Logprob.rank) of ids[i] in the distribution at i-1; [0] = 0.
    /// Filled only when topK >= 0 was asked.
    std::vector<int64_t> ranks;
    /// top[i]: the topK most likely ids at position i-1 with their log-probs, best first
    /// (ties: lower id first); top[0] is empty.
    std::vector<std::vector<std::pair<int32_t, double>>> top;
    int64_t cachedTokens = 0;     ///< tokens whose KV cache came from an earlier request
    int64_t recomputedTokens = 0; ///< tokens run through the model for this request
};

class PrefixCache {
public:
    /// model must outlive the cache; entries >= 1 sequences are kept (least recently used out).
    PrefixCache(Model& model, int entries);

    /// Scores ids (non-empty). topK < 0: log-probs only; topK >= 0: ranks and the top-k too.
    /// from > 0 (log-probs only): positions before it may stay NaN, so the output head runs only
    /// where asked (a scored response after a long prompt). Errors (an id outside the
    /// vocabulary, a sequence longer than the context) are sentences and leave the cache usable.
    Result<PromptScores> score(const std::vector<int32_t>& ids, int topK, int64_t from = 0);

    /// Log-probs of every next token after ids (non-empty), over the whole vocabulary: ids join
    /// the cache as score() would take them, and one output-head row runs.
    Result<std::vector<float>> nextRow(const std::vector<int32_t>& ids);

    int64_t totalRecomputed() const { return m_totalRecomputed; }

private:
    /// A cached sequence with the ranks and top-k computed for its positions so far: a request
    /// continuing it computes those only for the new positions (each costs a full output-head
    /// row: 575 rows per request made a typing edit on a pythia-70m pair take 6.9 s).
    struct Entry {
        explicit Entry(Model& model) : seq(model) {}
        Sequence seq;
        std::vector<int64_t> ranks;
        std::vector<std::vector<std::pair<int32_t, double>>> top;
        int topK = -1; ///< k the tops were computed with (-1: none)
    };
    Model& m_model;
    int m_entries;
    std::list<Entry> m_lru; ///< most recently used first
    int64_t m_totalRecomputed = 0;
};

} // namespace cl::server
