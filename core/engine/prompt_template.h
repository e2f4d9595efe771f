#pragma once
// Turns (prompt, response) into the token sequence a model was trained on and marks which tokens
// belong to the response, with each response token's byte span in the response text.
// Torch-free.

#include "core/common/result.h"
#include "core/text/tokenizer.h"

#include "core/engine/chat_prompt.h"

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
    bool eosAppended = false;  ///< the last terminalTokens ids are the terminal action
    /// How many trailing ids form the terminal action: 1 for an EOS id; the tokens of the chat
    /// template's end-of-turn text (ChatSplit::terminal) may be several.
    int64_t terminalTokens = 0;
};

class ChatTemplate;

/// Built-in templates (see ScoreRequest in reward_scorer.h):
///  - "raw":  [BOS if the tokenizer adds one] + enc(prompt) + enc(response) [+ EOS].
///  - "tldr": enc(prompt ending in "TL;DR:") + enc(" " + response) + EOS, no BOS, each part
///            tokenised on its own as the DPO reference code does (REFERENCE.md §5). A missing
///            "TL;DR:" is appended after a newline; a response without leading whitespace gets
///            the space the layout expects (its span is empty at 0).
///  - "chat": the model's own chat template (`chat`, from tokenizer_config.json) with the prompt
///            as one user message: applyChatTemplate. A null `chat` is an error.
Result<TemplatedSequence> applyTemplate(const Tokenizer& tokenizer, const std::string& name,
                                        const std::string& prompt, const std::string& response,
                                        bool appendEos, const ChatTemplate* chat = nullptr);

/// A conversation and the assistant's reply through the chat template (issue #15 item 3), as
/// transformers tokenises chat text (no special tokens added: the template writes the BOS):
/// ids = enc(split.prompt) + enc(split.infix) + enc(written part of the response)
///       [+ enc(split.terminal) when appendTerminal] (a whitespace-only infix is encoded with
///       the written part instead, as "tldr" encodes its space),
/// each part encoded on its own (template text written by a sentencepiece tokenizer's template
/// has its special tokens, e.g. "<s>", split out into their ids first, as HF's tokenizers match
/// them in text; the response's spans then map into `response`; the infix's
/// tokens get empty spans at the message's start, the terminal's at its end). The infix and
/// terminal tokens are response tokens, scored. The terminal tokens end after the first one that
/// is in `eosIds` or is the tokenizer's EOS (the original Llama-3 template writes the next
/// assistant header after <|eot_id|>; generation stops at the EOS), else they are all of
/// split.terminal. appendTerminal with a template that writes nothing after a message is an
/// error (score without EOS).
Result<TemplatedSequence> applyChatTemplate(const Tokenizer& tokenizer, const ChatTemplate& chat,
                                            const std::vector<ChatTurn>& turns,
                                            const std::string& response, bool appendTerminal,
                                            const std::vector<int32_t>& eosIds = {});

/// The names applyTemplate accepts.
std::vector<std::string> templateNames();

} // namespace cl
