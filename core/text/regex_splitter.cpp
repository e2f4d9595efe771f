#define PCRE2_CODE_UNIT_WIDTH 8
#include "core/text/regex_splitter.h"

#include <pcre2.h>

#include <algorithm>
#include <new>
#include <stdexcept>

namespace cl {

struct RegexSplitter::Impl {
    pcre2_code* code = nullptr;
};

const char* RegexSplitter::gpt2Pattern() {
    return R"('s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+)";
}

RegexSplitter::RegexSplitter(const std::string& pattern) : m_impl(std::make_unique<Impl>()) {
    int errorCode = 0;
    PCRE2_SIZE errorOffset = 0;
    m_impl->code =
        pcre2_compile(reinterpret_cast<PCRE2_SPTR>(pattern.c_str()), PCRE2_ZERO_TERMINATED,
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

RegexSplitter::~RegexSplitter() {
    pcre2_code_free(m_impl->code);
}

std::vector<std::pair<size_t, size_t>> RegexSplitter::split(std::string_view text) const {
    std::vector<std::pair<size_t, size_t>> pieces;
    pcre2_match_data* match = pcre2_match_data_create_from_pattern(m_impl->code, nullptr);
    if (match == nullptr) {
        throw std::bad_alloc();
    }
    const auto* subject = reinterpret_cast<PCRE2_SPTR>(text.data());
    size_t pos = 0;
    size_t gapStart = 0;
    while (pos <= text.size()) {
        const int rc = pcre2_match(m_impl->code, subject, text.size(), pos, PCRE2_NO_UTF_CHECK,
                                   match, nullptr);
        if (rc < 0) {
            break; // PCRE2_ERROR_NOMATCH, or a limit: the rest is one gap
        }
        const PCRE2_SIZE* ov = pcre2_get_ovector_pointer(match);
        const size_t b = ov[0];
        const size_t e = ov[1];
        if (b > gapStart) {
            pieces.emplace_back(gapStart, b);
        }
        if (e > b) {
            pieces.emplace_back(b, e);
            pos = e;
        } else {
            // An empty match: step over one character.
            pos = e + 1;
            while (pos < text.size() && (static_cast<unsigned char>(text[pos]) & 0xC0) == 0x80) {
                ++pos;
            }
        }
        gapStart = std::max(gapStart, e);
    }
    if (gapStart < text.size()) {
        pieces.emplace_back(gapStart, text.size());
    }
    pcre2_match_data_free(match);
    return pieces;
}

} // namespace cl
