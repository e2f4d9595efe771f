#include "core/server/remote_alternatives.h"

#include "core/server/json_int.h"

#include <algorithm>
#include <string>

using nlohmann::json;

namespace cl::server {

json alternativesRequest(const std::vector<int32_t>& context, int32_t token, int k, double beta,
                         int64_t vocab) {
    return {{"prompt", context}, {"token", token}, {"k", k}, {"beta", beta}, {"vocab", vocab}};
}

namespace {

bool readList(const json& body, const char* key, int k, std::vector<Alternative>& out) {
    if (!body.contains(key) || !body[key].is_array() ||
        body[key].size() > static_cast<size_t>(std::max(k, 0))) {
        return false;
    }
    for (const json& e : body[key]) {
        const bool ok = e.is_object() && e.contains("id") && intIn(e["id"], INT32_MIN, INT32_MAX) &&
                        e.contains("logp_policy") && e["logp_policy"].is_number() &&
                        e.contains("logp_ref") && e["logp_ref"].is_number() &&
                        e.contains("reward") && e["reward"].is_number() &&
                        e.contains("plausible") && e["plausible"].is_boolean();
        if (!ok) {
            return false;
        }
        Alternative a;
        a.id = e["id"].get<int32_t>();
        a.logpPolicy = e["logp_policy"].get<double>();
        a.logpRef = e["logp_ref"].get<double>();
        a.reward = e["reward"].get<double>();
        a.plausible = e["plausible"].get<bool>();
        out.push_back(std::move(a));
    }
    return true;
}

} // namespace

Result<Alternatives> parseAlternativesReply(const json& body, int64_t position, int k) {
    Alternatives out;
    out.position = position;
    if (!body.is_object() || !readList(body, "by_reward", k, out.byReward) ||
        !readList(body, "by_policy", k, out.byPolicy)) {
        return Error{"the server's alternatives are not lists of at most " + std::to_string(k) +
                     " {id, logp_policy, logp_ref, reward, plausible}"};
    }
    return out;
}

} // namespace cl::server
