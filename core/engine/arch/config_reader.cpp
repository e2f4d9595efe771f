#include "core/engine/arch/config_reader.h"

#include <stdexcept>

namespace cl {

using nlohmann::json;

void ConfigReader::fail(const std::string& what) const {
    throw std::runtime_error(path + ": " + what);
}

const json* ConfigReader::find(std::initializer_list<const char*> keys) const {
    for (const char* k : keys) {
        auto it = j.find(k);
        if (it != j.end() && !it->is_null()) {
            return &*it;
        }
    }
    return nullptr;
}

int64_t ConfigReader::integer(std::initializer_list<const char*> keys,
                              std::optional<int64_t> def) const {
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

int ConfigReader::positive(std::initializer_list<const char*> keys,
                           std::optional<int64_t> def) const {
    const int64_t v = integer(keys, def);
    if (v <= 0 || v > (int64_t(1) << 30)) {
        fail("\"" + std::string(*keys.begin()) + "\" must be a positive integer, got " +
             std::to_string(v));
    }
    return static_cast<int>(v);
}

double ConfigReader::number(std::initializer_list<const char*> keys, double def) const {
    const json* v = find(keys);
    if (!v) {
        return def;
    }
    if (!v->is_number()) {
        fail("\"" + std::string(*keys.begin()) + "\" must be a number");
    }
    return v->get<double>();
}

bool ConfigReader::boolean(std::initializer_list<const char*> keys, bool def) const {
    const json* v = find(keys);
    if (!v) {
        return def;
    }
    if (!v->is_boolean()) {
        fail("\"" + std::string(*keys.begin()) + "\" must be true or false");
    }
    return v->get<bool>();
}

std::string ConfigReader::string(std::initializer_list<const char*> keys,
                                 const std::string& def) const {
    const json* v = find(keys);
    if (!v) {
        return def;
    }
    if (!v->is_string()) {
        fail("\"" + std::string(*keys.begin()) + "\" must be a string");
    }
    return v->get<std::string>();
}

std::vector<int32_t> ConfigReader::tokenIds(const char* key) const {
    std::vector<int32_t> out;
    const json* v = find({key});
    if (!v) {
        return out;
    }
    auto add = [&](const json& x) {
        if (x.is_number_integer() || x.is_number_unsigned()) {
            out.push_back(x.get<int32_t>());
        }
    };
    if (v->is_array()) {
        for (const json& x : *v) {
            add(x);
        }
    } else {
        add(*v);
    }
    return out;
}

void readDecoderSizes(const ConfigReader& r, ModelConfig& c) {
    c.hidden = r.positive({"hidden_size"}, std::nullopt);
    c.layers = r.positive({"num_hidden_layers"}, std::nullopt);
    c.heads = r.positive({"num_attention_heads"}, std::nullopt);
    c.kvHeads = r.positive({"num_key_value_heads"}, c.heads);
    c.intermediate = r.positive({"intermediate_size"}, std::nullopt);
    c.maxPositions = r.positive({"max_position_embeddings"}, 2048);
    if (!r.find({"head_dim"}) && c.hidden % c.heads != 0) {
        r.fail("hidden size " + std::to_string(c.hidden) + " is not divisible by " +
               std::to_string(c.heads) + " attention heads");
    }
    c.headDim = r.positive({"head_dim"}, c.hidden / c.heads);
}

void readRope(const ConfigReader& r, ModelConfig& c, double defaultPct) {
    double pct = defaultPct;
    c.ropeTheta = r.number({"rotary_emb_base"}, 10000.0);
    pct = r.number({"rotary_pct"}, pct);
    c.ropeTheta = r.number({"rope_theta"}, c.ropeTheta);
    pct = r.number({"partial_rotary_factor"}, pct);
    const json* scaling = r.find({"rope_scaling"});
    const json* params = r.find({"rope_parameters"});
    if (params && params->is_object()) { // transformers v5 spelling wins
        ConfigReader p{*params, r.path};
        c.ropeTheta = p.number({"rope_theta"}, c.ropeTheta);
        pct = p.number({"partial_rotary_factor"}, pct);
        const std::string type = p.string({"rope_type", "type"}, "default");
        if (type != "default") {
            scaling = params;
        }
    }
    if (scaling && scaling->is_object()) {
        ConfigReader s{*scaling, r.path};
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
            r.fail("rope_scaling type \"" + c.ropeScalingType +
                   "\" is not supported (CreditLens computes linear, dynamic and llama3)");
        }
        if (!c.ropeScalingType.empty() && !(c.ropeScalingFactor >= 1.0)) {
            r.fail("rope_scaling factor must be at least 1, got " +
                   std::to_string(c.ropeScalingFactor));
        }
    }
    if (pct <= 0.0 || pct > 1.0) {
        r.fail("rotary_pct must be in (0, 1]");
    }
    c.rotaryDims = static_cast<int>(c.headDim * pct);
    if (c.rotaryDims % 2 != 0 || c.rotaryDims == 0) {
        r.fail("rotary dimensions per head (" + std::to_string(c.rotaryDims) +
               ") must be even and positive");
    }
}

void refuseIfSet(const ConfigReader& r, const char* key, const std::string& feature) {
    const json* v = r.find({key});
    if (v && !(v->is_boolean() && !v->get<bool>())) {
        r.fail("\"" + std::string(key) + "\" asks for " + feature +
               ", which CreditLens does not compute");
    }
}

} // namespace cl
