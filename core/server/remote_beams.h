#pragma once
// Beam search through a CreditLens server (issue #16): the request body of POST
// /creditlens/v1/beam for BeamOptions (beam_api.h), and its reply back as searchAndScore's
// beams. Only ids travel; the desktop decodes and spans them (scoredBeam), so remote beams
// look exactly like local ones. Std types only.

#include "core/common/result.h"
#include "core/engine/beam_search.h"
#include "core/engine/beam_trace.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <vector>

namespace cl::server {

/// The request for `options` with `eosIds` as the ids that end a hypothesis (empty: the
/// server's model's own); options.trace asks for the tree. Stop strings have no field: the
/// caller turns a one-token stop string into an EOS id or refuses it.
nlohmann::json beamRequest(const std::vector<int32_t>& promptIds, const BeamOptions& options,
                           const std::vector<int32_t>& eosIds, double beta);

/// The step-by-step tree of a search as the beam reply's "trace": compact rows
/// [parent, parent_slot, rank, token, fate (0 kept, 1 finished, 2 pruned), logp_policy,
/// beam_score, logp_ref, reward] per node (NaN as null), beam_rows and finals [step, node].
nlohmann::json traceToJson(const BeamTrace& trace);
/// The reply's trace back (texts empty: the desktop spells them). A sentence when a row does
/// not have that shape or an index points outside the tree (a parent, a beam row, a final),
/// since the beam tree view follows them.
Result<BeamTrace> parseTrace(const nlohmann::json& trace);

/// One beam of the reply and the reference's log-probs of its ids.
struct RemoteBeam {
    Beam beam;
    std::vector<double> logpRef;
};

/// The reply's beams, best first; a sentence when its shape is not beam_api.h's (lengths that
/// disagree, ids that are not integers, no reference log-probs).
Result<std::vector<RemoteBeam>> parseBeamReply(const nlohmann::json& body);

} // namespace cl::server
