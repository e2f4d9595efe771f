// bytes_to_unicode from openai/gpt-2 encoder.py, as in HF tokenizers
// (tokenizers/src/pre_tokenizers/byte_level.rs, bytes_char()).

#include "core/text/byte_level.h"

#include "core/text/utf8.h"

namespace cl::byte_level {

namespace {

struct Tables {
    std::array<std::string, 256> toChar;
    std::array<char32_t, 256> codepoint{};
    Tables() {
        int extra = 0;
        for (int b = 0; b < 256; ++b) {
            const bool printable =
                (b >= 0x21 && b <= 0x7E) || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
            codepoint[b] = printable ? char32_t(b) : char32_t(256 + extra++);
            utf8::append(toChar[b], codepoint[b]);
        }
    }
};

const Tables& tables() {
    static const Tables t;
    return t;
}

} // namespace

const std::array<std::string, 256>& byteToChar() {
    return tables().toChar;
}

std::optional<uint8_t> charToByte(char32_t cp) {
    // Printable bytes map to themselves; the 68 others to U+0100..U+0143 in byte order.
    if ((cp >= 0x21 && cp <= 0x7E) || (cp >= 0xA1 && cp <= 0xAC) || (cp >= 0xAE && cp <= 0xFF)) {
        return uint8_t(cp);
    }
    if (cp >= 0x100 && cp < 0x100 + 68) {
        const auto& t = tables();
        for (int b = 0; b < 256; ++b) {
            if (t.codepoint[b] == cp) {
                return uint8_t(b);
            }
        }
    }
    return std::nullopt;
}

std::string encode(std::string_view bytes) {
    const auto& t = tables().toChar;
    std::string out;
    out.reserve(bytes.size() * 2);
    for (const char c : bytes) {
        out += t[static_cast<unsigned char>(c)];
    }
    return out;
}

std::optional<std::string> decodeToken(std::string_view token) {
    std::string out;
    size_t pos = 0;
    while (pos < token.size()) {
        size_t len = utf8::sequenceLength(token, pos);
        if (len == 0) {
            return std::nullopt;
        }
        const auto b = charToByte(utf8::decodeAt(token, pos, len));
        if (!b) {
            return std::nullopt;
        }
        out.push_back(static_cast<char>(*b));
        pos += len;
    }
    return out;
}

} // namespace cl::byte_level
