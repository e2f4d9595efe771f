#pragma once
// Writes a .safetensors file (F32/F16/BF16 raw little-endian buffers) in the layout of the
// reference writer: header padded to 8 bytes, tensors in name order, contiguous. Torch-free.

#include "core/common/result.h"

#include <cstdint>
#include <string>
#include <vector>

namespace cl {

struct TensorToWrite {
    std::string name;
    std::string dtype;            ///< "F32", "F16" or "BF16"
    std::vector<int64_t> shape;
    const void* data = nullptr;   ///< numel * dtype size bytes
};

/// Writes all tensors to path (replacing it). metadata becomes "__metadata__".
Status writeSafetensors(const std::string& path, const std::vector<TensorToWrite>& tensors,
                        const std::vector<std::pair<std::string, std::string>>& metadata = {
                            {"format", "pt"}});

} // namespace cl
