#include "core/server/completion_api.h"

#include "core/engine/model.h"
#include "core/text/tokenizer.h"

#include <chrono>
#include <cmath>

using nlohmann::json;

namespace cl::server {

namespace {

json modelCard(const std::string& name, const Model& m) {
    // vLLM's ModelCard: id, object, created, owned_by, root, max_model_len; plus what a
    // desktop's Models panel shows (never the server's paths).
    const ModelInfo& i = m.info();
    const json info = {{"architecture", i.architecture}, {"model_type", i.modelType},
                       {"parameters", i.parameters},     {"vocab_size", i.vocabSize},
                       {"layers", i.layers},             {"hidden", i.hidden},
                       {"heads", i.heads},               {"kv_heads", i.kvHeads},
                       {"stored_dtype", i.storedDtype},  {"dtype", i.dtype},
                       {"device", i.device},             {"file_format", i.fileFormat},
                       {"weight_bytes", i.weightBytes},  {"eos_ids", i.eosIds}};
    return {{"id", name},   {"object", "model"},
            {"created", 0}, {"owned_by", "creditlens"},
            {"root", name}, {"max_model_len", i.maxPositions},
            {"creditlens_info", info}};
}

// How a token is spelled in responses: the tokenizer's vocab piece (vLLM's
// convert_ids_to_tokens), or "token_id:N" (vLLM's --return-tokens-as-token-ids) without one.
std::string piece(const ServedModels& m, int32_t id, bool asIds) {
    if (asIds || m.tokenizer == nullptr) {
        return "token_id:" + std::to_string(id);
    }
    return m.tokenizer->idToPiece(id);
}

json decoded(const ServedModels& m, int32_t id) {
    if (m.tokenizer == nullptr) {
        return nullptr;
    }
    try {
        return m.tokenizer->decode({id});
    } catch (const std::exception&) {
        return nullptr;
    }
}

json echoLogprobs(const ServedModels& m, const PromptScores& s, bool asIds) {
    json tokens = json::array(), values = json::array(), top = json::array(),
         offsets = json::array();
    size_t offset = 0;
    for (size_t i = 0; i < s.ids.size(); ++i) {
        const std::string tok = piece(m, s.ids[i], asIds);
        tokens.push_back(tok);
        offsets.push_back(offset);
        offset += tok.size();
        if (i == 0) {
            values.push_back(nullptr);
            top.push_back(nullptr);
            continue;
        }
        values.push_back(s.logprobs[i]);
        json alt = json::object();
        alt[tok] = s.logprobs[i];
        for (const auto& [id, lp] : s.top[i]) {
            alt[piece(m, id, asIds)] = lp;
        }
        top.push_back(std::move(alt));
    }
    return {{"tokens", tokens},
            {"token_logprobs", values},
            {"top_logprobs", top},
            {"text_offset", offsets}};
}

json promptLogprobs(const ServedModels& m, const PromptScores& s) {
    json out = json::array();
    out.push_back(nullptr);
    const bool ranked = !s.ranks.empty(); // "creditlens_ranks": false leaves ranks and top out
    for (size_t i = 1; i < s.ids.size(); ++i) {
        json entry = json::object();
        entry[std::to_string(s.ids[i])] = {{"logprob", s.logprobs[i]},
                                           {"rank", ranked ? json(s.ranks[i]) : json(nullptr)},
                                           {"decoded_token", decoded(m, s.ids[i])}};
        if (!ranked) {
            out.push_back(std::isnan(s.logprobs[i]) ? json(nullptr) : std::move(entry));
            continue;
        }
        int64_t rank = 1;
        for (const auto& [id, lp] : s.top[i]) {
            if (id != s.ids[i]) {
                entry[std::to_string(id)] = {
                    {"logprob", lp}, {"rank", rank}, {"decoded_token", decoded(m, id)}};
            }
            ++rank;
        }
        out.push_back(std::move(entry));
    }
    return out;
}

} // namespace

json modelsBody(const ServedModels& models) {
    return {{"object", "list"},
            {"data", json::array({modelCard("policy", *models.policy),
                                  modelCard("reference", *models.reference)})}};
}

ApiReply completions(const json& body, ServedModels& models) {
    ApiReply error;
    const auto request = parseCompletionRequest(body, limitsOf(*models.policy),
                                                limitsOf(*models.reference), error);
    if (!request) {
        return error;
    }
    const std::string name = request->policy ? "policy" : "reference";
    PrefixCache& cache = request->policy ? *models.policyCache : *models.referenceCache;
    const std::vector<int32_t>* ids = &request->ids;
    const int logprobs = request->logprobs, promptK = request->promptLogprobs;
    const bool echo = request->echo;
    // CreditLens's own client asks for the log-probs alone ("creditlens_ranks": false): each
    // rank needs a full head row per position, three times the cost of a score (issue #16).
    // With it, "creditlens_from": k scores positions from k on (a response after its prompt);
    // the entries before k are null.
    auto scored = cache.score(*ids, request->ranks ? std::max(logprobs, promptK) : -1,
                              request->from);
    if (!scored) {
        return apiError(400, scored.error());
    }
    const bool asIds = request->idsAsTokens;
    json choice = {{"index", 0},
                   {"text", echo && models.tokenizer ? models.tokenizer->decode(*ids) : ""},
                   {"logprobs", nullptr},
                   {"finish_reason", "length"},
                   {"stop_reason", nullptr},
                   {"prompt_logprobs", nullptr}};
    if (logprobs >= 0) {
        choice["logprobs"] = echoLogprobs(models, *scored, asIds);
    }
    if (promptK >= 0) {
        choice["prompt_logprobs"] = promptLogprobs(models, *scored);
    }
    const auto n = static_cast<int64_t>(ids->size());
    const auto now = std::chrono::duration_cast<std::chrono::seconds>(
                         std::chrono::system_clock::now().time_since_epoch())
                         .count();
    return {200,
            {{"id", "cmpl-creditlens-" + std::to_string(now)},
             {"object", "text_completion"},
             {"created", now},
             {"model", name},
             {"choices", json::array({choice})},
             {"usage",
              {{"prompt_tokens", n},
               {"completion_tokens", 0},
               {"total_tokens", n},
               {"prompt_tokens_details", {{"cached_tokens", scored->cachedTokens}}},
               {"recomputed_tokens", scored->recomputedTokens}}}}};
}

} // namespace cl::server
