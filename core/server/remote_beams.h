#pragma once
// Beam search through a CreditLens server (issue #16): the request body of POST
// /creditlens/v1/beam for BeamOptions (beam_api.h), and its reply back as searchAndScore's
// beams. Only ids travel; the desktop decodes and spans them (scoredBeam), so remote beams
// look exactly like local ones. Std types only.

#include "core/common/result.h"
#include "core/engine/beam_search.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <vector>

namespace cl::server {

/// The request for `options` with `eosIds` as the ids that end a hypothesis (empty: the
/// server's model's own). Trace and stop strings have no field: the caller refuses them or
/// turns a one-token stop string into an EOS id.
nlohmann::json beamRequest(const std::vector<int32_t>& promptIds, const BeamOptions& options,
                           const std::vector<int32_t>& eosIds, double beta);

/// One beam of the reply and the reference's log-probs of its ids.
struct RemoteBeam {
    Beam beam;
    std::vector<double> logpRef;
};

/// The reply's beams, best first; a sentence when its shape is not beam_api.h's (lengths that
/// disagree, ids that are not integers, no reference log-probs).
Result<std::vector<RemoteBeam>> parseBeamReply(const nlohmann::json& body);

} // namespace cl::server
