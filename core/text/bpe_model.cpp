// BPE merge loop as in HF tokenizers word.rs (Word::merge_all): repeatedly merge the adjacent
// pair with the lowest rank, ties to the leftmost, using a min-heap with lazy invalidation.

#include "core/text/bpe_model.h"

#include "core/text/byte_level.h"
#include "core/text/utf8.h"

#include <cstdio>
#include <mutex>
#include <queue>
#include <stdexcept>

namespace cl {

namespace {

constexpr size_t kMaxCachedWord = 256; // bytes; longer words are not cached
constexpr size_t kMaxCacheEntries = 200000;

uint64_t pairKey(int32_t a, int32_t b) {
    return (uint64_t(uint32_t(a)) << 32) | uint32_t(b);
}

std::string quoted(const std::string& s) {
    return "'" + s + "'";
}

} // namespace

struct BpeModel::Cache {
    std::mutex mutex;
    std::unordered_map<std::string, std::vector<BpePiece>> words;
};

BpeModel::BpeModel(std::unordered_map<std::string, int32_t> vocab,
                   const std::vector<std::pair<std::string, std::string>>& merges,
                   BpeOptions options)
    : m_vocab(std::move(vocab)), m_options(std::move(options)), m_cache(std::make_unique<Cache>()) {
    int32_t maxId = -1;
    for (const auto& [token, id] : m_vocab) {
        if (id < 0) {
            throw std::invalid_argument("model.vocab gives token " + quoted(token) +
                                        " the negative id " + std::to_string(id));
        }
        maxId = std::max(maxId, id);
    }
    m_idToToken.resize(size_t(maxId + 1));
    m_hasId.assign(size_t(maxId + 1), 0);
    for (const auto& [token, id] : m_vocab) {
        m_idToToken[size_t(id)] = token;
        m_hasId[size_t(id)] = 1;
    }
    m_merges.reserve(merges.size() * 2);
    for (size_t rank = 0; rank < merges.size(); ++rank) {
        const auto& [a, b] = merges[rank];
        const auto ia = m_vocab.find(a);
        const auto ib = m_vocab.find(b);
        const auto merged = m_vocab.find(a + b);
        const std::string where = "model.merges[" + std::to_string(rank) + "] ";
        if (ia == m_vocab.end()) {
            throw std::invalid_argument(where + "names token " + quoted(a) +
                                        ", which is not in model.vocab");
        }
        if (ib == m_vocab.end()) {
            throw std::invalid_argument(where + "names token " + quoted(b) +
                                        ", which is not in model.vocab");
        }
        if (merged == m_vocab.end()) {
            throw std::invalid_argument(where + "produces token " + quoted(a + b) +
                                        ", which is not in model.vocab");
        }
        // The first (lowest-rank) occurrence of a pair wins, as HF's HashMap insert keeps the
        // last one only for duplicates, which real files do not have.
        m_merges.emplace(pairKey(ia->second, ib->second),
                         std::make_pair(int32_t(rank), merged->second));
    }
    if (m_options.unkToken) {
        const auto it = m_vocab.find(*m_options.unkToken);
        if (it == m_vocab.end()) {
            throw std::invalid_argument("model.unk_token " + quoted(*m_options.unkToken) +
                                        " is not in model.vocab");
        }
        m_unkId = it->second;
    }
    const auto& chars = byte_level::byteToChar();
    for (int b = 0; b < 256; ++b) {
        const auto it = m_vocab.find(chars[size_t(b)]);
        m_byteIds[size_t(b)] = it == m_vocab.end() ? -1 : it->second;
        char name[8];
        std::snprintf(name, sizeof(name), "<0x%02X>", b);
        const auto fb = m_vocab.find(name);
        m_fallbackIds[size_t(b)] = fb == m_vocab.end() ? -1 : fb->second;
    }
}

BpeModel::~BpeModel() = default;

std::optional<int32_t> BpeModel::tokenToId(std::string_view token) const {
    const auto it = m_vocab.find(std::string(token));
    if (it == m_vocab.end()) {
        return std::nullopt;
    }
    return it->second;
}

const std::string* BpeModel::idToToken(int32_t id) const {
    if (id < 0 || size_t(id) >= m_idToToken.size() || !m_hasId[size_t(id)]) {
        return nullptr;
    }
    return &m_idToToken[size_t(id)];
}

std::optional<std::pair<int32_t, int32_t>> BpeModel::findMerge(int32_t a, int32_t b) const {
    const auto it = m_merges.find(pairKey(a, b));
    if (it == m_merges.end()) {
        return std::nullopt;
    }
    return it->second;
}

void BpeModel::initialSymbols(std::string_view word, std::vector<Symbol>& symbols) const {
    // Pending unknown run (HF model.rs merge_word): flushed before the next known symbol.
    std::optional<Symbol> unk;
    auto flushUnk = [&] {
        if (unk) {
            symbols.push_back(*unk);
            unk.reset();
        }
    };
    auto unknown = [&](uint32_t begin, uint32_t len) {
        if (!m_unkId) {
            return; // no unk token: HF drops the character
        }
        if (unk && m_options.fuseUnk) {
            unk->len += len;
            return;
        }
        flushUnk();
        unk = Symbol{*m_unkId, begin, len};
    };
    if (m_options.byteLevel) {
        for (uint32_t i = 0; i < word.size(); ++i) {
            const int32_t id = m_byteIds[static_cast<unsigned char>(word[i])];
            if (id < 0) {
                unknown(i, 1);
            } else {
                flushUnk();
                symbols.push_back({id, i, 1});
            }
        }
        flushUnk();
        return;
    }
    size_t pos = 0;
    while (pos < word.size()) {
        size_t len = utf8::sequenceLength(word, pos);
        if (len == 0) {
            len = 1; // callers validate UTF-8; be safe anyway
        }
        const auto it = m_vocab.find(std::string(word.substr(pos, len)));
        if (it != m_vocab.end()) {
            flushUnk();
            symbols.push_back({it->second, uint32_t(pos), uint32_t(len)});
        } else {
            bool allBytes = m_options.byteFallback;
            for (size_t k = 0; allBytes && k < len; ++k) {
                allBytes = m_fallbackIds[static_cast<unsigned char>(word[pos + k])] >= 0;
            }
            if (allBytes) {
                flushUnk();
                for (size_t k = 0; k < len; ++k) {
                    const int32_t id = m_fallbackIds[static_cast<unsigned char>(word[pos + k])];
                    symbols.push_back({id, uint32_t(pos + k), 1});
                }
            } else {
                unknown(uint32_t(pos), uint32_t(len));
            }
        }
        pos += len;
    }
    flushUnk();
}

void BpeModel::merge(std::vector<Symbol>& symbols) const {
    const size_t n = symbols.size();
    if (n < 2) {
        return;
    }
    std::vector<int32_t> prev(n), next(n);
    for (size_t i = 0; i < n; ++i) {
        prev[i] = int32_t(i) - 1;
        next[i] = i + 1 < n ? int32_t(i + 1) : -1;
    }
    struct Candidate {
        int32_t rank;
        int32_t pos;
        int32_t newId;
        bool operator>(const Candidate& o) const {
            return rank != o.rank ? rank > o.rank : pos > o.pos;
        }
    };
    std::priority_queue<Candidate, std::vector<Candidate>, std::greater<Candidate>> queue;
    auto consider = [&](int32_t left) {
        const int32_t right = next[size_t(left)];
        if (right < 0) {
            return;
        }
        if (const auto m = findMerge(symbols[size_t(left)].id, symbols[size_t(right)].id)) {
            queue.push({m->first, left, m->second});
        }
    };
    for (size_t i = 0; i + 1 < n; ++i) {
        consider(int32_t(i));
    }
    while (!queue.empty()) {
        const Candidate top = queue.top();
        queue.pop();
        Symbol& left = symbols[size_t(top.pos)];
        const int32_t right = next[size_t(top.pos)];
        if (left.len == 0 || right < 0) {
            continue;
        }
        const auto m = findMerge(left.id, symbols[size_t(right)].id);
        if (!m || m->second != top.newId) {
            continue; // stale entry
        }
        left.id = top.newId;
        left.len += symbols[size_t(right)].len;
        symbols[size_t(right)].len = 0;
        next[size_t(top.pos)] = next[size_t(right)];
        if (next[size_t(right)] >= 0) {
            prev[size_t(next[size_t(right)])] = top.pos;
        }
        if (prev[size_t(top.pos)] >= 0) {
            consider(prev[size_t(top.pos)]);
        }
        consider(top.pos);
    }
    size_t out = 0;
    for (size_t i = 0; i < n; ++i) {
        if (symbols[i].len > 0) {
            symbols[out++] = symbols[i];
        }
    }
    symbols.resize(out);
}

void BpeModel::tokenize(std::string_view word, std::vector<BpePiece>& out) const {
    if (word.empty()) {
        return;
    }
    const bool cacheable = word.size() <= kMaxCachedWord;
    std::string key;
    if (cacheable) {
        key.assign(word);
        std::lock_guard<std::mutex> lock(m_cache->mutex);
        const auto it = m_cache->words.find(key);
        if (it != m_cache->words.end()) {
            out.insert(out.end(), it->second.begin(), it->second.end());
            return;
        }
    }
    std::vector<BpePiece> pieces;
    bool whole = false;
    if (m_options.ignoreMerges) {
        const std::string mapped =
            m_options.byteLevel ? byte_level::encode(word) : std::string(word);
        if (const auto id = tokenToId(mapped)) {
            pieces.push_back({*id, 0, uint32_t(word.size())});
            whole = true;
        }
    }
    if (!whole) {
        std::vector<Symbol> symbols;
        symbols.reserve(word.size());
        initialSymbols(word, symbols);
        merge(symbols);
        for (const Symbol& s : symbols) {
            pieces.push_back({s.id, s.begin, s.begin + s.len});
        }
    }
    out.insert(out.end(), pieces.begin(), pieces.end());
    if (cacheable) {
        std::lock_guard<std::mutex> lock(m_cache->mutex);
        if (m_cache->words.size() >= kMaxCacheEntries) {
            m_cache->words.clear();
        }
        m_cache->words.emplace(std::move(key), std::move(pieces));
    }
}

} // namespace cl
