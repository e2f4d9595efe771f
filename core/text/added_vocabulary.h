#pragma once
// HF added tokens (tokenizer.json "added_tokens", tokenizers/src/tokenizer/added_vocabulary.rs):
// strings matched before the model runs, leftmost-longest, with single_word/lstrip/rstrip.

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace cl {

struct AddedToken {
    int32_t id = 0;
    std::string content;
    bool special = false;
    bool singleWord = false;
    bool lstrip = false;
    bool rstrip = false;
    bool normalized = false; ///< matched on the normalized text (else on the raw text)
};

/// One piece of a split: [begin, end) bytes of the text; id >= 0 when it is an added token
/// (its range then includes whitespace absorbed by lstrip/rstrip).
struct AddedSplit {
    size_t begin;
    size_t end;
    int32_t id = -1;
};

/// Immutable after construction; split() is thread-safe.
class AddedVocabulary {
public:
    AddedVocabulary() = default;
    explicit AddedVocabulary(std::vector<AddedToken> tokens);

    /// Splits text by the tokens whose `normalized` flag equals normalizedPass (HF runs the
    /// raw-text pass first, then the normalized pass on each normalized remainder). Pieces are
    /// in order and cover text; empty plain pieces are left out.
    std::vector<AddedSplit> split(std::string_view text, bool normalizedPass) const;

    const AddedToken* byId(int32_t id) const;
    std::optional<int32_t> idOf(const std::string& content) const;
    bool isSpecial(int32_t id) const;
    const std::vector<AddedToken>& tokens() const { return m_tokens; }
    bool empty() const { return m_tokens.empty(); }

private:
    std::vector<AddedToken> m_tokens;
    std::unordered_map<int32_t, size_t> m_byId;
    std::unordered_map<std::string, int32_t> m_byContent;
    // Per pass and first byte: token indices, longest first.
    std::array<std::array<std::vector<size_t>, 256>, 2> m_byFirstByte;
};

} // namespace cl
