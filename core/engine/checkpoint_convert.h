#pragma once
// Converts a model folder's weights (pickle or safetensors) to one model.safetensors beside
// copies of its config and tokenizer files, for users who want a faster next load. Torch-free:
// the bytes are copied as stored (no dtype change), names as the state dict has them.

#include "core/common/result.h"

#include <cstdint>
#include <string>
#include <vector>

namespace cl {

struct ConvertReport {
    std::string inputFormat;          ///< Checkpoint::format() of the input
    std::string output;               ///< the model.safetensors written
    int64_t tensors = 0;
    uint64_t bytes = 0;               ///< tensor bytes written
    std::vector<std::string> copied;  ///< config/tokenizer files copied beside it
};

/// Reads `input` (a model folder, or one weight file: pytorch_model.bin, policy.pt,
/// *.safetensors) and writes `outputDir`/model.safetensors (metadata {"format": "pt"}) plus
/// config.json, generation_config.json and the tokenizer files, taken from the input's folder or,
/// when absent there, from `configDir` (a policy.pt folder holds none). Refuses an output folder
/// equal to the input's, and a missing config.json, each with one sentence.
Result<ConvertReport> convertToSafetensors(const std::string& input, const std::string& outputDir,
                                           const std::string& configDir = {});

} // namespace cl
