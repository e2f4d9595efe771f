#pragma once
// GET /v1/models and POST /v1/completions: the part of vLLM's OpenAI-compatible API that
// CreditLens needs (issue #16 item 1). Shapes follow vLLM 0.6.3 (vllm/entrypoints/openai/
// protocol.py: CompletionResponse, CompletionResponseChoice.prompt_logprobs, CompletionLogProbs;
// vllm/sequence.py Logprob {logprob, rank, decoded_token}):
//  - echo + logprobs: choices[0].logprobs = {tokens, token_logprobs (first null),
//    top_logprobs (first null; each a {token string: logprob} map holding the prompt token and
//    the top k), text_offset};
//  - prompt_logprobs: choices[0].prompt_logprobs = [null, {"<id>": {logprob, rank,
//    decoded_token}}, ...] holding the prompt token and the top k;
//  - usage {prompt_tokens, completion_tokens: 0, total_tokens, prompt_tokens_details:
//    {cached_tokens}} plus CreditLens's recomputed_tokens (the prefix cache's work).
// Only prompts given as token ids, max_tokens 0: the server scores, it never generates here.
// Extension: "creditlens_ranks": false (with prompt_logprobs) returns the prompt tokens'
// log-probs with rank null and no alternatives, sparing a full output-head row per position;
// CreditLens's client sends it to CreditLens servers only, with "creditlens_from": k (entries
// before position k null, the output head run only from k on).

#include "core/server/served_models.h"

namespace cl::server {

nlohmann::json modelsBody(const ServedModels& models);

/// Answers one /v1/completions request body (already parsed JSON).
ApiReply completions(const nlohmann::json& body, ServedModels& models);

} // namespace cl::server
