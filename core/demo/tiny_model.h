#pragma once
// Small GPT-NeoX models for the demo: config.json, random initial weights, loading for training
// and saving as an HF folder the engine (and transformers) can open. Internal LibTorch header.

#include "core/engine/causal_lm.h"

#include <cstdint>
#include <memory>
#include <string>

namespace cl::demo {

/// Shape of the demo model (GPT-NeoX as Pythia; about 1M parameters by default).
struct ModelShape {
    int hidden = 128;
    int layers = 4;
    int heads = 4;
    int intermediate = 512;
    int maxPositions = 256;
};

/// config.json text for a GPTNeoXForCausalLM with the sentencepiece ids bos 1, eos 2.
std::string neoxConfigJson(int64_t vocabSize, const ModelShape& shape);

/// Writes folder/config.json and folder/model.safetensors with GPT-style initial weights:
/// N(0, 0.02) matrices (output projections scaled by 1/sqrt(2 layers)), norms 1, biases 0.
void writeInitialModel(const std::string& folder, const std::string& configJson, uint64_t seed);

/// Loads folder as float32 on the CPU with private, writable weights that require gradients.
std::unique_ptr<CausalLm> loadTrainable(const std::string& folder);

/// Writes lm's weights to folder/model.safetensors (F32, HF names) and configJson to
/// folder/config.json. Throws std::runtime_error on failure.
void saveModel(const CausalLm& lm, const std::string& folder, const std::string& configJson);

} // namespace cl::demo
