#pragma once
// Small UTF-8 helpers shared by the tokenizers: validation with a position, code point
// iteration, encoding, and Rust-style lossy decoding (what HF's decoders do).

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace cl::utf8 {

/// Byte offset of the first ill-formed sequence in text, or npos when text is valid UTF-8
/// (RFC 3629: no overlongs, no surrogates, nothing above U+10FFFF).
size_t firstInvalid(std::string_view text);

/// Length in bytes of the well-formed sequence that starts at text[pos], or 0 when there is none.
size_t sequenceLength(std::string_view text, size_t pos);

/// Decodes the code point at text[pos] (text must be valid there); sets len to its byte count.
char32_t decodeAt(std::string_view text, size_t pos, size_t& len);

/// Appends the UTF-8 encoding of cp to out.
void append(std::string& out, char32_t cp);

/// Decodes bytes as UTF-8, replacing each maximal ill-formed subpart with U+FFFD (the rule of
/// Rust's String::from_utf8_lossy, used by HF's ByteLevel decoder).
std::string lossy(std::string_view bytes);

/// Number of UTF-16 code units of valid UTF-8 text.
int64_t utf16Length(std::string_view text);

} // namespace cl::utf8
