#pragma once
// POST /creditlens/v1/beam: what vLLM lacks (issue #16 item 1). Beam search on the policy
// (beam_search.h, HF 4.40 generate semantics), every returned beam scored by the reference
// (beam_scoring.h searchAndScore). Request: {"prompt": [ids], "width": 4, "max_tokens": 64,
// "min_tokens": 0, "num_return": 1, "beta": 0.1, "length_penalty": 1.0,
// "early_stopping": "false"|"true"|"never", "no_repeat_ngram": 0, "eos_ids": [ids],
// "trace": false}.
// Reply: {"object": "creditlens.beams", "beams": [{ids, score, sum_logprob, finished,
// logp_policy: [], logp_ref: [], rewards: [], reward_sum}], "usage": {prompt_tokens,
// completion_tokens}}, and with "trace": true the step-by-step tree ("trace", remote_beams.h).

#include "core/server/served_models.h"

namespace cl::server {

ApiReply beams(const nlohmann::json& body, ServedModels& models);

} // namespace cl::server
