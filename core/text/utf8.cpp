// UTF-8 per RFC 3629 and the Unicode "maximal subpart" replacement rule (Unicode 15, §3.9,
// U+FFFD substitution of maximal subparts), which is also what Rust's from_utf8_lossy does.

#include "core/text/utf8.h"

namespace cl::utf8 {

namespace {

/// The valid range of the second byte after lead byte b (Unicode Table 3-7), or {0,0}.
struct Range {
    unsigned char lo, hi;
};

Range secondByteRange(unsigned char b) {
    if (b >= 0xC2 && b <= 0xDF) {
        return {0x80, 0xBF};
    }
    if (b == 0xE0) {
        return {0xA0, 0xBF};
    }
    if ((b >= 0xE1 && b <= 0xEC) || b == 0xEE || b == 0xEF) {
        return {0x80, 0xBF};
    }
    if (b == 0xED) {
        return {0x80, 0x9F};
    }
    if (b == 0xF0) {
        return {0x90, 0xBF};
    }
    if (b >= 0xF1 && b <= 0xF3) {
        return {0x80, 0xBF};
    }
    if (b == 0xF4) {
        return {0x80, 0x8F};
    }
    return {0, 0};
}

size_t expectedLength(unsigned char b) {
    if (b < 0x80) {
        return 1;
    }
    if (b >= 0xC2 && b <= 0xDF) {
        return 2;
    }
    if (b >= 0xE0 && b <= 0xEF) {
        return 3;
    }
    if (b >= 0xF0 && b <= 0xF4) {
        return 4;
    }
    return 0;
}

/// Number of bytes from pos that form a valid prefix of a sequence (>= 1 for a lead byte that
/// starts a well-formed or truncated sequence); sets complete when the whole sequence is there.
size_t validPrefix(std::string_view text, size_t pos, bool& complete) {
    const auto b = static_cast<unsigned char>(text[pos]);
    const size_t need = expectedLength(b);
    complete = false;
    if (need == 0) {
        return 0;
    }
    if (need == 1) {
        complete = true;
        return 1;
    }
    size_t got = 1;
    const Range second = secondByteRange(b);
    while (got < need && pos + got < text.size()) {
        const auto c = static_cast<unsigned char>(text[pos + got]);
        const bool ok = got == 1 ? (c >= second.lo && c <= second.hi) : (c >= 0x80 && c <= 0xBF);
        if (!ok) {
            return got;
        }
        ++got;
    }
    complete = got == need;
    return got;
}

} // namespace

size_t sequenceLength(std::string_view text, size_t pos) {
    bool complete = false;
    const size_t n = validPrefix(text, pos, complete);
    return complete ? n : 0;
}

size_t firstInvalid(std::string_view text) {
    size_t pos = 0;
    while (pos < text.size()) {
        if (static_cast<unsigned char>(text[pos]) < 0x80) {
            ++pos;
            continue;
        }
        const size_t n = sequenceLength(text, pos);
        if (n == 0) {
            return pos;
        }
        pos += n;
    }
    return std::string_view::npos;
}

char32_t decodeAt(std::string_view text, size_t pos, size_t& len) {
    const auto b = static_cast<unsigned char>(text[pos]);
    if (b < 0x80) {
        len = 1;
        return b;
    }
    len = expectedLength(b);
    char32_t cp = b & (0x7F >> len);
    for (size_t i = 1; i < len && pos + i < text.size(); ++i) {
        cp = (cp << 6) | (static_cast<unsigned char>(text[pos + i]) & 0x3F);
    }
    return cp;
}

void append(std::string& out, char32_t cp) {
    if (cp < 0x80) {
        out.push_back(static_cast<char>(cp));
    } else if (cp < 0x800) {
        out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else if (cp < 0x10000) {
        out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else {
        out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    }
}

std::string lossy(std::string_view bytes) {
    std::string out;
    out.reserve(bytes.size());
    size_t pos = 0;
    while (pos < bytes.size()) {
        bool complete = false;
        const size_t n = validPrefix(bytes, pos, complete);
        if (complete) {
            out.append(bytes.substr(pos, n));
            pos += n;
        } else {
            out.append("\xEF\xBF\xBD");
            pos += n == 0 ? 1 : n; // a maximal subpart is replaced by one U+FFFD
        }
    }
    return out;
}

int64_t utf16Length(std::string_view text) {
    int64_t units = 0;
    for (const char c : text) {
        const auto b = static_cast<unsigned char>(c);
        if ((b & 0xC0) != 0x80) {
            units += b >= 0xF0 ? 2 : 1;
        }
    }
    return units;
}

} // namespace cl::utf8
