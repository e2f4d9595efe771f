#pragma once
// A ResponseScore from the two models' log-probs of one templated sequence: the token texts and
// spans, the terminal action, r_t = beta (log pi_theta - log pi_ref). Shared by the local and
// the remote scorer so that both present their numbers the same way. Std types only.

#include "core/engine/prompt_template.h"
#include "core/engine/score_request.h"
#include "core/engine/scoring_types.h"

#include <string>
#include <vector>

namespace cl {

class ChatTemplate;
class Tokenizer;

/// The request's token sequence: its built-in template, or "chat" with `chat` (null: an error
/// naming chatError). eosIds end the chat template's terminal action (applyChatTemplate).
Result<TemplatedSequence> templateRequest(const Tokenizer& tokenizer, const ChatTemplate* chat,
                                          const std::string& chatError,
                                          const ScoreRequest& request,
                                          const std::vector<int32_t>& eosIds);

/// lpPolicy/lpRef: log p(ids[p] | ids[<p]) indexed by absolute position p (entries before
/// seq.responseStart are not read). tokenizer (may be null) spells tokens without a text span.
ResponseScore buildResponseScore(const TemplatedSequence& seq, const std::string& response,
                                 const std::vector<double>& lpPolicy,
                                 const std::vector<double>& lpRef, const Tokenizer* tokenizer,
                                 double beta);

} // namespace cl
