#pragma once
// The client's reader of a /v1/completions reply (issue #16): the prompt's log-probs out of
// vLLM's or CreditLens's response shape. Torch-free and HTTP-free, so the fuzzer reads replies
// as the client does (fuzz target server_request). Never throws, for any JSON value.

#include "core/common/result.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <vector>

namespace cl::server {

/// prompt_logprobs of a /v1/completions response (vLLM's and CreditLens's shape: entry 0 null,
/// entry i a map "<id>" -> {logprob, rank, decoded_token} holding the prompt token) as log p(
/// ids[i] | ids[<i]), entry 0 NaN. Entries before `from` may be null (NaN). A sentence when the
/// body does not have that shape or lacks a prompt token's entry.
Result<std::vector<double>> parsePromptLogprobs(const nlohmann::json& body,
                                                const std::vector<int32_t>& ids, int64_t from = 0);

} // namespace cl::server
