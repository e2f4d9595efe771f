#pragma once
// JSON shapes of the CLI contracts (issues #5 and #7).

#include "core/engine/beam_scoring.h"
#include "core/engine/scoring_types.h"

#include <nlohmann/json.hpp>

namespace cl::cli {

/// {"tokens":[{"id","text","start","end","logp_policy","logp_ref","reward"}...],
///  "reward_sum", "reward_mean"}
nlohmann::json toJson(const ResponseScore& score);

/// {"ids","text","sum_logprob","score","length","reward_sum"|null} (+ "tokens" when scored)
nlohmann::json toJson(const ScoredBeam& beam);

} // namespace cl::cli
