#pragma once
// Splits text by a PCRE2 pattern with Unicode classes and look-ahead (GPT-2's pre-tokenizer
// regex; std::regex cannot express it).

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace cl {

/// A compiled pattern (UTF + UCP mode, JIT when available). Thread-safe: match data is per call.
class RegexSplitter {
public:
    /// GPT-2's split pattern (REFERENCE.md §6.2).
    static const char* gpt2Pattern();

    /// Throws std::invalid_argument naming the pattern and PCRE2's message when it does not
    /// compile.
    explicit RegexSplitter(const std::string& pattern);
    /// The same, for a pattern read from tokenizer.json: an error starts with `where` (the
    /// component, e.g. "pre_tokenizer (Split)").
    static std::shared_ptr<const RegexSplitter> compile(const std::string& pattern,
                                                        const std::string& where);
    ~RegexSplitter();
    RegexSplitter(const RegexSplitter&) = delete;
    RegexSplitter& operator=(const RegexSplitter&) = delete;

    /// Escapes every metacharacter of s, so that the pattern matches s literally (HF's
    /// String patterns are regex::escape'd the same way, pattern.rs).
    static std::string escape(std::string_view s);

    /// Byte ranges [begin, end) of valid UTF-8 text, in order, covering it: every match and
    /// every gap between matches is one piece (HF's SplitDelimiterBehavior::Isolated).
    /// Throws as findMatches.
    std::vector<std::pair<size_t, size_t>> split(std::string_view text) const;

    /// One piece of HF's Pattern::find_matches: [begin, end) bytes and whether it is a match.
    struct Piece {
        size_t begin;
        size_t end;
        bool isMatch;
    };
    /// HF tokenizers pattern.rs find_matches: the matches and the gaps between them, in order,
    /// covering text; an empty text gives one empty gap. Empty matches are kept (as pieces of
    /// length 0), and the search then steps over one character. Throws std::runtime_error
    /// naming the pattern and PCRE2's message when matching fails (e.g. its match limit).
    std::vector<Piece> findMatches(std::string_view text) const;

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

} // namespace cl
