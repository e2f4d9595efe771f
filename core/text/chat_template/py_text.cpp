#include "core/text/chat_template/py_text.h"

#include "core/text/utf8.h"

#include <utf8proc.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <stdexcept>

namespace cl::jinja::py {

namespace {

struct Expansion {
    char32_t from;
    std::array<char32_t, 3> to; // zero-padded
};

// Unconditional multi-character mappings of SpecialCasing.txt, as CPython 3.11 applies them
// (generated from str.upper()/str.title(); utf8proc has only the one-character mappings, which
// agree with CPython's for every code point).
constexpr Expansion kUpperExpansions[] = {
    {0xDF, {0x53, 0x53, 0x0}},       {0x149, {0x2BC, 0x4E, 0x0}},
    {0x1F0, {0x4A, 0x30C, 0x0}},     {0x390, {0x399, 0x308, 0x301}},
    {0x3B0, {0x3A5, 0x308, 0x301}},  {0x587, {0x535, 0x552, 0x0}},
    {0x1E96, {0x48, 0x331, 0x0}},    {0x1E97, {0x54, 0x308, 0x0}},
    {0x1E98, {0x57, 0x30A, 0x0}},    {0x1E99, {0x59, 0x30A, 0x0}},
    {0x1E9A, {0x41, 0x2BE, 0x0}},    {0x1F50, {0x3A5, 0x313, 0x0}},
    {0x1F52, {0x3A5, 0x313, 0x300}}, {0x1F54, {0x3A5, 0x313, 0x301}},
    {0x1F56, {0x3A5, 0x313, 0x342}}, {0x1F80, {0x1F08, 0x399, 0x0}},
    {0x1F81, {0x1F09, 0x399, 0x0}},  {0x1F82, {0x1F0A, 0x399, 0x0}},
    {0x1F83, {0x1F0B, 0x399, 0x0}},  {0x1F84, {0x1F0C, 0x399, 0x0}},
    {0x1F85, {0x1F0D, 0x399, 0x0}},  {0x1F86, {0x1F0E, 0x399, 0x0}},
    {0x1F87, {0x1F0F, 0x399, 0x0}},  {0x1F88, {0x1F08, 0x399, 0x0}},
    {0x1F89, {0x1F09, 0x399, 0x0}},  {0x1F8A, {0x1F0A, 0x399, 0x0}},
    {0x1F8B, {0x1F0B, 0x399, 0x0}},  {0x1F8C, {0x1F0C, 0x399, 0x0}},
    {0x1F8D, {0x1F0D, 0x399, 0x0}},  {0x1F8E, {0x1F0E, 0x399, 0x0}},
    {0x1F8F, {0x1F0F, 0x399, 0x0}},  {0x1F90, {0x1F28, 0x399, 0x0}},
    {0x1F91, {0x1F29, 0x399, 0x0}},  {0x1F92, {0x1F2A, 0x399, 0x0}},
    {0x1F93, {0x1F2B, 0x399, 0x0}},  {0x1F94, {0x1F2C, 0x399, 0x0}},
    {0x1F95, {0x1F2D, 0x399, 0x0}},  {0x1F96, {0x1F2E, 0x399, 0x0}},
    {0x1F97, {0x1F2F, 0x399, 0x0}},  {0x1F98, {0x1F28, 0x399, 0x0}},
    {0x1F99, {0x1F29, 0x399, 0x0}},  {0x1F9A, {0x1F2A, 0x399, 0x0}},
    {0x1F9B, {0x1F2B, 0x399, 0x0}},  {0x1F9C, {0x1F2C, 0x399, 0x0}},
    {0x1F9D, {0x1F2D, 0x399, 0x0}},  {0x1F9E, {0x1F2E, 0x399, 0x0}},
    {0x1F9F, {0x1F2F, 0x399, 0x0}},  {0x1FA0, {0x1F68, 0x399, 0x0}},
    {0x1FA1, {0x1F69, 0x399, 0x0}},  {0x1FA2, {0x1F6A, 0x399, 0x0}},
    {0x1FA3, {0x1F6B, 0x399, 0x0}},  {0x1FA4, {0x1F6C, 0x399, 0x0}},
    {0x1FA5, {0x1F6D, 0x399, 0x0}},  {0x1FA6, {0x1F6E, 0x399, 0x0}},
    {0x1FA7, {0x1F6F, 0x399, 0x0}},  {0x1FA8, {0x1F68, 0x399, 0x0}},
    {0x1FA9, {0x1F69, 0x399, 0x0}},  {0x1FAA, {0x1F6A, 0x399, 0x0}},
    {0x1FAB, {0x1F6B, 0x399, 0x0}},  {0x1FAC, {0x1F6C, 0x399, 0x0}},
    {0x1FAD, {0x1F6D, 0x399, 0x0}},  {0x1FAE, {0x1F6E, 0x399, 0x0}},
    {0x1FAF, {0x1F6F, 0x399, 0x0}},  {0x1FB2, {0x1FBA, 0x399, 0x0}},
    {0x1FB3, {0x391, 0x399, 0x0}},   {0x1FB4, {0x386, 0x399, 0x0}},
    {0x1FB6, {0x391, 0x342, 0x0}},   {0x1FB7, {0x391, 0x342, 0x399}},
    {0x1FBC, {0x391, 0x399, 0x0}},   {0x1FC2, {0x1FCA, 0x399, 0x0}},
    {0x1FC3, {0x397, 0x399, 0x0}},   {0x1FC4, {0x389, 0x399, 0x0}},
    {0x1FC6, {0x397, 0x342, 0x0}},   {0x1FC7, {0x397, 0x342, 0x399}},
    {0x1FCC, {0x397, 0x399, 0x0}},   {0x1FD2, {0x399, 0x308, 0x300}},
    {0x1FD3, {0x399, 0x308, 0x301}}, {0x1FD6, {0x399, 0x342, 0x0}},
    {0x1FD7, {0x399, 0x308, 0x342}}, {0x1FE2, {0x3A5, 0x308, 0x300}},
    {0x1FE3, {0x3A5, 0x308, 0x301}}, {0x1FE4, {0x3A1, 0x313, 0x0}},
    {0x1FE6, {0x3A5, 0x342, 0x0}},   {0x1FE7, {0x3A5, 0x308, 0x342}},
    {0x1FF2, {0x1FFA, 0x399, 0x0}},  {0x1FF3, {0x3A9, 0x399, 0x0}},
    {0x1FF4, {0x38F, 0x399, 0x0}},   {0x1FF6, {0x3A9, 0x342, 0x0}},
    {0x1FF7, {0x3A9, 0x342, 0x399}}, {0x1FFC, {0x3A9, 0x399, 0x0}},
    {0xFB00, {0x46, 0x46, 0x0}},     {0xFB01, {0x46, 0x49, 0x0}},
    {0xFB02, {0x46, 0x4C, 0x0}},     {0xFB03, {0x46, 0x46, 0x49}},
    {0xFB04, {0x46, 0x46, 0x4C}},    {0xFB05, {0x53, 0x54, 0x0}},
    {0xFB06, {0x53, 0x54, 0x0}},     {0xFB13, {0x544, 0x546, 0x0}},
    {0xFB14, {0x544, 0x535, 0x0}},   {0xFB15, {0x544, 0x53B, 0x0}},
    {0xFB16, {0x54E, 0x546, 0x0}},   {0xFB17, {0x544, 0x53D, 0x0}},
};
constexpr Expansion kTitleExpansions[] = {
    {0xDF, {0x53, 0x73, 0x0}},       {0x149, {0x2BC, 0x4E, 0x0}},
    {0x1F0, {0x4A, 0x30C, 0x0}},     {0x390, {0x399, 0x308, 0x301}},
    {0x3B0, {0x3A5, 0x308, 0x301}},  {0x587, {0x535, 0x582, 0x0}},
    {0x1E96, {0x48, 0x331, 0x0}},    {0x1E97, {0x54, 0x308, 0x0}},
    {0x1E98, {0x57, 0x30A, 0x0}},    {0x1E99, {0x59, 0x30A, 0x0}},
    {0x1E9A, {0x41, 0x2BE, 0x0}},    {0x1F50, {0x3A5, 0x313, 0x0}},
    {0x1F52, {0x3A5, 0x313, 0x300}}, {0x1F54, {0x3A5, 0x313, 0x301}},
    {0x1F56, {0x3A5, 0x313, 0x342}}, {0x1FB2, {0x1FBA, 0x345, 0x0}},
    {0x1FB4, {0x386, 0x345, 0x0}},   {0x1FB6, {0x391, 0x342, 0x0}},
    {0x1FB7, {0x391, 0x342, 0x345}}, {0x1FC2, {0x1FCA, 0x345, 0x0}},
    {0x1FC4, {0x389, 0x345, 0x0}},   {0x1FC6, {0x397, 0x342, 0x0}},
    {0x1FC7, {0x397, 0x342, 0x345}}, {0x1FD2, {0x399, 0x308, 0x300}},
    {0x1FD3, {0x399, 0x308, 0x301}}, {0x1FD6, {0x399, 0x342, 0x0}},
    {0x1FD7, {0x399, 0x308, 0x342}}, {0x1FE2, {0x3A5, 0x308, 0x300}},
    {0x1FE3, {0x3A5, 0x308, 0x301}}, {0x1FE4, {0x3A1, 0x313, 0x0}},
    {0x1FE6, {0x3A5, 0x342, 0x0}},   {0x1FE7, {0x3A5, 0x308, 0x342}},
    {0x1FF2, {0x1FFA, 0x345, 0x0}},  {0x1FF4, {0x38F, 0x345, 0x0}},
    {0x1FF6, {0x3A9, 0x342, 0x0}},   {0x1FF7, {0x3A9, 0x342, 0x345}},
    {0xFB00, {0x46, 0x66, 0x0}},     {0xFB01, {0x46, 0x69, 0x0}},
    {0xFB02, {0x46, 0x6C, 0x0}},     {0xFB03, {0x46, 0x66, 0x69}},
    {0xFB04, {0x46, 0x66, 0x6C}},    {0xFB05, {0x53, 0x74, 0x0}},
    {0xFB06, {0x53, 0x74, 0x0}},     {0xFB13, {0x544, 0x576, 0x0}},
    {0xFB14, {0x544, 0x565, 0x0}},   {0xFB15, {0x544, 0x56B, 0x0}},
    {0xFB16, {0x54E, 0x576, 0x0}},   {0xFB17, {0x544, 0x56D, 0x0}},
};

const Expansion* findExpansion(const Expansion* begin, const Expansion* end, char32_t c) {
    const auto* it =
        std::lower_bound(begin, end, c, [](const Expansion& e, char32_t v) { return e.from < v; });
    return (it != end && it->from == c) ? it : nullptr;
}

utf8proc_category_t category(char32_t c) {
    return utf8proc_category(static_cast<utf8proc_int32_t>(c));
}

bool isCased(char32_t c) {
    const auto cat = category(c);
    return cat == UTF8PROC_CATEGORY_LU || cat == UTF8PROC_CATEGORY_LL ||
           cat == UTF8PROC_CATEGORY_LT ||
           utf8proc_toupper(static_cast<utf8proc_int32_t>(c)) != static_cast<utf8proc_int32_t>(c) ||
           utf8proc_tolower(static_cast<utf8proc_int32_t>(c)) != static_cast<utf8proc_int32_t>(c);
}

bool isCaseIgnorable(char32_t c) {
    switch (category(c)) {
    case UTF8PROC_CATEGORY_MN:
    case UTF8PROC_CATEGORY_ME:
    case UTF8PROC_CATEGORY_CF:
    case UTF8PROC_CATEGORY_LM:
    case UTF8PROC_CATEGORY_SK:
        return true;
    default:
        break;
    }
    // Word_Break MidLetter / MidNumLet / Single_Quote.
    return c == U'\'' || c == U'.' || c == U':' || c == 0xB7 || c == 0x2018 || c == 0x2019 ||
           c == 0x2024 || c == 0xFE52 || c == 0xFF07 || c == 0xFF0E || c == 0x387 || c == 0x5F4 ||
           c == 0x2027 || c == 0xFE13 || c == 0xFE55 || c == 0xFF1A;
}

bool isUpperChar(char32_t c) {
    const auto cat = category(c);
    return cat == UTF8PROC_CATEGORY_LU ||
           (cat != UTF8PROC_CATEGORY_LT &&
            utf8proc_tolower(static_cast<utf8proc_int32_t>(c)) != static_cast<utf8proc_int32_t>(c));
}

bool isLowerChar(char32_t c) {
    const auto cat = category(c);
    return cat == UTF8PROC_CATEGORY_LL ||
           (cat != UTF8PROC_CATEGORY_LT && cat != UTF8PROC_CATEGORY_LU &&
            utf8proc_toupper(static_cast<utf8proc_int32_t>(c)) != static_cast<utf8proc_int32_t>(c));
}

bool isTitleChar(char32_t c) {
    return category(c) == UTF8PROC_CATEGORY_LT;
}

void appendUpper(std::u32string& out, char32_t c) {
    if (const auto* e =
            findExpansion(std::begin(kUpperExpansions), std::end(kUpperExpansions), c)) {
        for (char32_t x : e->to) {
            if (x != 0) {
                out.push_back(x);
            }
        }
        return;
    }
    out.push_back(static_cast<char32_t>(utf8proc_toupper(static_cast<utf8proc_int32_t>(c))));
}

void appendTitle(std::u32string& out, char32_t c) {
    if (const auto* e =
            findExpansion(std::begin(kTitleExpansions), std::end(kTitleExpansions), c)) {
        for (char32_t x : e->to) {
            if (x != 0) {
                out.push_back(x);
            }
        }
        return;
    }
    out.push_back(static_cast<char32_t>(utf8proc_totitle(static_cast<utf8proc_int32_t>(c))));
}

// CPython's handle_capital_sigma: Σ lowers to ς at the end of a word.
char32_t lowerSigma(const std::u32string& s, size_t i) {
    size_t j = i;
    char32_t c = 0;
    bool found = false;
    while (j > 0) {
        --j;
        c = s[j];
        if (!isCaseIgnorable(c)) {
            found = true;
            break;
        }
    }
    bool finalSigma = found && isCased(c);
    if (finalSigma && i + 1 < s.size()) {
        size_t k = i + 1;
        for (; k < s.size(); ++k) {
            if (!isCaseIgnorable(s[k])) {
                break;
            }
        }
        finalSigma = k == s.size() || !isCased(s[k]);
    }
    return finalSigma ? 0x3C2 : 0x3C3;
}

void appendLower(std::u32string& out, const std::u32string& s, size_t i) {
    const char32_t c = s[i];
    if (c == 0x130) { // İ -> i + combining dot above
        out.push_back(U'i');
        out.push_back(0x307);
        return;
    }
    if (c == 0x3A3) {
        out.push_back(lowerSigma(s, i));
        return;
    }
    out.push_back(static_cast<char32_t>(utf8proc_tolower(static_cast<utf8proc_int32_t>(c))));
}

bool inRanges(char32_t c, std::initializer_list<std::pair<char32_t, char32_t>> ranges) {
    for (const auto& [lo, hi] : ranges) {
        if (c >= lo && c <= hi) {
            return true;
        }
    }
    return false;
}

bool isDigitChar(char32_t c) {
    if (category(c) == UTF8PROC_CATEGORY_ND) {
        return true;
    }
    // Numeric_Type=Digit code points outside Nd (superscripts, circled digits, ...).
    return inRanges(
        c, {{0xB2, 0xB3},       {0xB9, 0xB9},       {0x1369, 0x1371},   {0x19DA, 0x19DA},
            {0x2070, 0x2070},   {0x2074, 0x2079},   {0x2080, 0x2089},   {0x2460, 0x2468},
            {0x2474, 0x247C},   {0x2488, 0x2490},   {0x24EA, 0x24EA},   {0x24F5, 0x24FD},
            {0x24FF, 0x24FF},   {0x2776, 0x277E},   {0x2780, 0x2788},   {0x278A, 0x2792},
            {0x10A40, 0x10A43}, {0x10E60, 0x10E68}, {0x11052, 0x1105A}, {0x1F100, 0x1F10A}});
}

bool isAlphaChar(char32_t c) {
    switch (category(c)) {
    case UTF8PROC_CATEGORY_LU:
    case UTF8PROC_CATEGORY_LL:
    case UTF8PROC_CATEGORY_LT:
    case UTF8PROC_CATEGORY_LM:
    case UTF8PROC_CATEGORY_LO:
        return true;
    default:
        return false;
    }
}

bool isNumericChar(char32_t c) {
    const auto cat = category(c);
    return cat == UTF8PROC_CATEGORY_ND || cat == UTF8PROC_CATEGORY_NL ||
           cat == UTF8PROC_CATEGORY_NO || isDigitChar(c);
}

// str.isprintable() of one code point: everything but Other and Separator, space excepted.
bool isPrintableChar(char32_t c) {
    if (c == U' ') {
        return true;
    }
    switch (category(c)) {
    case UTF8PROC_CATEGORY_CC:
    case UTF8PROC_CATEGORY_CF:
    case UTF8PROC_CATEGORY_CS:
    case UTF8PROC_CATEGORY_CO:
    case UTF8PROC_CATEGORY_CN:
    case UTF8PROC_CATEGORY_ZL:
    case UTF8PROC_CATEGORY_ZP:
    case UTF8PROC_CATEGORY_ZS:
        return false;
    default:
        return true;
    }
}

template <class Pred> bool allChars(std::string_view s, Pred pred) {
    const std::u32string u = decode(s);
    if (u.empty()) {
        return false;
    }
    return std::all_of(u.begin(), u.end(), pred);
}

bool isLineBreak(char32_t c) {
    return c == U'\n' || c == U'\r' || c == 0x0B || c == 0x0C || c == 0x1C || c == 0x1D ||
           c == 0x1E || c == 0x85 || c == 0x2028 || c == 0x2029;
}

std::u32string pad(std::u32string_view body, int64_t left, int64_t right, char32_t fill) {
    std::u32string out(static_cast<size_t>(left), fill);
    out.append(body);
    out.append(static_cast<size_t>(right), fill);
    return out;
}

} // namespace

bool isSpace(char32_t c) {
    if (c <= 0x7F) {
        return (c >= 0x09 && c <= 0x0D) || (c >= 0x1C && c <= 0x20);
    }
    return c == 0x85 || c == 0xA0 || c == 0x1680 || (c >= 0x2000 && c <= 0x200A) || c == 0x2028 ||
           c == 0x2029 || c == 0x202F || c == 0x205F || c == 0x3000;
}

std::u32string decode(std::string_view text) {
    std::u32string out;
    out.reserve(text.size());
    size_t pos = 0;
    while (pos < text.size()) {
        size_t len = utf8::sequenceLength(text, pos);
        if (len == 0) { // not expected (inputs are validated); keep the byte as a code point
            out.push_back(static_cast<unsigned char>(text[pos]));
            ++pos;
            continue;
        }
        out.push_back(utf8::decodeAt(text, pos, len));
        pos += len;
    }
    return out;
}

std::string encode(std::u32string_view text) {
    std::string out;
    out.reserve(text.size());
    for (char32_t c : text) {
        utf8::append(out, c);
    }
    return out;
}

int64_t length(std::string_view text) {
    int64_t n = 0;
    for (unsigned char c : text) {
        n += (c & 0xC0) != 0x80;
    }
    return n;
}

std::string strip(std::string_view s, const std::optional<std::string>& chars, bool left,
                  bool right) {
    const std::u32string u = decode(s);
    const std::u32string set = chars ? decode(*chars) : std::u32string();
    auto drop = [&](char32_t c) {
        return chars ? set.find(c) != std::u32string::npos : isSpace(c);
    };
    size_t b = 0;
    size_t e = u.size();
    if (left) {
        while (b < e && drop(u[b])) {
            ++b;
        }
    }
    if (right) {
        while (e > b && drop(u[e - 1])) {
            --e;
        }
    }
    return encode(std::u32string_view(u).substr(b, e - b));
}

std::vector<std::string> split(std::string_view s, const std::optional<std::string>& sep,
                               int64_t maxsplit) {
    std::vector<std::string> out;
    if (maxsplit < 0) {
        maxsplit = INT64_MAX;
    }
    if (sep) {
        if (sep->empty()) {
            throw std::invalid_argument("empty separator");
        }
        size_t pos = 0;
        while (maxsplit > 0) {
            const size_t hit = s.find(*sep, pos);
            if (hit == std::string_view::npos) {
                break;
            }
            out.emplace_back(s.substr(pos, hit - pos));
            pos = hit + sep->size();
            --maxsplit;
        }
        out.emplace_back(s.substr(pos));
        return out;
    }
    const std::u32string u = decode(s);
    size_t i = 0;
    while (i < u.size()) {
        while (i < u.size() && isSpace(u[i])) {
            ++i;
        }
        if (i == u.size()) {
            break;
        }
        if (maxsplit == 0) {
            size_t e = u.size();
            while (e > i && isSpace(u[e - 1])) {
                --e;
            }
            out.push_back(encode(std::u32string_view(u).substr(i, e - i)));
            break;
        }
        size_t j = i;
        while (j < u.size() && !isSpace(u[j])) {
            ++j;
        }
        out.push_back(encode(std::u32string_view(u).substr(i, j - i)));
        --maxsplit;
        i = j;
    }
    return out;
}

std::vector<std::string> rsplit(std::string_view s, const std::optional<std::string>& sep,
                                int64_t maxsplit) {
    std::vector<std::string> out;
    if (maxsplit < 0) {
        maxsplit = INT64_MAX;
    }
    if (sep) {
        if (sep->empty()) {
            throw std::invalid_argument("empty separator");
        }
        size_t end = s.size();
        while (maxsplit > 0 && end >= sep->size()) {
            const size_t hit = s.rfind(*sep, end - sep->size());
            if (hit == std::string_view::npos) {
                break;
            }
            out.emplace_back(s.substr(hit + sep->size(), end - hit - sep->size()));
            end = hit;
            --maxsplit;
        }
        out.emplace_back(s.substr(0, end));
        std::reverse(out.begin(), out.end());
        return out;
    }
    const std::u32string u = decode(s);
    size_t j = u.size();
    while (j > 0) {
        while (j > 0 && isSpace(u[j - 1])) {
            --j;
        }
        if (j == 0) {
            break;
        }
        if (maxsplit == 0) {
            size_t b = 0;
            while (b < j && isSpace(u[b])) {
                ++b;
            }
            out.push_back(encode(std::u32string_view(u).substr(b, j - b)));
            break;
        }
        size_t i = j;
        while (i > 0 && !isSpace(u[i - 1])) {
            --i;
        }
        out.push_back(encode(std::u32string_view(u).substr(i, j - i)));
        --maxsplit;
        j = i;
    }
    std::reverse(out.begin(), out.end());
    return out;
}

std::vector<std::string> splitlines(std::string_view s, bool keepends) {
    const std::u32string u = decode(s);
    std::vector<std::string> out;
    size_t start = 0;
    size_t i = 0;
    while (i < u.size()) {
        if (!isLineBreak(u[i])) {
            ++i;
            continue;
        }
        size_t eol = i + 1;
        if (u[i] == U'\r' && eol < u.size() && u[eol] == U'\n') {
            ++eol;
        }
        out.push_back(encode(std::u32string_view(u).substr(start, (keepends ? eol : i) - start)));
        start = i = eol;
    }
    if (start < u.size()) {
        out.push_back(encode(std::u32string_view(u).substr(start)));
    }
    return out;
}

std::string upper(std::string_view s) {
    const std::u32string u = decode(s);
    std::u32string out;
    out.reserve(u.size());
    for (char32_t c : u) {
        appendUpper(out, c);
    }
    return encode(out);
}

std::string lower(std::string_view s) {
    const std::u32string u = decode(s);
    std::u32string out;
    out.reserve(u.size());
    for (size_t i = 0; i < u.size(); ++i) {
        appendLower(out, u, i);
    }
    return encode(out);
}

std::string title(std::string_view s) {
    const std::u32string u = decode(s);
    std::u32string out;
    out.reserve(u.size());
    bool previousCased = false;
    for (size_t i = 0; i < u.size(); ++i) {
        if (previousCased) {
            appendLower(out, u, i);
        } else {
            appendTitle(out, u[i]);
        }
        previousCased = isCased(u[i]);
    }
    return encode(out);
}

std::string capitalize(std::string_view s) {
    const std::u32string u = decode(s);
    std::u32string out;
    out.reserve(u.size());
    for (size_t i = 0; i < u.size(); ++i) {
        if (i == 0) {
            appendTitle(out, u[i]);
        } else {
            appendLower(out, u, i);
        }
    }
    return encode(out);
}

std::string swapcase(std::string_view s) {
    const std::u32string u = decode(s);
    std::u32string out;
    out.reserve(u.size());
    for (size_t i = 0; i < u.size(); ++i) {
        if (isUpperChar(u[i])) {
            appendLower(out, u, i);
        } else if (isLowerChar(u[i])) {
            appendUpper(out, u[i]);
        } else {
            out.push_back(u[i]);
        }
    }
    return encode(out);
}

bool isAlpha(std::string_view s) {
    return allChars(s, isAlphaChar);
}
bool isDigit(std::string_view s) {
    return allChars(s, isDigitChar);
}
bool isDecimal(std::string_view s) {
    return allChars(s, [](char32_t c) { return category(c) == UTF8PROC_CATEGORY_ND; });
}
bool isAlnum(std::string_view s) {
    return allChars(s, [](char32_t c) { return isAlphaChar(c) || isNumericChar(c); });
}
bool isSpaceStr(std::string_view s) {
    return allChars(s, isSpace);
}

bool isUpper(std::string_view s) {
    bool cased = false;
    for (char32_t c : decode(s)) {
        if (isLowerChar(c) || isTitleChar(c)) {
            return false;
        }
        cased = cased || isUpperChar(c);
    }
    return cased;
}

bool isLower(std::string_view s) {
    bool cased = false;
    for (char32_t c : decode(s)) {
        if (isUpperChar(c) || isTitleChar(c)) {
            return false;
        }
        cased = cased || isLowerChar(c);
    }
    return cased;
}

std::string repr(std::string_view s) {
    const std::u32string u = decode(s);
    const bool hasSingle = u.find(U'\'') != std::u32string::npos;
    const bool hasDouble = u.find(U'"') != std::u32string::npos;
    const char32_t quote = (hasSingle && !hasDouble) ? U'"' : U'\'';
    std::string out(1, static_cast<char>(quote));
    char buf[16];
    for (char32_t c : u) {
        if (c == quote || c == U'\\') {
            out.push_back('\\');
            out.push_back(static_cast<char>(c));
        } else if (c == U'\t') {
            out += "\\t";
        } else if (c == U'\n') {
            out += "\\n";
        } else if (c == U'\r') {
            out += "\\r";
        } else if (c < 0x20 || c == 0x7F) {
            std::snprintf(buf, sizeof buf, "\\x%02x", static_cast<unsigned>(c));
            out += buf;
        } else if (c < 0x7F || isPrintableChar(c)) {
            utf8::append(out, c);
        } else if (c <= 0xFF) {
            std::snprintf(buf, sizeof buf, "\\x%02x", static_cast<unsigned>(c));
            out += buf;
        } else if (c <= 0xFFFF) {
            std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned>(c));
            out += buf;
        } else {
            std::snprintf(buf, sizeof buf, "\\U%08x", static_cast<unsigned>(c));
            out += buf;
        }
    }
    out.push_back(static_cast<char>(quote));
    return out;
}

