#pragma once
// An architecture unit: what one model family needs beyond the shared decoder pieces. Each unit
// lives in core/engine/arch/<family>.cpp and is listed once in arch/registry.cpp; the table maps
// "architectures"[0] or model_type to it (docs/ARCHITECTURES.md: how to add one). Torch-free.

#include "core/engine/arch/config_reader.h"
#include "core/engine/model_config.h"
#include "core/engine/weight_names.h"

#include <string>
#include <vector>

namespace cl {

struct ArchitectureUnit {
    Architecture id;
    std::string modelType; ///< config.json model_type, e.g. "qwen2"
    std::string className; ///< HF class, e.g. "Qwen2ForCausalLM"
    std::string prefix;    ///< base-model prefix of weight names, e.g. "model."
    /// Reads the family's keys into c and describes its block (norm, MLP, attention extras).
    /// vocab, dtype and token ids are read before; shared checks run after.
    void (*readConfig)(const ConfigReader& r, ModelConfig& c);
    /// Appends every tensor the family's model reads, names without the prefix ("@" = outside).
    void (*weights)(const ModelConfig& c, std::vector<WeightSpec>& out);
};

/// The unit for a class name or model_type, or nullptr. Throws a sentence naming the missing
/// feature for families CreditLens knows and does not compute (e.g. Gemma 2's soft-capping).
const ArchitectureUnit* findArchitecture(const std::string& classOrType, const std::string& path);
/// The unit a parsed config came from.
const ArchitectureUnit& architectureUnit(Architecture id);
/// Every supported unit, in the order of supportedArchitectures().
const std::vector<const ArchitectureUnit*>& architectureTable();

// The units (defined in arch/*.cpp).
extern const ArchitectureUnit kGptNeoXUnit;
extern const ArchitectureUnit kGpt2Unit;
extern const ArchitectureUnit kLlamaUnit;
extern const ArchitectureUnit kMistralUnit;
extern const ArchitectureUnit kQwen2Unit;
extern const ArchitectureUnit kGemmaUnit;
extern const ArchitectureUnit kOlmoUnit;
extern const ArchitectureUnit kStableLmUnit;

} // namespace cl
