#pragma once
// A piece of text being normalized, with the original byte range behind every byte, so that
// tokens found in the normalized text can be mapped back to the user's text (issue #4, spans).

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace cl {

class RegexSplitter;

/// Normalized UTF-8 plus, for each of its bytes, the byte range [begin, end) of the original
/// input it stands for. Bytes produced from one original unit (a replaced character, an NFC
/// cluster that changed) all carry that unit's whole range; inserted bytes (Prepend) carry an
/// empty range at their insertion point.
///
/// Span rule (documented contract of Tokenizer::encode): a token that ends inside such a unit
/// is cut at the unit's start, so the token that holds the unit's last byte gets the whole unit
/// and tokens holding only its first bytes get an empty range at its start — the convention
/// sentencepiece uses for byte-fallback pieces. Spans are therefore in order and never overlap.
class NormalizedText {
public:
    NormalizedText() = default;
    /// The original text itself, whose first byte sits at original offset `offset`.
    NormalizedText(std::string_view original, int64_t offset);

    const std::string& text() const { return m_text; }
    size_t size() const { return m_text.size(); }
    bool empty() const { return m_text.empty(); }
    /// Original offset where this piece starts (also for an empty piece).
    int64_t originalStart() const { return m_start; }

    /// Original range [begin, end) of the normalized bytes [b, e), by the span rule above.
    std::pair<int64_t, int64_t> originalRange(size_t b, size_t e) const;
    /// The original bytes behind the normalized bytes [b, e), by the fixtures' rule (issue #15,
    /// shared/fixtures/README.md "realworld/"): the union of their ranges. An unchanged byte
    /// stands for itself, so part of a character gives exactly those bytes; a byte of a unit a
    /// normalizer changed stands for the whole unit, so every token touching it covers it.
    /// Empty (b == e) or only inserted bytes give an empty range where they sit.
    std::pair<int64_t, int64_t> coveredRange(size_t b, size_t e) const;

    /// The normalized bytes [b, e) with their alignment.
    NormalizedText slice(size_t b, size_t e) const;

    /// Inserts s at the front; its bytes map to an empty range at originalStart().
    void prepend(std::string_view s);
    /// Replaces every occurrence of from (non-empty) by to, left to right.
    void replaceAll(std::string_view from, std::string_view to);
    /// Replaces every match of re (HF Replace with a Regex pattern) by to; an empty match
    /// inserts to there.
    void replaceRegex(const RegexSplitter& re, std::string_view to);
    /// Unicode normalization form through utf8proc: "NFC", "NFD", "NFKC" or "NFKD".
    /// The text must be valid UTF-8 (the encoder checks its input first).
    void normalizeForm(const std::string& form);

private:
    int64_t beginAt(size_t i) const { return m_identity ? m_start + int64_t(i) : m_begin[i]; }
    int64_t endAt(size_t i) const { return m_identity ? m_start + int64_t(i) + 1 : m_end[i]; }
    void materialize();
    /// Replaces the sorted, disjoint byte ranges by `to`; the new bytes stand for the union of
    /// the replaced bytes' ranges (an empty range: an insertion at that point).
    void replaceRanges(const std::vector<std::pair<size_t, size_t>>& ranges, std::string_view to);

    std::string m_text;
    int64_t m_start = 0;
    int64_t m_finish = 0;   // original offset where this piece ends
    bool m_identity = true; // m_begin/m_end are implicit (byte i <-> m_start + i)
    std::vector<int64_t> m_begin;
    std::vector<int64_t> m_end;
};

} // namespace cl