std::string floatRepr(double d) {
    if (std::isnan(d)) {
        return "nan";
    }
    if (std::isinf(d)) {
        return d < 0 ? "-inf" : "inf";
    }
    char buf[64];
    // Shortest round-trip digits, read back as sign, digits and a decimal exponent.
    const auto res = std::to_chars(buf, buf + sizeof buf, d, std::chars_format::scientific);
    const std::string sci(buf, res.ptr);
    const size_t ePos = sci.find('e');
    std::string mant = sci.substr(0, ePos);
    const int exp = std::stoi(sci.substr(ePos + 1));
    std::string sign;
    if (!mant.empty() && mant[0] == '-') {
        sign = "-";
        mant.erase(0, 1);
    }
    std::string digits;
    for (char c : mant) {
        if (c != '.') {
            digits.push_back(c);
        }
    }
    if (exp >= -4 && exp < 16) {
        std::string out = sign;
        if (exp >= 0) {
            if (static_cast<int>(digits.size()) <= exp + 1) {
                out += digits +
                       std::string(static_cast<size_t>(exp + 1 - static_cast<int>(digits.size())),
                                   '0') +
                       ".0";
            } else {
                out += digits.substr(0, static_cast<size_t>(exp + 1)) + "." +
                       digits.substr(static_cast<size_t>(exp + 1));
            }
        } else {
            out += "0." + std::string(static_cast<size_t>(-exp - 1), '0') + digits;
        }
        return out;
    }
    std::string out = sign + digits.substr(0, 1);
    if (digits.size() > 1) {
        out += "." + digits.substr(1);
    }
    char e[16];
    std::snprintf(e, sizeof e, "e%c%02d", exp < 0 ? '-' : '+', exp < 0 ? -exp : exp);
    return out + e;
}

