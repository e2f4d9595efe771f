#define PCRE2_CODE_UNIT_WIDTH 8
#include "core/text/regex_splitter.h"

#include <pcre2.h>

#include <algorithm>
#include <new>
#include <stdexcept>

namespace cl {

namespace {

/// PCRE2's \s (UCP mode) also matches U+180E MONGOLIAN VOWEL SEPARATOR, which left Unicode's
/// White_Space in 6.3; HF's \s (Oniguruma, Rust) is White_Space exactly (issue #15 fixtures).
/// Rewrites \s and \S, alone or inside a character class, so that U+180E is not a space.
/// A class is assumed not to match U+180E through its other members (true for real patterns).
std::string withoutMongolianVowelSeparator(const std::string& p) {
    const std::string notSep = "(?!\\x{180E})";
    std::string out;
    size_t i = 0;
    while (i < p.size()) {
        const char c = p[i];
        if (c == '\\' && i + 1 < p.size()) {
            if (p[i + 1] == 's') {
                out += "(?:" + notSep + "\\s)";
            } else if (p[i + 1] == 'S') {
                out += "(?:\\S|\\x{180E})";
            } else {
                out.append(p, i, 2);
            }
            i += 2;
            continue;
        }
        if (c != '[') {
            out += c;
            ++i;
            continue;
        }
        // A character class: find its end ("]" first in the class is literal; [:name:] nests).
        size_t j = i + 1;
        const bool negated = j < p.size() && p[j] == '^';
        if (negated) {
            ++j;
        }
        if (j < p.size() && p[j] == ']') {
            ++j;
        }
        bool space = false, nonSpace = false;
        while (j < p.size() && p[j] != ']') {
            if (p[j] == '\\' && j + 1 < p.size()) {
                space = space || p[j + 1] == 's';
                nonSpace = nonSpace || p[j + 1] == 'S';
                j += 2;
            } else if (p[j] == '[' && j + 1 < p.size() && p[j + 1] == ':') {
                const size_t close = p.find(":]", j + 2);
                j = close == std::string::npos ? p.size() : close + 2;
            } else {
                ++j;
            }
        }
        if (j >= p.size()) {
            out.append(p, i, std::string::npos); // unterminated: let PCRE2 report it
            break;
        }
        const std::string cls = p.substr(i, j + 1 - i);
        // The class matches U+180E through \s exactly when (space XOR negated); \S the other way.
        const bool matchesSep = (space && !negated) || (nonSpace && negated);
        const bool missesSep = (space && negated) || (nonSpace && !negated);
        if (space && nonSpace) {
            out += cls;
        } else if (matchesSep) {
            out += "(?:" + notSep + cls + ")";
        } else if (missesSep) {
            out += "(?:" + cls + "|\\x{180E})";
        } else {
            out += cls;
        }
        i = j + 1;
    }
    return out;
}

} // namespace

struct RegexSplitter::Impl {
    pcre2_code* code = nullptr;
    std::string pattern; // as given, for error messages
};

const char* RegexSplitter::gpt2Pattern() {
    return R"('s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+)";
}

RegexSplitter::RegexSplitter(const std::string& pattern) : m_impl(std::make_unique<Impl>()) {
    m_impl->pattern = pattern;
    int errorCode = 0;
    PCRE2_SIZE errorOffset = 0;
    const std::string translated = withoutMongolianVowelSeparator(pattern);
    m_impl->code =
        pcre2_compile(reinterpret_cast<PCRE2_SPTR>(translated.c_str()), PCRE2_ZERO_TERMINATED,
                      PCRE2_UTF | PCRE2_UCP, &errorCode, &errorOffset, nullptr);
    if (m_impl->code == nullptr) {
        PCRE2_UCHAR message[256];
        pcre2_get_error_message(errorCode, message, sizeof(message));
        throw std::invalid_argument("the regular expression '" + pattern +
                                    "' does not compile at offset " + std::to_string(errorOffset) +
                                    ": " + reinterpret_cast<const char*>(message));
    }
    pcre2_jit_compile(m_impl->code, PCRE2_JIT_COMPLETE); // falls back to the interpreter
}

std::shared_ptr<const RegexSplitter> RegexSplitter::compile(const std::string& pattern,
                                                            const std::string& where) {
    try {
        return std::make_shared<const RegexSplitter>(pattern);
    } catch (const std::invalid_argument& e) {
        throw std::invalid_argument(where + ": " + e.what());
    }
}

RegexSplitter::~RegexSplitter() {
    pcre2_code_free(m_impl->code);
}

std::string RegexSplitter::escape(std::string_view s) {
    std::string out;
    for (const char c : s) {
        if (std::string_view("\\^$.|?*+()[]{}-#&~ ").find(c) != std::string_view::npos) {
            out += '\\';
        }
        out += c;
    }
    return out;
}

std::vector<std::pair<size_t, size_t>> RegexSplitter::split(std::string_view text) const {
    std::vector<std::pair<size_t, size_t>> pieces;
    for (const Piece& p : findMatches(text)) {
        if (p.end > p.begin) {
            pieces.emplace_back(p.begin, p.end);
        }
    }
    return pieces;
}

std::vector<RegexSplitter::Piece> RegexSplitter::findMatches(std::string_view text) const {
    std::vector<Piece> pieces;
    if (text.empty()) {
        pieces.push_back({0, 0, false});
        return pieces;
    }
    pcre2_match_data* match = pcre2_match_data_create_from_pattern(m_impl->code, nullptr);
    if (match == nullptr) {
        throw std::bad_alloc();
    }
    const auto* subject = reinterpret_cast<PCRE2_SPTR>(text.data());
    auto nextChar = [&](size_t p) {
        ++p;
        while (p < text.size() && (static_cast<unsigned char>(text[p]) & 0xC0) == 0x80) {
            ++p;
        }
        return p;
    };
    size_t pos = 0;
    size_t prev = 0; // end of the last match (start of the pending gap)
    bool anyMatch = false;
    while (pos <= text.size()) {
        const int rc = pcre2_match(m_impl->code, subject, text.size(), pos, PCRE2_NO_UTF_CHECK,
                                   match, nullptr);
        if (rc == PCRE2_ERROR_NOMATCH) {
            break; // the rest is one gap
        }
        if (rc < 0) {
            // A match or depth limit, or any other failure: never hand back the rest as one
            // untokenized piece (issue #18), say why.
            pcre2_match_data_free(match);
            PCRE2_UCHAR message[256];
            pcre2_get_error_message(rc, message, sizeof(message));
            throw std::runtime_error("the regular expression '" + m_impl->pattern +
                                     "' failed on the text at byte " + std::to_string(pos) +
                                     ": " + reinterpret_cast<const char*>(message) +
                                     "; the text cannot be tokenized");
        }
        const PCRE2_SIZE* ov = pcre2_get_ovector_pointer(match);
        const size_t b = ov[0];
        const size_t e = ov[1];
        if (e == b && anyMatch && b == prev) {
            // onig's find_iter refuses an empty match right after the previous match.
            if (b >= text.size()) {
                break;
            }
            pos = nextChar(b);
            continue;
        }
        if (b > prev) {
            pieces.push_back({prev, b, false});
        }
        pieces.push_back({b, e, true});
        anyMatch = true;
        prev = e;
        if (e > b) {
            pos = e;
        } else if (e >= text.size()) {
            break;
        } else {
            pos = nextChar(e);
        }
    }
    if (prev < text.size()) {
        pieces.push_back({prev, text.size(), false});
    }
    pcre2_match_data_free(match);
    return pieces;
}

} // namespace cl
