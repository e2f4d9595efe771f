#include "core/server/beam_api.h"

#include "core/engine/beam_scoring.h"
#include "core/engine/model.h"
#include "core/server/remote_beams.h"

using nlohmann::json;

namespace cl::server {

ApiReply beams(const json& body, ServedModels& models) {
    ApiReply error;
    const auto request = parseBeamRequest(body, limitsOf(*models.policy), error);
    if (!request) {
        return error;
    }
    const std::vector<int32_t>* ids = &request->promptIds;
    BeamTrace trace;
    BeamOptions options = request->options;
    options.trace = request->trace ? &trace : nullptr;
    auto found = searchAndScore(*models.policy, models.reference, nullptr, *ids, options,
                                request->beta);
    if (!found) {
        return apiError(400, found.error());
    }
    json list = json::array();
    int64_t generated = 0;
    for (const ScoredBeam& b : *found) {
        json logpRef = json::array(), rewards = json::array();
        double rewardSum = 0.0;
        if (b.reward) {
            for (const TokenScore& t : b.reward->tokens) {
                logpRef.push_back(t.logpRef);
                rewards.push_back(t.reward);
            }
            rewardSum = b.reward->rewardSum;
        }
        generated += static_cast<int64_t>(b.beam.ids.size());
        list.push_back({{"ids", b.beam.ids},
                        {"score", b.beam.score},
                        {"sum_logprob", b.beam.sumLogprob},
                        {"finished", b.beam.finished},
                        {"logp_policy", b.beam.logprobs},
                        {"logp_ref", logpRef},
                        {"rewards", rewards},
                        {"reward_sum", rewardSum}});
    }
    json reply = {{"object", "creditlens.beams"},
                  {"model", "policy"},
                  {"beams", list},
                  {"usage",
                   {{"prompt_tokens", static_cast<int64_t>(ids->size())},
                    {"completion_tokens", generated}}}};
    if (request->trace) {
        reply["trace"] = traceToJson(trace);
    }
    return {200, reply};
}

} // namespace cl::server
