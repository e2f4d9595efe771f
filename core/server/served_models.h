#pragma once
// What the scoring server serves: the DPO pair, one prefix cache per model, the tokenizer used
// to spell tokens in responses (optional). The JSON endpoints (completion_api, beam_api) take it
// under the server's engine mutex: nothing here is thread-safe on its own.

#include "core/server/prefix_cache.h"
#include "core/server/request_fields.h"

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

/// What `model` accepts in a request: its vocabulary and context.
ModelLimits limitsOf(const Model& model);

} // namespace cl::server
