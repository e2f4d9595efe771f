#pragma once
// The BPE model of HF tokenizer.json (tokenizers/src/models/bpe/{model,word}.rs): vocab, ranked
// merges, the merge loop, byte fallback and unk handling.

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace cl {

/// The largest token id accepted from a vocabulary or an added token (2^24 - 1, 16.7 M; real
/// vocabularies stop near 262 k). Larger ids would size id tables at gigabytes, and INT32_MAX
/// overflows the vocabulary size (issue #18).
constexpr int32_t kMaxTokenId = (1 << 24) - 1;

struct BpeOptions {
    bool byteLevel = false;    ///< words are raw bytes mapped through bytes_to_unicode first
    bool byteFallback = false; ///< unknown characters become <0xXX> pieces when all exist
    bool fuseUnk = false;      ///< consecutive unknown characters become one unk
    bool ignoreMerges = false; ///< a word that is itself in the vocab is returned whole
    std::optional<std::string> unkToken;
};

/// One BPE piece of a word: vocab id and the byte range [begin, end) of the word it covers.
struct BpePiece {
    int32_t id;
    uint32_t begin;
    uint32_t end;
};

/// Vocabulary + merges. Immutable after construction; tokenize() is thread-safe (its word cache
/// is guarded by a mutex).
class BpeModel {
public:
    /// Throws std::invalid_argument with a sentence naming the bad merge (by index) or token,
    /// or a token whose id is negative or above kMaxTokenId.
    /// merges are (left, right) in rank order.
    BpeModel(std::vector<std::pair<std::string, int32_t>> vocab,
             const std::vector<std::pair<std::string, std::string>>& merges, BpeOptions options);
    BpeModel(const std::unordered_map<std::string, int32_t>& vocab,
             const std::vector<std::pair<std::string, std::string>>& merges, BpeOptions options);
    ~BpeModel();

    /// Appends the pieces of one pre-token (its normalized UTF-8 bytes) to out. Characters that
    /// are neither in the vocab nor covered by byte fallback become unk, or are dropped when the
    /// model has no unk token (as HF does).
    void tokenize(std::string_view word, std::vector<BpePiece>& out) const;

    std::optional<int32_t> tokenToId(std::string_view token) const;
    /// The token of id, or nullptr when id is not in the vocab.
    const std::string* idToToken(int32_t id) const;
    /// Largest id in the vocab (-1 when empty).
    int32_t maxId() const { return int32_t(m_idToToken.size()) - 1; }
    const BpeOptions& options() const { return m_options; }

private:
    struct Symbol {
        int32_t id;
        uint32_t begin;
        uint32_t len;
    };
    void initialSymbols(std::string_view word, std::vector<Symbol>& symbols) const;
    void merge(std::vector<Symbol>& symbols) const;
    std::optional<std::pair<int32_t, int32_t>> findMerge(int32_t a, int32_t b) const;
    /// Index into m_tokens of token, or -1.
    int32_t findToken(std::string_view token) const;

    // Flat open-addressing tables (a 262k vocab with 514k merges loads in well under a second;
    // node-based maps took most of the load time, issue #15).
    std::vector<std::string> m_tokens; // vocab entries in file order
    std::vector<int32_t> m_tokenIds;   // their ids
    std::vector<int32_t> m_tokenSlots; // hash slots -> index into m_tokens, -1 empty
    std::vector<int32_t> m_idToToken;  // id -> index into m_tokens, -1 when the id is unused
    struct MergeSlot {
        uint64_t key; // (a << 32) | b; ~0 when empty
        int32_t rank;
        int32_t newId;
    };
    std::vector<MergeSlot> m_merges;
    BpeOptions m_options;
    std::optional<int32_t> m_unkId;
    std::array<int32_t, 256> m_byteIds{};     // byte-level: byte -> id of its character
    std::array<int32_t, 256> m_fallbackIds{}; // <0xXX> ids, -1 when absent
    struct Cache;
    std::unique_ptr<Cache> m_cache;
};

} // namespace cl
