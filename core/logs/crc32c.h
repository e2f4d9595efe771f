#pragma once
// CRC-32C (Castagnoli), as TFRecord framing uses it, and TFRecord's masking of it.

#include <cstddef>
#include <cstdint>

namespace cl::logs {

/// CRC-32C of n bytes (reflected polynomial 0x82F63B78, initial and final XOR 0xFFFFFFFF).
/// crc32c("123456789") == 0xE3069283.
uint32_t crc32c(const void* data, std::size_t n);

/// TFRecord's masked CRC: ((crc >> 15) | (crc << 17)) + 0xa282ead8
/// (tensorflow/core/lib/hash/crc32c.h).
inline uint32_t maskCrc(uint32_t crc) {
    return ((crc >> 15) | (crc << 17)) + 0xa282ead8u;
}

} // namespace cl::logs
