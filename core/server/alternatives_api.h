#pragma once
// POST /creditlens/v1/alternatives (issue #16): the token inspector's alternatives, computed
// where the models are. Request: {"prompt": [ids before the token], "token": id, "k": 10,
// "beta": 0.1, "vocab": the client's tokenizer size}. Reply: {"object":
// "creditlens.alternatives", "by_reward": [{id, logp_policy, logp_ref, reward, plausible}],
// "by_policy": [...]}, ranked as RewardScorer::alternatives ranks them (rankAlternatives).

#include "core/server/served_models.h"

namespace cl::server {

ApiReply alternatives(const nlohmann::json& body, ServedModels& models);

} // namespace cl::server
