#pragma once
// Parsing of the user's device and dtype strings, and turning LibTorch errors into sentences.
// Internal (LibTorch) header.

#include <ATen/ATen.h>

#include <string>

namespace cl {

/// "f32"/"float32", "bf16"/"bfloat16", "f16"/"float16"; throws with the accepted values.
at::ScalarType parseDtype(const std::string& dtype);
std::string dtypeName(at::ScalarType t);

/// "cpu", "cuda", "cuda:N"; throws when CUDA is asked for and this LibTorch has none.
at::Device parseDevice(const std::string& device);

/// A human sentence for a LibTorch error (out-of-memory gets its own advice).
std::string describeTorchError(const std::exception& e);

} // namespace cl
