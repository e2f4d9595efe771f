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

namespace {

constexpr uint64_t kEmptyKey = ~uint64_t(0);

size_t tableSize(size_t n) {
    size_t size = 16;
    while (size < 2 * n) {
        size *= 2;
    }
    return size;
}

uint64_t mix(uint64_t x) {
    // splitmix64's finalizer
    x ^= x >> 30;
    x *= 0xbf58476d1ce4e5b9ULL;
    x ^= x >> 27;
    x *= 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}

size_t hashToken(std::string_view s) {
    return std::hash<std::string_view>()(s);
}

} // namespace

BpeModel::BpeModel(const std::unordered_map<std::string, int32_t>& vocab,
                   const std::vector<std::pair<std::string, std::string>>& merges,
                   BpeOptions options)
    : BpeModel(std::vector<std::pair<std::string, int32_t>>(vocab.begin(), vocab.end()), merges,
               std::move(options)) {}

BpeModel::BpeModel(std::vector<std::pair<std::string, int32_t>> vocab,
                   const std::vector<std::pair<std::string, std::string>>& merges,
                   BpeOptions options)
    : m_options(std::move(options)), m_cache(std::make_unique<Cache>()) {
    int32_t maxId = -1;
    for (const auto& [token, id] : vocab) {
        if (id < 0) {
            throw std::invalid_argument("model.vocab gives token " + quoted(token) +
                                        " the negative id " + std::to_string(id));
        }
        if (id > kMaxTokenId) {
            throw std::invalid_argument("model.vocab gives token " + quoted(token) + " the id " +
                                        std::to_string(id) + "; ids above " +
                                        std::to_string(kMaxTokenId) +
                                        " (2^24 - 1) are beyond any real vocabulary");
        }
        maxId = std::max(maxId, id);
    }
    m_tokens.reserve(vocab.size());
    m_tokenIds.reserve(vocab.size());
    m_tokenSlots.assign(tableSize(vocab.size()), -1);
    m_idToToken.assign(size_t(maxId + 1), -1);
    const size_t tokenMask = m_tokenSlots.size() - 1;
    for (auto& [token, id] : vocab) {
        size_t slot = hashToken(token) & tokenMask;
        bool duplicate = false;
        while (m_tokenSlots[slot] >= 0) {
            if (m_tokens[size_t(m_tokenSlots[slot])] == token) {
                duplicate = true; // the first entry wins
                break;
            }
            slot = (slot + 1) & tokenMask;
        }
        if (duplicate) {
            continue;
        }
        const auto index = int32_t(m_tokens.size());
        m_tokenSlots[slot] = index;
        if (m_idToToken[size_t(id)] < 0) {
            m_idToToken[size_t(id)] = index;
        }
        m_tokens.push_back(std::move(token));
        m_tokenIds.push_back(id);
    }
    m_merges.assign(tableSize(merges.size()), MergeSlot{kEmptyKey, 0, 0});
    const size_t mergeMask = m_merges.size() - 1;
    std::string joined;
    for (size_t rank = 0; rank < merges.size(); ++rank) {
        const auto& [a, b] = merges[rank];
        const int32_t ia = findToken(a);
        const int32_t ib = findToken(b);
        joined.assign(a).append(b);
        const int32_t merged = findToken(joined);
        auto where = [&] { return "model.merges[" + std::to_string(rank) + "] "; };
        if (ia < 0) {
            throw std::invalid_argument(where() + "names token " + quoted(a) +
                                        ", which is not in model.vocab");
        }
        if (ib < 0) {
            throw std::invalid_argument(where() + "names token " + quoted(b) +
                                        ", which is not in model.vocab");
        }
        if (merged < 0) {
            throw std::invalid_argument(where() + "produces token " + quoted(joined) +
                                        ", which is not in model.vocab");
        }
        // The first (lowest-rank) occurrence of a pair wins; real files have no duplicates.
        const uint64_t key = pairKey(m_tokenIds[size_t(ia)], m_tokenIds[size_t(ib)]);
        size_t slot = mix(key) & mergeMask;
        while (m_merges[slot].key != kEmptyKey && m_merges[slot].key != key) {
            slot = (slot + 1) & mergeMask;
        }
        if (m_merges[slot].key == kEmptyKey) {
            m_merges[slot] = {key, int32_t(rank), m_tokenIds[size_t(merged)]};
        }
    }
    if (m_options.unkToken) {
        const auto id = tokenToId(*m_options.unkToken);
        if (!id) {
            throw std::invalid_argument("model.unk_token " + quoted(*m_options.unkToken) +
                                        " is not in model.vocab");
        }
        m_unkId = id;
    }
    const auto& chars = byte_level::byteToChar();
    for (int b = 0; b < 256; ++b) {
        m_byteIds[size_t(b)] = tokenToId(chars[size_t(b)]).value_or(-1);
        char name[8];
        std::snprintf(name, sizeof(name), "<0x%02X>", b);
        m_fallbackIds[size_t(b)] = tokenToId(name).value_or(-1);
    }
}

BpeModel::~BpeModel() = default;

int32_t BpeModel::findToken(std::string_view token) const {
    const size_t mask = m_tokenSlots.size() - 1;
    for (size_t slot = hashToken(token) & mask;; slot = (slot + 1) & mask) {
        const int32_t index = m_tokenSlots[slot];
        if (index < 0 || m_tokens[size_t(index)] == token) {
            return index;
        }
    }
}

std::optional<int32_t> BpeModel::tokenToId(std::string_view token) const {
    const int32_t index = findToken(token);
    if (index < 0) {
        return std::nullopt;
    }
    return m_tokenIds[size_t(index)];
}

const std::string* BpeModel::idToToken(int32_t id) const {
    if (id < 0 || size_t(id) >= m_idToToken.size() || m_idToToken[size_t(id)] < 0) {
        return nullptr;
    }
    return &m_tokens[size_t(m_idToToken[size_t(id)])];
}

std::optional<std::pair<int32_t, int32_t>> BpeModel::findMerge(int32_t a, int32_t b) const {
    const uint64_t key = pairKey(a, b);
    const size_t mask = m_merges.size() - 1;
    for (size_t slot = mix(key) & mask;; slot = (slot + 1) & mask) {
        const MergeSlot& m = m_merges[slot];
        if (m.key == key) {
            return std::make_pair(m.rank, m.newId);
        }
        if (m.key == kEmptyKey) {
            return std::nullopt;
        }
    }
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
        const int32_t index = findToken(word.substr(pos, len));
        if (index >= 0) {
            flushUnk();
            symbols.push_back({m_tokenIds[size_t(index)], uint32_t(pos), uint32_t(len)});
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
