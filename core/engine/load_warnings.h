#pragma once
// What a user should know about a policy/reference pair when it loads, and that does not stop
// it from loading (issues #14 and #15, "on load"): each check returns at most one warning of one
// sentence naming the folders and what differs. Refusals (a vocabulary-size mismatch between
// the two models) stay in RewardScorer::load. Std types only, torch-free; no Qt.

#include "core/engine/model_info.h"

#include <optional>
#include <string>
#include <vector>

namespace cl {

class Tokenizer;

enum class LoadWarningKind {
    ReferenceNotBase,      ///< architecture or tensor shapes of the two models differ
    TokenizersDiffer,      ///< the two folders' tokenizers have different fingerprints
    TokenizerExceedsModel, ///< the tokenizer has more ids than the model has embedding rows
    ChatTemplateUnused,    ///< tokenizer_config.json has a chat_template, the template is raw
};

struct LoadWarning {
    LoadWarningKind kind;
    std::string message; ///< one sentence, no trailing newline
};

/// The reference should be the policy's base (the model DPO started from): same architecture
/// and the same tensor shapes. Compares architecture and model_type, then layers, hidden size,
/// heads, KV heads, vocabulary rows and the parameter count (which differs whenever any other
/// tensor shape does, e.g. the MLP width). Dtypes may differ.
std::optional<LoadWarning> referenceBaseWarning(const ModelInfo& policy,
                                                const ModelInfo& reference);

/// The reference is scored with the policy's tokenizer; a different fingerprint (vocabulary or
/// special tokens, docs/DECISIONS.md "Tokenizer identity") means its log-probs are of text
/// tokenized differently from its training.
std::optional<LoadWarning> tokenizerPairWarning(const Tokenizer& policy, const Tokenizer& reference,
                                                const std::string& policyDir,
                                                const std::string& referenceDir);

/// The tokenizer's highest id + 1 exceeds the model's embedding rows: a text that encodes to
/// one of the extra ids cannot be scored (Sequence refuses the id).
std::optional<LoadWarning> tokenizerFitWarning(const Tokenizer& tokenizer,
                                               const std::string& tokenizerDir,
                                               const ModelInfo& model);

/// True when dir/tokenizer_config.json has a non-empty `chat_template` (a string, or HF's list
/// of named templates). A missing or unreadable file is false.
bool namesChatTemplate(const std::string& dir);

/// The model ships a chat template (see namesChatTemplate) but the prompt is formatted with
/// `templateName` "raw": the response follows the prompt with no turn markers.
std::optional<LoadWarning> rawTemplateWarning(const std::string& templateName,
                                              const std::string& tokenizerDir,
                                              bool hasChatTemplate);

/// "safetensors", "PyTorch zip", "PyTorch legacy pickle", or "policy.pt (PyTorch zip)" when the
/// weights come from the DPO reference code's policy.pt. For the model panel.
std::string fileFormatLabel(const ModelInfo& info);

} // namespace cl
