#pragma once
// The scoring server's requests read and checked (issue #16): what a client may send to
// POST /v1/completions and POST /creditlens/v1/beam, turned into plain structs or one 4xx
// sentence. Torch-free and HTTP-free, so the fuzzer reads requests exactly as the server does
// (fuzz target server_request, docs/FUZZING.md). Never throws, for any JSON value.

#include "core/engine/beam_search.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace cl::server {

/// An HTTP status and a JSON body.
struct ApiReply {
    int status = 200;
    nlohmann::json body;
};

/// The OpenAI error object {"error": {message, type, param, code}} with one sentence.
ApiReply apiError(int status, const std::string& message);

/// Most top-k alternatives per token a request may ask for (vLLM's default --max-logprobs).
inline constexpr int kMaxLogprobs = 20;
/// Most beams and new tokens one beam request may ask for.
inline constexpr int kMaxBeamWidth = 32;

/// What a served model accepts: ids 0..vocab-1, at most `context` of them (0: no limit).
struct ModelLimits {
    int64_t vocab = 0;
    int64_t context = 0;
};

/// body[field] as token ids (a list of ints, or a list holding one such list), checked against
/// `limits`. nullopt and `error` set on failure.
std::optional<std::vector<int32_t>> readIds(const nlohmann::json& body, const char* field,
                                            const ModelLimits& limits, ApiReply& error);

/// POST /v1/completions (completion_api.h has the shapes).
struct CompletionRequest {
    bool policy = true;       ///< "model": "policy", else "reference"
    std::vector<int32_t> ids; ///< "prompt"
    int logprobs = -1;        ///< echo's top-k; -1: no echo log-probs
    int promptLogprobs = -1;  ///< prompt_logprobs' top-k; -1: none
    bool echo = false;
    bool ranks = true;        ///< "creditlens_ranks": false spares the alternatives
    int64_t from = 0;         ///< "creditlens_from" (with ranks off)
    bool idsAsTokens = false; ///< "return_tokens_as_token_ids"
};
std::optional<CompletionRequest> parseCompletionRequest(const nlohmann::json& body,
                                                        const ModelLimits& policy,
                                                        const ModelLimits& reference,
                                                        ApiReply& error);

/// POST /creditlens/v1/beam (beam_api.h has the shapes); the search runs on the policy.
struct BeamRequest {
    std::vector<int32_t> promptIds;
    BeamOptions options; ///< options.trace stays null: `trace` says whether to record one
    double beta = 0.1;
    bool trace = false; ///< "trace": true returns the step-by-step tree too
};
std::optional<BeamRequest> parseBeamRequest(const nlohmann::json& body, const ModelLimits& policy,
                                            ApiReply& error);

/// Most alternatives one request may ask for (the inspector shows 10).
inline constexpr int kMaxAlternatives = 100;

/// POST /creditlens/v1/alternatives (alternatives_api.h has the shapes): the alternatives to
/// `token` after `context`, under both models.
struct AlternativesRequest {
    std::vector<int32_t> context; ///< "prompt": the ids before the token
    int32_t token = 0;            ///< "token": the id in the text
    int k = 10;
    double beta = 0.1;
    int64_t vocab = 0; ///< "vocab": the client's tokenizer size (default the model's)
};
std::optional<AlternativesRequest>
parseAlternativesRequest(const nlohmann::json& body, const ModelLimits& policy, ApiReply& error);

} // namespace cl::server
