#include "core/engine/lora_adapter.h"

#include <nlohmann/json.hpp>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>

namespace cl {

namespace fs = std::filesystem;

namespace {

constexpr const char* kKeyPrefix = "base_model.model.";

std::string shapeText(const std::vector<int64_t>& s) {
    std::string out = "[";
    for (size_t i = 0; i < s.size(); ++i) {
        out += (i ? ", " : "") + std::to_string(s[i]);
    }
    return out + "]";
}

bool endsWith(const std::string& s, const std::string& tail) {
    return s.size() >= tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
}

/// A config value that must be absent, null, false or empty for CreditLens to compute the
/// adapter exactly.
bool isSet(const nlohmann::json& j, const char* key) {
    if (!j.contains(key) || j[key].is_null()) {
        return false;
    }
    const nlohmann::json& v = j[key];
    if (v.is_boolean()) {
        return v.get<bool>();
    }
    return !(v.is_object() || v.is_array()) || !v.empty();
}

/// The base's weights by HF module path ("model.layers.0.self_attn.q_proj"), linear ones only.
struct ModuleSpec {
    Slot slot;
    int layer;
    std::vector<int64_t> shape; ///< as stored: [out, in], or [in, out] for Conv1D
    bool conv1d;
};

std::map<std::string, ModuleSpec> linearModules(const ModelConfig& base) {
    const std::string prefix = basePrefix(base);
    std::map<std::string, ModuleSpec> out;
    bool hasHead = false;
    for (const WeightSpec& s : weightSpecs(base)) {
        const bool outside = s.name[0] == '@';
        const std::string full = outside ? s.name.substr(1) : prefix + s.name;
        if (!endsWith(full, ".weight") || s.shape.size() != 2) {
            continue;
        }
        const bool conv = base.conv1d && s.slot != Slot::Head && s.slot != Slot::Embed &&
                          s.slot != Slot::PosEmbed;
        out[full.substr(0, full.size() - 7)] = {s.slot, s.layer, s.shape, conv};
        hasHead = hasHead || s.slot == Slot::Head;
    }
    if (!hasHead) { // a tied head is still the module lm_head in HF
        out["lm_head"] = {Slot::Head, -1, {base.vocabSize, base.hidden}, false};
    }
    return out;
}

} // namespace

double LoraConfig::scaling() const {
    return rslora ? alpha / std::sqrt(static_cast<double>(rank)) : alpha / rank;
}

bool LoraConfig::targets(const std::string& module) const {
    if (targetRegex == "all-linear") {
        // peft's shorthand: every Linear/Conv1D but the output head.
        return module != "lm_head" && !endsWith(module, ".lm_head") && module != "embed_out";
    }
    if (!targetRegex.empty()) {
        return std::regex_match(module, std::regex(targetRegex));
    }
    for (const std::string& t : targetModules) {
        if (module == t || endsWith(module, "." + t)) {
            return true;
        }
    }
    return false;
}

bool LoraConfig::savesModule(const std::string& module) const {
    for (const std::string& t : modulesToSave) {
        if (module == t || endsWith(module, "." + t)) {
            return true;
        }
    }
    return false;
}

bool isAdapterFolder(const std::string& folder) {
    return fs::exists(fs::path(folder) / "adapter_config.json");
}

Result<LoraConfig> readLoraConfig(const std::string& folder) {
    const std::string path = (fs::path(folder) / "adapter_config.json").string();
    std::ifstream in(path);
    if (!in) {
        return Error{path + ": cannot be read"};
    }
    const nlohmann::json j = nlohmann::json::parse(in, nullptr, false);
    if (!j.is_object()) {
        return Error{path + ": not a JSON object"};
    }
    auto refuse = [&](const std::string& what) { return Error{path + ": " + what}; };
    const std::string type = j.value("peft_type", std::string("LORA"));
    if (type != "LORA") {
        return refuse("peft_type is \"" + type + "\"; CreditLens reads LoRA adapters only");
    }
    LoraConfig c;
    if (!j.contains("r") || !j["r"].is_number_integer() || j["r"].get<int>() <= 0) {
        return refuse("\"r\" must be a positive integer (the LoRA rank)");
    }
    c.rank = j["r"].get<int>();
    c.alpha = j.contains("lora_alpha") && j["lora_alpha"].is_number()
                  ? j["lora_alpha"].get<double>()
                  : 8.0; // peft's default
    c.rslora = j.value("use_rslora", false);
    c.fanInFanOut = j.value("fan_in_fan_out", false);
    const std::string bias =
        j.contains("bias") && j["bias"].is_string() ? j["bias"].get<std::string>() : "none";
    if (bias != "none") {
        return refuse("bias is \"" + bias +
                      "\"; CreditLens supports adapters trained with bias "
                      "\"none\" only (the adapter's bias terms would be ignored)");
    }
    for (const char* key : {"use_dora", "rank_pattern", "alpha_pattern", "layers_to_transform",
                            "layer_replication"}) {
        if (isSet(j, key)) {
            return refuse(std::string("\"") + key +
                          "\" is set; CreditLens does not compute it "
                          "yet (uniform rank and alpha on every targeted module only)");
        }
    }
    if (j.contains("target_modules") && j["target_modules"].is_string()) {
        c.targetRegex = j["target_modules"].get<std::string>();
    } else if (j.contains("target_modules") && j["target_modules"].is_array()) {
        for (const auto& t : j["target_modules"]) {
            if (t.is_string()) {
                c.targetModules.push_back(t.get<std::string>());
            }
        }
    }
    if (c.targetRegex.empty() && c.targetModules.empty()) {
        return refuse("\"target_modules\" is missing or empty");
    }
    if (j.contains("modules_to_save") && j["modules_to_save"].is_array()) {
        for (const auto& t : j["modules_to_save"]) {
            if (t.is_string()) {
                c.modulesToSave.push_back(t.get<std::string>());
            }
        }
    }
    if (j.contains("base_model_name_or_path") && j["base_model_name_or_path"].is_string()) {
        c.baseModel = j["base_model_name_or_path"].get<std::string>();
    }
    return c;
}

Result<std::string> resolveLoraBase(const std::string& adapterFolder, const LoraConfig& config,
                                    const std::string& baseDir) {
    auto isModel = [](const fs::path& p) { return fs::exists(p / "config.json"); };
    if (!baseDir.empty()) {
        if (!isModel(baseDir)) {
            return Error{baseDir + ": --base names no model folder (no config.json)"};
        }
        return baseDir;
    }
    const std::string& name = config.baseModel;
    if (!name.empty()) {
        const fs::path given(name);
        const fs::path adapter = fs::absolute(adapterFolder).lexically_normal();
        std::vector<fs::path> candidates;
        if (given.is_absolute()) {
            candidates.push_back(given);
        } else {
            candidates.push_back(adapter / given);               // inside the adapter folder
            candidates.push_back(adapter.parent_path() / given); // a sibling (models/<name>)
        }
        for (const fs::path& p : candidates) {
            if (isModel(p)) {
                return p.lexically_normal().string();
            }
        }
    }
    return Error{adapterFolder + ": the LoRA adapter's base model " +
                 (name.empty() ? std::string("is not named in adapter_config.json")
                               : "\"" + name +
                                     "\" (base_model_name_or_path) is not a local folder "
                                     "beside the adapter") +
                 "; give --base DIR (the base model's folder)"};
}

Result<LoraAdapter> LoraAdapter::open(const std::string& folder, const std::string& baseFolder,
                                      const LoraConfig& config, const ModelConfig& base) {
    LoraAdapter out;
    out.folder = folder;
    out.baseFolder = baseFolder;
    out.config = config;
    std::string file;
    for (const char* name : {"adapter_model.safetensors", "adapter_model.bin"}) {
        if (fs::exists(fs::path(folder) / name)) {
            file = (fs::path(folder) / name).string();
            break;
        }
    }
    if (file.empty()) {
        return Error{folder + ": adapter_config.json but no adapter_model.safetensors or "
                              "adapter_model.bin"};
    }
    auto ckpt = Checkpoint::openFile(file);
    if (!ckpt) {
        return Error{ckpt.error()};
    }
    out.file = std::make_shared<const Checkpoint>(std::move(ckpt.value()));
    const std::map<std::string, ModuleSpec> modules = linearModules(base);
    std::map<std::string, LoraTarget> pairs;
    for (const std::string& key : out.file->names()) {
        const TensorEntry* e = out.file->find(key);
        auto bad = [&](const std::string& what) {
            return Error{file + ": \"" + key + "\" " + what};
        };
        if (key.rfind(kKeyPrefix, 0) != 0) {
            return bad("does not start with \"base_model.model.\" (not a peft LoRA key)");
        }
        std::string rest = key.substr(std::string(kKeyPrefix).size());
        std::string which;
        for (const char* tail : {".lora_A.weight", ".lora_B.weight"}) {
            if (endsWith(rest, tail)) {
                which = tail;
            }
        }
        if (which.empty()) {
            if (endsWith(rest, ".lora_A.bias") || endsWith(rest, ".lora_B.bias")) {
                return bad("is a LoRA bias; CreditLens supports bias \"none\" only");
            }
            // modules_to_save: a full replacement of a base weight.
            if (!endsWith(rest, ".weight")) {
                return bad("is neither a LoRA pair nor a weight of a module to save");
            }
            const std::string module = rest.substr(0, rest.size() - 7);
            if (!config.savesModule(module)) {
                continue; // peft loads only what modules_to_save names
            }
            auto it = modules.find(module);
            if (it == modules.end()) {
                return bad("replaces \"" + module +
                           "\", which is no linear weight of the base "
                           "model (" +
                           base.architectureName + ")");
            }
            if (e->shape != it->second.shape) {
                return bad("has shape " + shapeText(e->shape) + " but the base's \"" + module +
                           "\" is " + shapeText(it->second.shape));
            }
            out.replacements.push_back({it->second.slot, it->second.layer, e});
            continue;
        }
        const std::string module = rest.substr(0, rest.size() - which.size());
        if (!config.targets(module)) {
            continue; // peft wraps only target_modules: an extra key is never loaded
        }
        auto it = modules.find(module);
        if (it == modules.end()) {
            return bad("adapts \"" + module + "\", which is no linear weight of the base model (" +
                       base.architectureName + ")");
        }
        if (it->second.slot == Slot::Embed || it->second.slot == Slot::PosEmbed) {
            return bad("adapts an embedding; CreditLens applies LoRA to linear layers only");
        }
        const ModuleSpec& m = it->second;
        const int64_t in = m.conv1d ? m.shape[0] : m.shape[1];
        const int64_t outDim = m.conv1d ? m.shape[1] : m.shape[0];
        const bool isA = which == ".lora_A.weight";
        const std::vector<int64_t> want =
            isA ? std::vector<int64_t>{config.rank, in} : std::vector<int64_t>{outDim, config.rank};
        if (e->shape != want) {
            return bad("has shape " + shapeText(e->shape) +
                       " but r = " + std::to_string(config.rank) + " on \"" + module + "\" needs " +
                       shapeText(want));
        }
        LoraTarget& t = pairs[module];
        t.slot = m.slot;
        t.layer = m.layer;
        t.module = module;
        (isA ? t.a : t.b) = e;
    }
    for (auto& [module, t] : pairs) {
        if (!t.a || !t.b) {
            return Error{file + ": \"" + module + "\" has lora_" + (t.a ? "A" : "B") +
                         " but no lora_" + (t.a ? "B" : "A")};
        }
        out.targets.push_back(t);
    }
    if (out.targets.empty() && out.replacements.empty()) {
        return Error{file + ": holds no LoRA tensors"};
    }
    return out;
}

int64_t LoraAdapter::parameterCount() const {
    int64_t n = 0;
    for (const LoraTarget& t : targets) {
        n += t.a->numel() + t.b->numel();
    }
    for (const LoraReplacement& r : replacements) {
        n += r.weight->numel();
    }
    return n;
}

} // namespace cl