SliceBounds adjustSlice(int64_t n, std::optional<int64_t> start, std::optional<int64_t> stop,
                        std::optional<int64_t> step) {
    const int64_t st = step.value_or(1);
    if (st == 0) {
        throw std::invalid_argument("slice step cannot be zero");
    }
    auto adjust = [&](std::optional<int64_t> v, int64_t dflt) -> int64_t {
        if (!v) {
            return dflt;
        }
        int64_t x = *v;
        if (x < 0) {
            x += n;
            if (x < 0) {
                x = st < 0 ? -1 : 0;
            }
        } else if (x >= n) {
            x = st < 0 ? n - 1 : n;
        }
        return x;
    };
    const int64_t b = adjust(start, st < 0 ? n - 1 : 0);
    const int64_t e = adjust(stop, st < 0 ? -1 : n);
    return {b, e, st};
}

std::vector<int64_t> sliceIndices(int64_t n, std::optional<int64_t> start,
                                  std::optional<int64_t> stop, std::optional<int64_t> step) {
    const SliceBounds s = adjustSlice(n, start, stop, step);
    std::vector<int64_t> out;
    if (s.step > 0) {
        for (int64_t i = s.start; i < s.stop; i += s.step) {
            out.push_back(i);
        }
    } else {
        for (int64_t i = s.start; i > s.stop; i += s.step) {
            out.push_back(i);
        }
    }
    return out;
}

