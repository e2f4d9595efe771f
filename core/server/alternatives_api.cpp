#include "core/server/alternatives_api.h"

#include "core/engine/alternatives.h"

using nlohmann::json;

namespace cl::server {

namespace {

json list(const std::vector<Alternative>& alternatives) {
    json out = json::array();
    for (const Alternative& a : alternatives) {
        out.push_back({{"id", a.id},
                       {"logp_policy", a.logpPolicy},
                       {"logp_ref", a.logpRef},
                       {"reward", a.reward},
                       {"plausible", a.plausible}});
    }
    return out;
}

} // namespace

ApiReply alternatives(const json& body, ServedModels& models) {
    ApiReply error;
    const auto request = parseAlternativesRequest(body, limitsOf(*models.policy), error);
    if (!request) {
        return error;
    }
    // Both rows through the prefix caches: the inspector asks about text just scored.
    auto pol = models.policyCache->nextRow(request->context);
    if (!pol) {
        return apiError(400, pol.error());
    }
    auto ref = models.referenceCache->nextRow(request->context);
    if (!ref) {
        return apiError(400, ref.error());
    }
    const Alternatives a = rankAlternatives(*pol, *ref, request->vocab, request->token, request->k,
                                            request->beta, 0, nullptr);
    return {200,
            {{"object", "creditlens.alternatives"},
             {"by_reward", list(a.byReward)},
             {"by_policy", list(a.byPolicy)}}};
}

} // namespace cl::server
