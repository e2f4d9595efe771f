#pragma once
// What the scoring server serves: the DPO pair, one prefix cache per model, the tokenizer used
// to spell tokens in responses (optional). The JSON endpoints (completion_api, beam_api) take it
// under the server's engine mutex: nothing here is thread-safe on its own.

#include "core/server/prefix_cache.h"

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <vector>

namespace cl {
class Model;
class Tokenizer;
} // namespace cl

namespace cl::server {

struct ServedModels {
    Model* policy = nullptr;
    Model* reference = nullptr;
    PrefixCache* policyCache = nullptr;
    PrefixCache* referenceCache = nullptr;
    const Tokenizer* tokenizer = nullptr; ///< null: tokens are spelled "token_id:N"
};

/// An HTTP status and a JSON body.
struct ApiReply {
    int status = 200;
    nlohmann::json body;
};

/// The OpenAI error object {"error": {message, type, param, code}} with one sentence.
ApiReply apiError(int status, const std::string& message);

/// Most top-k alternatives per token a request may ask for (vLLM's default --max-logprobs).
inline constexpr int kMaxLogprobs = 20;

/// Reads body["prompt"] as token ids (a list of ints, or a list holding one such list) and
/// checks them against the model: every id in 0..vocab-1, 1..maxPositions ids. nullopt and
/// `error` set on failure.
std::optional<std::vector<int32_t>> promptIds(const nlohmann::json& body, const Model& model,
                                              ApiReply& error);

} // namespace cl::server
