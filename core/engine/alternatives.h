#pragma once
// The token inspector's alternatives at one position (issue #5): given both models' log-probs
// of every next token, the top K ranked by r(s,a) = beta (log pi_theta - log pi_ref), plausible
// tokens first, and by pi_theta. One function for the local pair (RewardScorer) and the
// scoring server (its /creditlens/v1/alternatives endpoint, issue #16). Std types only.

#include "core/engine/scoring_types.h"

#include <cstdint>
#include <vector>

namespace cl {

class Tokenizer;

/// pol/ref: log-probs over the vocabulary (rows of at least `vocab` entries; padded rows beyond
/// it are never real tokens). written: the token in the text (always plausible). Texts come
/// from `tokenizer` (null: the id as a number).
Alternatives rankAlternatives(const std::vector<float>& pol, const std::vector<float>& ref,
                              int64_t vocab, int32_t written, int k, double beta, int64_t position,
                              const Tokenizer* tokenizer);

} // namespace cl
