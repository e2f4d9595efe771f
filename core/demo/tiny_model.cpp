#include "core/demo/tiny_model.h"

#include "core/engine/initial_weights.h"
#include "core/engine/safetensors_file.h"
#include "core/engine/safetensors_writer.h"
#include "core/engine/weight_names.h"

#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <map>
#include <stdexcept>

namespace cl::demo {

namespace {

void writeText(const std::string& path, const std::string& text) {
    std::ofstream out(path, std::ios::binary);
    out << text;
    if (!out) {
        throw std::runtime_error("cannot write " + path);
    }
}

/// Position of a GPT-NeoX weight in CausalLm::parameters(): embed, final norm W/B, head, then
/// per layer norm1 W/B, norm2 W/B, qkv W/B, dense W/B, h_to_4h W/B, 4h_to_h W/B.
int64_t parameterIndex(const WeightSpec& s) {
    static const std::map<Slot, int> model = {
        {Slot::Embed, 0}, {Slot::FinalNormW, 1}, {Slot::FinalNormB, 2}, {Slot::Head, 3}};
    static const std::map<Slot, int> layer = {
        {Slot::Norm1W, 0}, {Slot::Norm1B, 1}, {Slot::Norm2W, 2}, {Slot::Norm2B, 3},
        {Slot::QkvW, 4},   {Slot::QkvB, 5},   {Slot::OW, 6},     {Slot::OB, 7},
        {Slot::UpW, 8},    {Slot::UpB, 9},    {Slot::DownW, 10}, {Slot::DownB, 11}};
    if (s.layer < 0) {
        return model.at(s.slot);
    }
    return 4 + 12 * s.layer + layer.at(s.slot);
}

} // namespace

std::string neoxConfigJson(int64_t vocabSize, const ModelShape& shape) {
    const nlohmann::ordered_json j = {{"architectures", {"GPTNeoXForCausalLM"}},
                                      {"model_type", "gpt_neox"},
                                      {"vocab_size", vocabSize},
                                      {"hidden_size", shape.hidden},
                                      {"num_hidden_layers", shape.layers},
                                      {"num_attention_heads", shape.heads},
                                      {"intermediate_size", shape.intermediate},
                                      {"rotary_pct", 0.25},
                                      {"rotary_emb_base", 10000},
                                      {"max_position_embeddings", shape.maxPositions},
                                      {"layer_norm_eps", 1e-5},
                                      {"use_parallel_residual", true},
                                      {"hidden_act", "gelu"},
                                      {"tie_word_embeddings", false},
                                      {"bos_token_id", 1},
                                      {"eos_token_id", 2},
                                      {"torch_dtype", "float32"}};
    return j.dump(2) + "\n";
}

void writeInitialModel(const std::string& folder, const std::string& configJson, uint64_t seed) {
    Status st = cl::writeInitialModel(folder, configJson, seed);
    if (!st) {
        throw std::runtime_error(st.error());
    }
}

std::unique_ptr<CausalLm> loadTrainable(const std::string& folder) {
    auto config = ModelConfig::fromFile(folder + "/config.json");
    if (!config) {
        throw std::runtime_error(config.error());
    }
    auto ckpt = Checkpoint::open(folder);
    if (!ckpt) {
        throw std::runtime_error(ckpt.error());
    }
    auto shared = std::make_shared<const Checkpoint>(std::move(ckpt).value());
    std::unique_ptr<CausalLm> lm =
        CausalLm::load(config.value(), shared, at::kFloat, at::kCPU, ProgressFn{});
    lm->detachFromCheckpoint();
    for (at::Tensor& p : lm->parameters()) {
        p.requires_grad_(true);
    }
    return lm;
}

void saveModel(const CausalLm& lm, const std::string& folder, const std::string& configJson) {
    std::filesystem::create_directories(folder);
    const ModelConfig& config = lm.config();
    if (config.arch != Architecture::GptNeoX) {
        throw std::runtime_error("the demo saves GPT-NeoX models only");
    }
    const std::vector<at::Tensor> params = lm.parameters();
    const std::vector<WeightSpec> specs = weightSpecs(config);
    if (params.size() != specs.size()) {
        throw std::runtime_error("model has " + std::to_string(params.size()) +
                                 " weights but the GPT-NeoX layout lists " +
                                 std::to_string(specs.size()));
    }
    std::vector<at::Tensor> keep;
    std::vector<TensorToWrite> tensors;
    const std::string prefix = basePrefix(config);
    for (const WeightSpec& s : specs) {
        at::Tensor t = params.at(parameterIndex(s)).detach().to(at::kFloat).contiguous();
        if (t.sizes().vec() != s.shape) {
            throw std::runtime_error("weight " + s.name + " has an unexpected shape");
        }
        keep.push_back(t);
        const bool outside = s.name[0] == '@';
        tensors.push_back({outside ? s.name.substr(1) : prefix + s.name, "F32", s.shape,
                           t.data_ptr<float>()});
    }
    Status st = writeSafetensors(folder + "/model.safetensors", tensors);
    if (!st) {
        throw std::runtime_error(st.error());
    }
    writeText(folder + "/config.json", configJson);
}

} // namespace cl::demo
