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
    ~RegexSplitter();
    RegexSplitter(const RegexSplitter&) = delete;
    RegexSplitter& operator=(const RegexSplitter&) = delete;

    /// Byte ranges [begin, end) of valid UTF-8 text, in order, covering it: every match and
    /// every gap between matches is one piece (HF's SplitDelimiterBehavior::Isolated).
    std::vector<std::pair<size_t, size_t>> split(std::string_view text) const;

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

} // namespace cl
