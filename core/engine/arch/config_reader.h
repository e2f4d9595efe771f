#pragma once
// Typed reads of config.json fields with error sentences that name the file and the key, shared
// by the architecture units (core/engine/arch/). Torch-free.

#include "core/engine/model_config.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <vector>

namespace cl {

/// Reads one JSON object. Each getter takes the accepted spellings, first one preferred; a key
/// present with the value null counts as absent. Errors throw std::runtime_error("<path>: ...").
struct ConfigReader {
    const nlohmann::json& j;
    const std::string& path;

    [[noreturn]] void fail(const std::string& what) const;
    /// The first present, non-null key among `keys`, or nullptr.
    const nlohmann::json* find(std::initializer_list<const char*> keys) const;
    int64_t integer(std::initializer_list<const char*> keys, std::optional<int64_t> def) const;
    /// An integer in [1, 2^30].
    int positive(std::initializer_list<const char*> keys, std::optional<int64_t> def) const;
    double number(std::initializer_list<const char*> keys, double def) const;
    bool boolean(std::initializer_list<const char*> keys, bool def) const;
    std::string string(std::initializer_list<const char*> keys, const std::string& def) const;
    /// A token id, or the ids of a list (eos_token_id may be [e1, e2]); non-integers are skipped.
    std::vector<int32_t> tokenIds(const char* key) const;
};

/// Sizes every decoder spells the HF way (hidden_size, num_hidden_layers, num_attention_heads,
/// num_key_value_heads, intermediate_size, max_position_embeddings, head_dim).
void readDecoderSizes(const ConfigReader& r, ModelConfig& c);

/// Rotary base, rotated fraction of each head and rope_scaling (both the v4 `rope_scaling` and
/// the v5 `rope_parameters` spellings). Needs c.headDim and c.maxPositions. Refuses a scaling
/// type CreditLens does not compute with a sentence naming it.
void readRope(const ConfigReader& r, ModelConfig& c, double defaultRotaryFraction);

/// Refuses a config key whose presence (non-null, non-false) means a feature CreditLens lacks.
void refuseIfSet(const ConfigReader& r, const char* key, const std::string& feature);

} // namespace cl
