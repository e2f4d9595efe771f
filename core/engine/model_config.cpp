#include "core/engine/model_config.h"

#include <nlohmann/json.hpp>

#include <fstream>
#include <sstream>
#include <stdexcept>

namespace cl {

namespace {

using nlohmann::json;

struct Reader {
    const json& j;
    const std::string& path;

    [[noreturn]] void fail(const std::string& what) const {
        throw std::runtime_error(path + ": " + what);
    }
    const json* find(std::initializer_list<const char*> keys) const {
        for (const char* k : keys) {
            auto it = j.find(k);
            if (it != j.end() && !it->is_null()) {
                return &*it;
            }
        }
        return nullptr;
    }
    int64_t integer(std::initializer_list<const char*> keys, std::optional<int64_t> def) const {
        const json* v = find(keys);
        if (!v) {
            if (!def) {
                fail("missing required key \"" + std::string(*keys.begin()) + "\"");
            }
            return *def;
        }
        if (!v->is_number_integer() && !v->is_number_unsigned()) {
            fail("\"" + std::string(*keys.begin()) + "\" must be an integer");
        }
        return v->get<int64_t>();
    }
    int positive(std::initializer_list<const char*> keys, std::optional<int64_t> def) const {
        const int64_t v = integer(keys, def);
        if (v <= 0 || v > (int64_t(1) << 30)) {
            fail("\"" + std::string(*keys.begin()) + "\" must be a positive integer, got " +
                 std::to_string(v));
        }
        return static_cast<int>(v);
    }
    double number(std::initializer_list<const char*> keys, double def) const {
        const json* v = find(keys);
        if (!v) {
            return def;
        }
        if (!v->is_number()) {
            fail("\"" + std::string(*keys.begin()) + "\" must be a number");
        }
        return v->get<double>();
    }
    bool boolean(std::initializer_list<const char*> keys, bool def) const {
        const json* v = find(keys);
        if (!v) {
            return def;
        }
        if (!v->is_boolean()) {
            fail("\"" + std::string(*keys.begin()) + "\" must be true or false");
        }
        return v->get<bool>();
    }
    std::string string(std::initializer_list<const char*> keys, const std::string& def) const {
        const json* v = find(keys);
        if (!v) {
            return def;
        }
        if (!v->is_string()) {
            fail("\"" + std::string(*keys.begin()) + "\" must be a string");
        }
        return v->get<std::string>();
    }
    std::optional<int32_t> tokenId(const char* key) const {
        const json* v = find({key});
        if (!v) {
            return std::nullopt;
        }
        if (v->is_array() && !v->empty()) { // eos_token_id may be a list; the first one ends
            v = &(*v)[0];
        }
        if (!v->is_number_integer()) {
            return std::nullopt;
        }
        return v->get<int32_t>();
    }
};

Architecture detect(const json& j, const std::string& path, std::string& name, std::string& type) {
    type = j.value("model_type", std::string());
    if (j.contains("architectures") && j["architectures"].is_array() &&
        !j["architectures"].empty() && j["architectures"][0].is_string()) {
        name = j["architectures"][0].get<std::string>();
    }
    const std::string key = name.empty() ? type : name;
    if (key == "GPTNeoXForCausalLM" || key == "gpt_neox") {
        return Architecture::GptNeoX;
    }
    // Mistral and Qwen2 share Llama's layout (Qwen2 adds q/k/v biases).
    if (key == "LlamaForCausalLM" || key == "MistralForCausalLM" ||
        key == "Qwen2ForCausalLM" || key == "llama" || key == "mistral" || key == "qwen2") {
        return Architecture::Llama;
    }
    if (key == "GPT2LMHeadModel" || key == "gpt2") {
        return Architecture::Gpt2;
    }
    throw std::runtime_error(path + ": unsupported architecture \"" +
                             (key.empty() ? std::string("(none given)") : key) +
                             "\"; supported: " + supportedArchitectures());
}

void readRope(const Reader& r, const json& j, ModelConfig& c, double defaultPct) {
    double pct = defaultPct;
    c.ropeTheta = r.number({"rotary_emb_base"}, 10000.0);
    pct = r.number({"rotary_pct"}, pct);
    c.ropeTheta = r.number({"rope_theta"}, c.ropeTheta);
    pct = r.number({"partial_rotary_factor"}, pct);
    const json* scaling = r.find({"rope_scaling"});
    const json* params = r.find({"rope_parameters"});
    if (params && params->is_object()) { // transformers v5 spelling wins
        Reader p{*params, r.path};
        c.ropeTheta = p.number({"rope_theta"}, c.ropeTheta);
        pct = p.number({"partial_rotary_factor"}, pct);
        const std::string type = p.string({"rope_type", "type"}, "default");
        if (type != "default") {
            scaling = params;
        }
    }
    if (scaling && scaling->is_object()) {
        Reader s{*scaling, r.path};
        c.ropeScalingType = s.string({"rope_type", "type"}, "");
        if (c.ropeScalingType == "default") {
            c.ropeScalingType.clear();
        }
        c.ropeScalingFactor = s.number({"factor"}, 1.0);
        c.ropeLowFreqFactor = s.number({"low_freq_factor"}, 1.0);
        c.ropeHighFreqFactor = s.number({"high_freq_factor"}, 4.0);
        c.ropeOriginalMaxPositions =
            s.integer({"original_max_position_embeddings"}, c.maxPositions);
        if (!c.ropeScalingType.empty() && c.ropeScalingType != "linear" &&
            c.ropeScalingType != "dynamic" && c.ropeScalingType != "llama3") {
            r.fail("rope scaling type \"" + c.ropeScalingType +
                   "\" is not supported (linear, dynamic, llama3 are)");
        }
    }
    if (pct <= 0.0 || pct > 1.0) {
        r.fail("rotary_pct must be in (0, 1]");
    }
    c.rotaryDims = static_cast<int>(c.headDim * pct);
    if (c.rotaryDims % 2 != 0) {
        r.fail("rotary dimensions per head (" + std::to_string(c.rotaryDims) + ") must be even");
    }
}

ModelConfig parse(const json& j, const std::string& path) {
    if (!j.is_object()) {
        throw std::runtime_error(path + ": expected a JSON object");
    }
    ModelConfig c;
    c.arch = detect(j, path, c.architectureName, c.modelType);
    Reader r{j, path};
    c.torchDtype = r.string({"torch_dtype", "dtype"}, "");
    c.bosId = r.tokenId("bos_token_id");
    c.eosId = r.tokenId("eos_token_id");
    c.padId = r.tokenId("pad_token_id");
    c.vocabSize = r.positive({"vocab_size"}, std::nullopt);
    switch (c.arch) {
    case Architecture::GptNeoX:
        if (c.architectureName.empty()) {
            c.architectureName = "GPTNeoXForCausalLM";
        }
        c.hidden = r.positive({"hidden_size"}, std::nullopt);
        c.layers = r.positive({"num_hidden_layers"}, std::nullopt);
        c.heads = r.positive({"num_attention_heads"}, std::nullopt);
        c.kvHeads = c.heads;
        c.intermediate = r.positive({"intermediate_size"}, int64_t(4) * c.hidden);
        c.maxPositions = r.positive({"max_position_embeddings"}, 2048);
        c.activation = r.string({"hidden_act"}, "gelu");
        c.normEps = r.number({"layer_norm_eps"}, 1e-5);
        c.parallelResidual = r.boolean({"use_parallel_residual"}, true);
        c.tieEmbeddings = r.boolean({"tie_word_embeddings"}, false);
        c.attentionBias = c.attentionOutBias = r.boolean({"attention_bias"}, true);
        c.mlpBias = true;
        break;
    case Architecture::Llama:
        if (c.architectureName.empty()) {
            c.architectureName = "LlamaForCausalLM";
        }
        c.hidden = r.positive({"hidden_size"}, std::nullopt);
        c.layers = r.positive({"num_hidden_layers"}, std::nullopt);
        c.heads = r.positive({"num_attention_heads"}, std::nullopt);
        c.kvHeads = r.positive({"num_key_value_heads"}, c.heads);
        c.intermediate = r.positive({"intermediate_size"}, std::nullopt);
        c.maxPositions = r.positive({"max_position_embeddings"}, 2048);
        c.activation = r.string({"hidden_act"}, "silu");
        c.normEps = r.number({"rms_norm_eps"}, 1e-6);
        c.tieEmbeddings = r.boolean({"tie_word_embeddings"}, false);
        c.attentionBias = r.boolean({"attention_bias"}, c.modelType == "qwen2");
        c.attentionOutBias = c.modelType == "qwen2" ? false : c.attentionBias;
        c.mlpBias = r.boolean({"mlp_bias"}, false);
        c.parallelResidual = false;
        break;
    case Architecture::Gpt2:
        if (c.architectureName.empty()) {
            c.architectureName = "GPT2LMHeadModel";
        }
        c.hidden = r.positive({"n_embd", "hidden_size"}, std::nullopt);
        c.layers = r.positive({"n_layer", "num_hidden_layers"}, std::nullopt);
        c.heads = r.positive({"n_head", "num_attention_heads"}, std::nullopt);
        c.kvHeads = c.heads;
        c.intermediate = r.positive({"n_inner"}, int64_t(4) * c.hidden);
        c.maxPositions = r.positive({"n_positions", "max_position_embeddings"}, 1024);
        c.activation = r.string({"activation_function"}, "gelu_new");
        c.normEps = r.number({"layer_norm_epsilon"}, 1e-5);
        c.tieEmbeddings = r.boolean({"tie_word_embeddings"}, true);
        c.gpt2ScaleAttn = r.boolean({"scale_attn_weights"}, true);
        c.gpt2ScaleByLayer = r.boolean({"scale_attn_by_inverse_layer_idx"}, false);
        if (r.boolean({"reorder_and_upcast_attn"}, false)) {
            // Same math in fp32; only the upcast order differs in half precision.
        }
        c.parallelResidual = false;
        break;
    }
    if (c.hidden % c.heads != 0 && !(c.arch == Architecture::Llama && r.find({"head_dim"}))) {
        r.fail("hidden size " + std::to_string(c.hidden) + " is not divisible by " +
               std::to_string(c.heads) + " attention heads");
    }
    c.headDim = c.arch == Architecture::Llama ? r.positive({"head_dim"}, c.hidden / c.heads)
                                              : c.hidden / c.heads;
    if (c.heads % c.kvHeads != 0) {
        r.fail(std::to_string(c.heads) + " attention heads are not divisible by " +
               std::to_string(c.kvHeads) + " key/value heads");
    }
    if (c.arch == Architecture::GptNeoX) {
        readRope(r, j, c, 0.25);
    } else if (c.arch == Architecture::Llama) {
        readRope(r, j, c, 1.0);
    }
    static const char* kActs[] = {"gelu",  "gelu_new", "gelu_fast", "gelu_pytorch_tanh",
                                  "silu",  "swish",    "relu",      "gelu_python",
                                  "quick_gelu", "tanh"};
    bool known = false;
    for (const char* a : kActs) {
        known = known || c.activation == a;
    }
    if (!known) {
        r.fail("activation \"" + c.activation + "\" is not supported");
    }
    if (c.normEps <= 0) {
        r.fail("normalisation epsilon must be positive");
    }
    return c;
}

} // namespace

std::string supportedArchitectures() {
    return "GPTNeoXForCausalLM (gpt_neox), LlamaForCausalLM (llama; also mistral, qwen2), "
           "GPT2LMHeadModel (gpt2)";
}

Result<ModelConfig> ModelConfig::fromJson(const std::string& text, const std::string& path) {
    return catchAll([&]() -> Result<ModelConfig> {
        json j = json::parse(text, nullptr, false);
        if (j.is_discarded()) {
            return Error{path + ": not valid JSON"};
        }
        return parse(j, path);
    });
}

Result<ModelConfig> ModelConfig::fromFile(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        return Error{path + ": cannot open (a HF model folder needs config.json)"};
    }
    std::ostringstream ss;
    ss << in.rdbuf();
    return fromJson(ss.str(), path);
}

} // namespace cl