std::string slice(std::string_view s, std::optional<int64_t> start, std::optional<int64_t> stop,
                  std::optional<int64_t> step) {
    const std::u32string u = decode(s);
    std::u32string out;
    for (int64_t i : sliceIndices(static_cast<int64_t>(u.size()), start, stop, step)) {
        out.push_back(u[static_cast<size_t>(i)]);
    }
    return encode(out);
}

std::string center(std::string_view s, int64_t width, char32_t fill) {
    const std::u32string u = decode(s);
    const int64_t n = static_cast<int64_t>(u.size());
    if (width <= n) {
        return std::string(s);
    }
    const int64_t marg = width - n;
    const int64_t left = marg / 2 + (marg & width & 1); // CPython's pad rule
    return encode(pad(u, left, marg - left, fill));
}

std::string ljust(std::string_view s, int64_t width, char32_t fill) {
    const std::u32string u = decode(s);
    const int64_t n = static_cast<int64_t>(u.size());
    return width <= n ? std::string(s) : encode(pad(u, 0, width - n, fill));
}

std::string rjust(std::string_view s, int64_t width, char32_t fill) {
    const std::u32string u = decode(s);
    const int64_t n = static_cast<int64_t>(u.size());
    return width <= n ? std::string(s) : encode(pad(u, width - n, 0, fill));
}

