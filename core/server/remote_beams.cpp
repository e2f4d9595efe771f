#include "core/server/remote_beams.h"

#include <string>

using nlohmann::json;

namespace cl::server {

json beamRequest(const std::vector<int32_t>& promptIds, const BeamOptions& options,
                 const std::vector<int32_t>& eosIds, double beta) {
    const char* early = options.earlyStopping == EarlyStopping::True    ? "true"
                        : options.earlyStopping == EarlyStopping::Never ? "never"
                                                                        : "false";
    json request = {{"prompt", promptIds},
                    {"width", options.width},
                    {"max_tokens", options.maxNewTokens},
                    {"min_tokens", options.minNewTokens},
                    {"num_return", options.numReturn},
                    {"no_repeat_ngram", options.noRepeatNgram},
                    {"length_penalty", options.lengthPenalty},
                    {"early_stopping", early},
                    {"beta", beta}};
    if (!eosIds.empty()) {
        request["eos_ids"] = eosIds;
    }
    return request;
}

namespace {

bool numbers(const json& beam, const char* key, size_t n, std::vector<double>& out) {
    if (!beam.contains(key) || !beam[key].is_array() || beam[key].size() != n) {
        return false;
    }
    for (const json& v : beam[key]) {
        if (!v.is_number()) {
            return false;
        }
        out.push_back(v.get<double>());
    }
    return true;
}

} // namespace

Result<std::vector<RemoteBeam>> parseBeamReply(const json& body) {
    if (!body.is_object() || !body.contains("beams") || !body["beams"].is_array() ||
        body["beams"].empty()) {
        return Error{"the server's beam search answered no beams"};
    }
    std::vector<RemoteBeam> out;
    for (const json& b : body["beams"]) {
        const std::string which = "beam " + std::to_string(out.size() + 1);
        if (!b.is_object() || !b.contains("ids") || !b["ids"].is_array()) {
            return Error{"the server's " + which + " has no ids"};
        }
        RemoteBeam r;
        for (const json& id : b["ids"]) {
            if (!id.is_number_integer()) {
                return Error{"the server's " + which + " has an id that is not an integer"};
            }
            r.beam.ids.push_back(id.get<int32_t>());
        }
        const size_t n = r.beam.ids.size();
        if (!numbers(b, "logp_policy", n, r.beam.logprobs) ||
            !numbers(b, "logp_ref", n, r.logpRef)) {
            return Error{"the server's " + which + " lacks a log-prob per id under the policy "
                                                   "and the reference"};
        }
        if (!b.contains("sum_logprob") || !b["sum_logprob"].is_number() ||
            !b.contains("score") || !b["score"].is_number() || !b.contains("finished") ||
            !b["finished"].is_boolean()) {
            return Error{"the server's " + which + " lacks its score, sum_logprob or finished"};
        }
        r.beam.sumLogprob = b["sum_logprob"].get<double>();
        r.beam.score = b["score"].get<double>();
        r.beam.finished = b["finished"].get<bool>();
        out.push_back(std::move(r));
    }
    return out;
}

} // namespace cl::server
