#include "core/engine/load_warnings.h"

#include "core/text/tokenizer.h"

#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>

namespace cl {

namespace fs = std::filesystem;

namespace {

std::string name(const ModelInfo& m) {
    return m.architecture.empty() ? m.modelType : m.architecture;
}

bool sameFolder(const std::string& a, const std::string& b) {
    std::error_code ec;
    return a == b || fs::equivalent(a, b, ec);
}

} // namespace

std::optional<LoadWarning> referenceBaseWarning(const ModelInfo& policy,
                                                const ModelInfo& reference) {
    const std::string head = "the reference (" + reference.folder + ") is not the policy's (" +
                             policy.folder + ") base: ";
    const std::string tail = "; implicit rewards compare a DPO policy with the model it was "
                             "trained from";
    if (policy.architecture != reference.architecture || policy.modelType != reference.modelType) {
        return LoadWarning{LoadWarningKind::ReferenceNotBase,
                           head + "its architecture is " + name(reference) + ", the policy's " +
                               name(policy) + tail};
    }
    std::string diffs;
    auto compare = [&diffs](const char* what, int64_t p, int64_t r) {
        if (p != r) {
            diffs += std::string(diffs.empty() ? "" : ", ") + what + " " + std::to_string(r) +
                     " vs " + std::to_string(p);
        }
    };
    compare("layers", policy.layers, reference.layers);
    compare("hidden size", policy.hidden, reference.hidden);
    compare("attention heads", policy.heads, reference.heads);
    compare("KV heads", policy.kvHeads, reference.kvHeads);
    compare("vocabulary rows", policy.vocabSize, reference.vocabSize);
    if (diffs.empty()) {
        // A LoRA policy's count includes its adapter: compare its base's (issue #14).
        const int64_t adapter = policy.adapter ? policy.adapter->parameters : 0;
        compare("parameters", policy.parameters - adapter, reference.parameters);
    }
    if (diffs.empty() && policy.adapter &&
        !sameFolder(policy.adapter->baseFolder, reference.folder)) {
        return LoadWarning{LoadWarningKind::ReferenceNotBase,
                           "the reference (" + reference.folder + ") is not the LoRA adapter's (" +
                               policy.folder + ") base " + policy.adapter->baseFolder +
                               " (same shapes, another folder)" + tail};
    }
    if (diffs.empty()) {
        return std::nullopt;
    }
    return LoadWarning{LoadWarningKind::ReferenceNotBase, head + "its tensor shapes differ (" +
                                                              diffs + ", reference vs policy)" +
                                                              tail};
}

std::optional<LoadWarning> tokenizerPairWarning(const Tokenizer& policy, const Tokenizer& reference,
                                                const std::string& policyDir,
                                                const std::string& referenceDir) {
    if (policy.fingerprint() == reference.fingerprint()) {
        return std::nullopt;
    }
    return LoadWarning{LoadWarningKind::TokenizersDiffer,
                       "the policy's tokenizer (" + policyDir + ") and the reference's (" +
                           referenceDir +
                           ") differ in vocabulary or special tokens, and both models are scored "
                           "with the policy's, so the reference reads text tokenized unlike its "
                           "training"};
}

std::optional<LoadWarning> tokenizerFitWarning(const Tokenizer& tokenizer,
                                               const std::string& tokenizerDir,
                                               const ModelInfo& model) {
    const int64_t ids = tokenizer.vocabSize();
    if (ids <= model.vocabSize) {
        return std::nullopt;
    }
    return LoadWarning{LoadWarningKind::TokenizerExceedsModel,
                       "the tokenizer in " + tokenizerDir + " has " + std::to_string(ids) +
                           " ids but the model (" + model.folder + ") has only " +
                           std::to_string(model.vocabSize) +
                           " embedding rows, so a text that uses an id from " +
                           std::to_string(model.vocabSize) + " on cannot be scored"};
}

bool namesChatTemplate(const std::string& dir) {
    // Read here rather than through TokenizerConfig: only the key's presence matters, and a
    // malformed file is the tokenizer loader's error to report, not a warning's.
    std::ifstream in(fs::path(dir) / "tokenizer_config.json");
    if (!in) {
        return false;
    }
    const nlohmann::json j = nlohmann::json::parse(in, nullptr, false);
    if (!j.is_object() || !j.contains("chat_template")) {
        return false;
    }
    const nlohmann::json& t = j["chat_template"];
    return (t.is_string() && !t.get<std::string>().empty()) || (t.is_array() && !t.empty());
}

std::optional<LoadWarning> rawTemplateWarning(const std::string& templateName,
                                              const std::string& tokenizerDir,
                                              bool hasChatTemplate) {
    if (templateName != "raw" || !hasChatTemplate) {
        return std::nullopt;
    }
    const std::string file = (fs::path(tokenizerDir) / "tokenizer_config.json").string();
    return LoadWarning{LoadWarningKind::ChatTemplateUnused,
                       file + " names a chat_template but the prompt template is raw, so prompts "
                              "are not formatted the way this model was trained (use the chat "
                              "template)"};
}

std::string fileFormatLabel(const ModelInfo& info) {
    if (info.fileFormat == "safetensors") {
        return "safetensors";
    }
    const std::string pickle = info.fileFormat == "pytorch_zip"      ? "PyTorch zip"
                               : info.fileFormat == "pytorch_legacy" ? "PyTorch legacy pickle"
                                                                     : info.fileFormat;
    // Checkpoint::open's order: pytorch_model.bin and its index come before policy.pt.
    const fs::path dir(info.folder);
    if (!fs::exists(dir / "pytorch_model.bin") &&
        !fs::exists(dir / "pytorch_model.bin.index.json") && fs::exists(dir / "policy.pt")) {
        return "policy.pt (" + pickle + ")";
    }
    return pickle;
}

} // namespace cl
