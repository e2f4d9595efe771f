#pragma once
// What a scoring call asks for, and the interface of everything that answers it: the local
// RewardScorer (reward_scorer.h) and the remote one over a CreditLens or vLLM server
// (core/server/remote_scorer.h, issue #16). Std types only.

#include "core/common/result.h"
#include "core/engine/chat_prompt.h"
#include "core/engine/scoring_types.h"

#include <cstdint>
#include <string>
#include <vector>

namespace cl {

/// How (prompt, response) become one token sequence.
///  - "raw":  prompt tokens then response tokens (BOS if the tokenizer adds one), optional EOS.
///  - "tldr": the Reddit TL;DR layout of the DPO reference code (REFERENCE.md §5): prompt and
///            response tokenised separately without special tokens, response ids + EOS.
///  - "chat": the model's own chat template (issue #15): the conversation rendered with
///            add_generation_prompt=true, the assistant message, and the template's end-of-turn
///            text as the terminal action (applyChatTemplate in prompt_template.h).
struct ScoreRequest {
    std::string prompt;
    std::string response;
    std::string templateName = "tldr";
    bool scoreEos = true; ///< append EOS and score it as the terminal action
    /// "chat" only: the turns before the response (system/user/assistant...). Empty: one user
    /// turn holding `prompt`.
    std::vector<ChatTurn> conversation = {};
};

/// Ids given directly, no template.
struct IdsRequest {
    std::vector<int32_t> promptIds;
    std::vector<int32_t> responseIds;
};

/// How one scoring call runs (issue #17, compare mode and lost cancels).
struct RunOptions {
    /// Which incremental cache the call extends. Each slot keeps its own policy/reference
    /// sequences (created on first use, about one KV cache each), so alternating between two
    /// responses (compare mode: 0 = chosen, 1 = rejected) reuses each one's own prefix.
    int cacheSlot = 0;
    /// A value of cancelTicket() taken when the work was queued: the call returns
    /// Error{kCancelledMessage} when cancel() ran after that, even before the call started.
    /// 0: a ticket is taken on entry (a cancel() before the call does not stop it).
    uint64_t cancelTicket = 0;
};

/// Scores responses of a policy/reference pair, wherever its log-probs come from.
class ResponseScorer {
public:
    virtual ~ResponseScorer() = default;
    virtual Result<ResponseScore> score(const ScoreRequest& request,
                                        const RunOptions& options = {}) = 0;
    virtual Result<ResponseScore> scoreIds(const IdsRequest& request,
                                           const RunOptions& options = {}) = 0;
};

} // namespace cl
