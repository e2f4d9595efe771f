#pragma once
// GPT-2's bytes_to_unicode table (REFERENCE.md §6.2): every byte gets a printable character so
// that byte-level BPE vocabularies are plain strings.

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace cl::byte_level {

/// The UTF-8 encoding of the character byte b maps to ("Ġ" for 0x20, "Ċ" for 0x0A, "a" for 'a').
const std::array<std::string, 256>& byteToChar();

/// The byte that character cp stands for, or nullopt when cp is not in the table.
std::optional<uint8_t> charToByte(char32_t cp);

/// Maps every byte of bytes through the table.
std::string encode(std::string_view bytes);

/// Inverse of encode for one token: its bytes when every character is in the table, else
/// nullopt (HF's ByteLevel decoder then keeps the token's own UTF-8 bytes).
std::optional<std::string> decodeToken(std::string_view token);

} // namespace cl::byte_level
