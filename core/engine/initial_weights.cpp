#include "core/engine/initial_weights.h"

#include "core/engine/bf16.h"

#include "core/engine/model_config.h"
#include "core/engine/safetensors_writer.h"
#include "core/engine/weight_names.h"

#include <cmath>
#include <filesystem>
#include <fstream>
#include <random>
#include <vector>

namespace cl {

Status writeInitialModel(const std::string& folder, const std::string& configJson, uint64_t seed,
                         const std::string& dtype) {
    if (dtype != "F32" && dtype != "BF16") {
        return Error{"initial weights: dtype " + dtype + " is not F32 or BF16"};
    }
    std::error_code ec;
    std::filesystem::create_directories(folder, ec);
    const std::string configPath = folder + "/config.json";
    std::ofstream out(configPath, std::ios::binary | std::ios::trunc);
    if (!out || !(out << configJson) || !out.flush()) {
        return Error{"cannot write " + configPath};
    }
    auto config = ModelConfig::fromJson(configJson, configPath);
    if (!config) {
        return Error{config.error()};
    }
    std::mt19937_64 rng(seed);
    std::normal_distribution<float> normal(0.0f, 0.02f);
    const float residualScale = 1.0f / std::sqrt(2.0f * config->layers);
    std::vector<std::vector<float>> buffers;
    std::vector<std::vector<uint16_t>> halfBuffers; // BF16: the float buffer is dropped per tensor
    std::vector<TensorToWrite> tensors;
    const std::string prefix = basePrefix(config.value());
    for (const WeightSpec& s : weightSpecs(config.value())) {
        int64_t n = 1;
        for (int64_t d : s.shape) {
            n *= d;
        }
        std::vector<float> data(n);
        const bool isBias = s.shape.size() == 1 && s.name.size() > 5 &&
                            s.name.substr(s.name.size() - 5) == ".bias";
        const bool isNorm = s.shape.size() == 1 && !isBias;
        const float scale = (s.slot == Slot::OW || s.slot == Slot::DownW) ? residualScale : 1.0f;
        for (float& v : data) {
            v = isBias ? 0.0f : isNorm ? 1.0f : normal(rng) * scale;
        }
        const bool outside = s.name[0] == '@';
        const std::string name = outside ? s.name.substr(1) : prefix + s.name;
        if (dtype == "BF16") {
            std::vector<uint16_t> half(data.size());
            for (size_t i = 0; i < data.size(); ++i) {
                half[i] = floatToBf16(data[i]);
            }
            halfBuffers.push_back(std::move(half));
            tensors.push_back({name, "BF16", s.shape, halfBuffers.back().data()});
        } else {
            buffers.push_back(std::move(data));
            tensors.push_back({name, "F32", s.shape, buffers.back().data()});
        }
    }
    return writeSafetensors(folder + "/model.safetensors", tensors);
}

} // namespace cl
