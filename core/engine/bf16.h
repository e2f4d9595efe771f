#pragma once
// float -> bfloat16 bits with round-to-nearest-even, as torch's .to(bfloat16) does for finite
// values (bf16 is the top half of a float). Torch-free.

#include <cstdint>
#include <cstring>

namespace cl {

inline uint16_t floatToBf16(float f) {
    uint32_t bits = 0;
    std::memcpy(&bits, &f, 4);
    bits += 0x7FFF + ((bits >> 16) & 1);
    return static_cast<uint16_t>(bits >> 16);
}

} // namespace cl
