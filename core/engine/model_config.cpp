#include "core/engine/model_config.h"

#include "core/engine/arch/architecture.h"

#include <nlohmann/json.hpp>

#include <fstream>
#include <sstream>
#include <stdexcept>

namespace cl {

namespace {

using nlohmann::json;

const ArchitectureUnit& detect(const json& j, const std::string& path, std::string& name,
                               std::string& type) {
    type = j.value("model_type", std::string());
    if (j.contains("architectures") && j["architectures"].is_array() &&
        !j["architectures"].empty() && j["architectures"][0].is_string()) {
        name = j["architectures"][0].get<std::string>();
    }
    const std::string key = name.empty() ? type : name;
    if (const ArchitectureUnit* u = findArchitecture(key, path)) {
        return *u;
    }
    throw std::runtime_error(path + ": unsupported architecture \"" +
                             (key.empty() ? std::string("(none given)") : key) +
                             "\"; supported: " + supportedArchitectures());
}

ModelConfig parse(const json& j, const std::string& path) {
    if (!j.is_object()) {
        throw std::runtime_error(path + ": expected a JSON object");
    }
    ModelConfig c;
    const ArchitectureUnit& unit = detect(j, path, c.architectureName, c.modelType);
    c.arch = unit.id;
    if (c.architectureName.empty()) {
        c.architectureName = unit.className;
    }
    ConfigReader r{j, path};
    c.torchDtype = r.string({"torch_dtype", "dtype"}, "");
    auto first = [](const std::vector<int32_t>& ids) {
        return ids.empty() ? std::nullopt : std::optional<int32_t>(ids.front());
    };
    c.bosId = first(r.tokenIds("bos_token_id"));
    c.eosIds = r.tokenIds("eos_token_id");
    c.eosId = first(c.eosIds);
    c.padId = first(r.tokenIds("pad_token_id"));
    c.vocabSize = r.positive({"vocab_size"}, std::nullopt);
    unit.readConfig(r, c);
    if (c.heads % c.kvHeads != 0) {
        r.fail(std::to_string(c.heads) + " attention heads are not divisible by " +
               std::to_string(c.kvHeads) + " key/value heads");
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
    if (c.slidingWindow < 0) {
        r.fail("\"sliding_window\" must be positive");
    }
    return c;
}

} // namespace

int64_t ModelConfig::contextLength() const {
    if (ropeScalingType == "dynamic") {
        return static_cast<int64_t>(static_cast<double>(maxPositions) * ropeScalingFactor);
    }
    return maxPositions;
}

std::vector<int32_t> generationEosIds(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        return {};
    }
    json j = json::parse(in, nullptr, false);
    if (j.is_discarded() || !j.is_object()) {
        return {};
    }
    return ConfigReader{j, path}.tokenIds("eos_token_id");
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
