#include "core/server/beam_api.h"

#include "core/engine/beam_scoring.h"
#include "core/engine/model.h"

using nlohmann::json;

namespace cl::server {

namespace {

// An optional integer field in [lo, hi]; false and `error` set otherwise.
bool readInt(const json& body, const char* name, int lo, int64_t hi, int& value, ApiReply& error) {
    if (!body.contains(name)) {
        return true;
    }
    const json& v = body[name];
    if (!v.is_number_integer() || v.get<int64_t>() < lo || v.get<int64_t>() > hi) {
        error = apiError(400, std::string("\"") + name + "\" must be an integer from " +
                                  std::to_string(lo) + " to " + std::to_string(hi));
        return false;
    }
    value = v.get<int>();
    return true;
}

bool readOptions(const json& body, int64_t room, BeamOptions& o, double& beta, ApiReply& error) {
    if (!readInt(body, "width", 1, kMaxBeamWidth, o.width, error) ||
        !readInt(body, "max_tokens", 1, room, o.maxNewTokens, error) ||
        !readInt(body, "min_tokens", 0, room, o.minNewTokens, error) ||
        !readInt(body, "num_return", 1, kMaxBeamWidth, o.numReturn, error) ||
        !readInt(body, "no_repeat_ngram", 0, 16, o.noRepeatNgram, error)) {
        return false;
    }
    if (o.numReturn > o.width) {
        error = apiError(400, "\"num_return\" must not exceed \"width\"");
        return false;
    }
    if (!body.contains("max_tokens") && o.maxNewTokens > room) {
        o.maxNewTokens = static_cast<int>(room);
    }
    for (const char* name : {"beta", "length_penalty"}) {
        if (body.contains(name) && !body[name].is_number()) {
            error = apiError(400, std::string("\"") + name + "\" must be a number");
            return false;
        }
    }
    beta = body.value("beta", 0.1);
    o.lengthPenalty = body.value("length_penalty", 1.0);
    if (body.contains("early_stopping")) {
        const json& e = body["early_stopping"];
        const std::string text = e.is_boolean()  ? (e.get<bool>() ? "true" : "false")
                                 : e.is_string() ? e.get<std::string>()
                                                 : "";
        const auto parsed = parseEarlyStopping(text);
        if (!parsed) {
            error = apiError(400, "\"early_stopping\" must be true, false or \"never\"");
            return false;
        }
        o.earlyStopping = *parsed;
    }
    return true; // eos_ids are checked by the caller, against the vocabulary
}

} // namespace

ApiReply beams(const json& body, ServedModels& models) {
    if (!body.is_object()) {
        return apiError(400, "the request body must be a JSON object");
    }
    ApiReply error;
    const auto ids = promptIds(body, *models.policy, error);
    if (!ids) {
        return error;
    }
    const int64_t context = models.policy->info().maxPositions;
    const int64_t room = context > 0 ? context - static_cast<int64_t>(ids->size()) : 4096;
    if (room < 1) {
        return apiError(400, "the prompt fills the model's context: no room for new tokens");
    }
    BeamOptions options;
    double beta = 0.1;
    if (!readOptions(body, room, options, beta, error)) {
        return error;
    }
    if (body.contains("eos_ids")) {
        const auto eos = promptIds(json{{"prompt", body["eos_ids"]}}, *models.policy, error);
        if (!eos) {
            return apiError(400,
                            "\"eos_ids\": " + error.body["error"]["message"].get<std::string>());
        }
        options.eosIds = *eos;
    }
    auto found = searchAndScore(*models.policy, models.reference, nullptr, *ids, options, beta);
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
    return {200,
            {{"object", "creditlens.beams"},
             {"model", "policy"},
             {"beams", list},
             {"usage",
              {{"prompt_tokens", static_cast<int64_t>(ids->size())},
               {"completion_tokens", generated}}}}};
}

} // namespace cl::server
