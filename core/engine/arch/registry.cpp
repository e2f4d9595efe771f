// The architecture table: class name or model_type -> unit. Adding a family = its unit file plus
// one line here (docs/ARCHITECTURES.md).
#include "core/engine/arch/architecture.h"

#include <stdexcept>
#include <utility>

namespace cl {

const std::vector<const ArchitectureUnit*>& architectureTable() {
    static const std::vector<const ArchitectureUnit*> table = {
        &kGptNeoXUnit, &kLlamaUnit, &kGpt2Unit, &kMistralUnit,
        &kQwen2Unit,   &kGemmaUnit, &kOlmoUnit, &kStableLmUnit,
    };
    return table;
}

namespace {

/// Families people will try to open, with what CreditLens lacks for each.
const std::vector<std::pair<std::vector<std::string>, std::string>>& knownUnsupported() {
    static const std::vector<std::pair<std::vector<std::string>, std::string>> list = {
        {{"Gemma2ForCausalLM", "gemma2"},
         "attention and final logit soft-capping and alternating sliding-window layers"},
        {{"Gemma3ForCausalLM", "Gemma3ForConditionalGeneration", "gemma3", "gemma3_text"},
         "q/k RMSNorm, local/global rotary bases and sliding-window layers"},
        {{"MixtralForCausalLM", "mixtral", "Qwen2MoeForCausalLM", "qwen2_moe"},
         "mixture-of-experts MLP layers"},
        {{"Phi3ForCausalLM", "phi3"}, "fused qkv_proj and gate_up_proj weights"},
        {{"Olmo2ForCausalLM", "olmo2"}, "q/k RMSNorm and post-norm residual blocks"},
        {{"Qwen3ForCausalLM", "qwen3"}, "per-head q/k RMSNorm"},
    };
    return list;
}

} // namespace

const ArchitectureUnit* findArchitecture(const std::string& key, const std::string& path) {
    for (const ArchitectureUnit* u : architectureTable()) {
        if (key == u->className || key == u->modelType) {
            return u;
        }
    }
    for (const auto& [names, missing] : knownUnsupported()) {
        for (const std::string& n : names) {
            if (key == n) {
                throw std::runtime_error(
                    path + ": architecture \"" + key + "\" needs " + missing +
                    ", which CreditLens does not compute; supported: " + supportedArchitectures());
            }
        }
    }
    return nullptr;
}

const ArchitectureUnit& architectureUnit(Architecture id) {
    for (const ArchitectureUnit* u : architectureTable()) {
        if (u->id == id) {
            return *u;
        }
    }
    throw std::logic_error("architecture without a unit");
}

std::string supportedArchitectures() {
    std::string out;
    for (const ArchitectureUnit* u : architectureTable()) {
        out += (out.empty() ? "" : ", ") + u->className + " (" + u->modelType + ")";
    }
    return out;
}

} // namespace cl
