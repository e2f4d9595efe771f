#pragma once
// A new HF model folder with GPT-style initial weights, for training from scratch (the demo) and
// for benchmarks on random models. Torch-free.

#include "core/common/result.h"

#include <cstdint>
#include <string>

namespace cl {

/// Writes folder/config.json (configJson) and folder/model.safetensors: N(0, 0.02) matrices
/// (attention and MLP output projections scaled by 1/sqrt(2 layers)), norms 1, biases 0, in
/// dtype "F32" or "BF16" (rounded to nearest even). The same seed gives the same bytes.
Status writeInitialModel(const std::string& folder, const std::string& configJson, uint64_t seed,
                         const std::string& dtype = "F32");

} // namespace cl
