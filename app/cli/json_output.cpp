#include "app/cli/json_output.h"

namespace cl::cli {

nlohmann::json toJson(const ResponseScore& score) {
    nlohmann::json tokens = nlohmann::json::array();
    for (const TokenScore& t : score.tokens) {
        tokens.push_back({{"id", t.id},
                          {"text", t.text},
                          {"start", t.start},
                          {"end", t.end},
                          {"logp_policy", t.logpPolicy},
                          {"logp_ref", t.logpRef},
                          {"reward", t.reward}});
    }
    return {{"tokens", tokens}, {"reward_sum", score.rewardSum}, {"reward_mean", score.rewardMean}};
}

nlohmann::json toJson(const ScoredBeam& b) {
    nlohmann::json j = {{"ids", b.beam.ids},
                        {"text", b.text},
                        {"sum_logprob", b.beam.sumLogprob},
                        {"score", b.beam.score},
                        {"length", b.beam.ids.size()},
                        {"finished", b.beam.finished},
                        {"reward_sum", nullptr}};
    if (b.reward) {
        j["reward_sum"] = b.reward->rewardSum;
        j["tokens"] = toJson(*b.reward)["tokens"];
    }
    return j;
}

} // namespace cl::cli
