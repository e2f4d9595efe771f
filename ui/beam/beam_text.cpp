#include "ui/beam/beam_text.h"

#include <algorithm>
#include <vector>

namespace cl {

namespace {

void appendUtf8(std::string& out, char32_t cp) {
    if (cp < 0x80) {
        out += static_cast<char>(cp);
    } else if (cp < 0x800) {
        out += static_cast<char>(0xC0 | (cp >> 6));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        out += static_cast<char>(0xE0 | (cp >> 12));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
        out += static_cast<char>(0xF0 | (cp >> 18));
        out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    }
}

/// Decodes one well-formed UTF-8 sequence at text[i]; returns its length, 0 when ill-formed.
size_t decodeAt(const std::string& text, size_t i, char32_t& cp) {
    const auto byte = [&](size_t k) { return static_cast<unsigned char>(text[k]); };
    const unsigned char lead = byte(i);
    size_t len = 0;
    if (lead < 0x80) {
        cp = lead;
        return 1;
    } else if (lead >= 0xC2 && lead <= 0xDF) {
        len = 2;
        cp = lead & 0x1F;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
        len = 3;
        cp = lead & 0x0F;
    } else if (lead >= 0xF0 && lead <= 0xF4) {
        len = 4;
        cp = lead & 0x07;
    } else {
        return 0;
    }
    if (i + len > text.size()) {
        return 0;
    }
    for (size_t k = 1; k < len; ++k) {
        if ((byte(i + k) & 0xC0) != 0x80) {
            return 0;
        }
        cp = (cp << 6) | (byte(i + k) & 0x3F);
    }
    const char32_t minimum = len == 2 ? 0x80 : len == 3 ? 0x800 : 0x10000;
    if (cp < minimum || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
        return 0;
    }
    return len;
}

char32_t shown(char32_t cp) {
    if (cp == U'\n' || cp == U'\t') {
        return cp;
    }
    if (cp < 0x20) {
        return 0x2400 + cp; // Control Pictures: U+241B is ESC
    }
    if (cp == 0x7F) {
        return 0x2421;
    }
    if (cp >= 0x80 && cp <= 0x9F) {
        return 0xFFFD;
    }
    if (cp == 0xA0) {
        return U' ';
    }
    if (cp == 0x2028 || cp == 0x2029) {
        return U'\n';
    }
    return cp;
}

} // namespace

DisplayText displayText(const std::string& text, const ResponseScore& score) {
    DisplayText out;
    out.text.reserve(text.size());
    // For every input byte: where its character's replacement starts and ends in the output.
    std::vector<int64_t> startOf(text.size() + 1, 0);
    std::vector<int64_t> endOf(text.size() + 1, 0);
    size_t i = 0;
    while (i < text.size()) {
        char32_t cp = 0;
        size_t len = decodeAt(text, i, cp);
        if (len == 0) {
            len = 1;
            cp = 0xFFFD;
        }
        const auto begin = static_cast<int64_t>(out.text.size());
        appendUtf8(out.text, shown(cp));
        for (size_t k = 0; k < len; ++k) {
            startOf[i + k] = begin;
            endOf[i + k] = static_cast<int64_t>(out.text.size());
        }
        i += len;
    }
    startOf[text.size()] = endOf[text.size()] = static_cast<int64_t>(out.text.size());

    out.score = score;
    const auto n = static_cast<int64_t>(text.size());
    for (TokenScore& t : out.score.tokens) {
        const int64_t s = std::clamp<int64_t>(t.start, 0, n);
        const int64_t e = std::clamp<int64_t>(t.end, s, n);
        t.start = startOf[static_cast<size_t>(s)];
        // An end on a character boundary maps to that boundary; inside one, past its replacement.
        const bool boundary =
            e == n || e == 0 ||
            startOf[static_cast<size_t>(e)] != startOf[static_cast<size_t>(e - 1)];
        t.end = boundary ? startOf[static_cast<size_t>(e)] : endOf[static_cast<size_t>(e)];
        t.end = std::max(t.end, t.start);
    }
    return out;
}

} // namespace cl