int64_t find(std::string_view s, std::string_view sub, bool fromRight) {
    const size_t hit = fromRight ? s.rfind(sub) : s.find(sub);
    if (hit == std::string_view::npos) {
        return -1;
    }
    return length(s.substr(0, hit));
}

int64_t count(std::string_view s, std::string_view sub) {
    if (sub.empty()) {
        return length(s) + 1;
    }
    int64_t n = 0;
    for (size_t pos = s.find(sub); pos != std::string_view::npos;
         pos = s.find(sub, pos + sub.size())) {
        ++n;
    }
    return n;
}

std::string replace(std::string_view s, std::string_view oldText, std::string_view newText,
                    int64_t count) {
    if (count < 0) {
        count = INT64_MAX;
    }
    std::string out;
    if (oldText.empty()) {
        // Python inserts the replacement before every code point and at the end.
        const std::u32string u = decode(s);
        for (char32_t c : u) {
            if (count > 0) {
                out.append(newText);
                --count;
            }
            utf8::append(out, c);
        }
        if (count > 0) {
            out.append(newText);
        }
        return out;
    }
    size_t pos = 0;
    while (count > 0) {
        const size_t hit = s.find(oldText, pos);
        if (hit == std::string_view::npos) {
            break;
        }
        out.append(s.substr(pos, hit - pos));
        out.append(newText);
        pos = hit + oldText.size();
        --count;
    }
    out.append(s.substr(pos));
    return out;
}

} // namespace cl::jinja::py
