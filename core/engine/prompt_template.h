#pragma once
// Turns (prompt, response) into the token sequence a model was trained on and marks which tokens
// belong to the response, with each response token's byte span in the response text.
// Torch-free.

#include "core/common/result.h"
#include "core/text/tokenizer.h"

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace cl {

struct TemplatedSequence {
    std::vector<int32_t> ids;
    int64_t responseStart = 0; ///< index in ids of the first response token
    /// Byte span in the response text of each response token (ids[responseStart + i]).
    std::vector<std::pair<int64_t, int64_t>> responseSpans;
    bool eosAppended = false;  ///< the last id is the EOS terminal action
};

/// Built-in templates (see ScoreRequest in reward_scorer.h):
///  - "raw":  [BOS if the tokenizer adds one] + enc(prompt) + enc(response) [+ EOS].
///  - "tldr": enc(prompt ending in "TL;DR:") + enc(" " + response) + EOS, no BOS, each part
///            tokenised on its own as the DPO reference code does (REFERENCE.md §5). A missing
///            "TL;DR:" is appended after a newline; a response without leading whitespace gets
///            the space the layout expects (its span is empty at 0).
///  - "chat": a ChatML or Llama-2 [INST] chat template from tokenizer_config.json; anything
///            more complex is refused with a message saying so.
/// `chatTemplate` is the raw Jinja text of tokenizer_config.json's chat_template (may be empty).
Result<TemplatedSequence> applyTemplate(const Tokenizer& tokenizer, const std::string& name,
                                        const std::string& prompt, const std::string& response,
                                        bool appendEos, const std::string& chatTemplate = {});

/// The names applyTemplate accepts.
std::vector<std::string> templateNames();

} // namespace cl
