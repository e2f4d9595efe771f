#pragma once
// The token inspector's alternatives through a CreditLens server (issue #16): the request body
// of POST /creditlens/v1/alternatives and its reply back as Alternatives (texts left empty: the
// desktop spells them with its tokenizer). Std types only; never throws.

#include "core/common/result.h"
#include "core/engine/scoring_types.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <vector>

namespace cl::server {

nlohmann::json alternativesRequest(const std::vector<int32_t>& context, int32_t token, int k,
                                   double beta, int64_t vocab);

/// The reply's two lists (at most k each) for response position `position`; a sentence when
/// its shape is not alternatives_api.h's.
Result<Alternatives> parseAlternativesReply(const nlohmann::json& body, int64_t position, int k);

} // namespace cl::server
