#include "core/server/request_fields.h"

#include "core/server/json_int.h"

using nlohmann::json;

namespace cl::server {

ApiReply apiError(int status, const std::string& message) {
    const char* type = status == 401   ? "authentication_error"
                       : status == 404 ? "not_found_error"
                       : status == 413 ? "request_too_large"
                       : status == 503 ? "server_busy"
                       : status >= 500 ? "internal_error"
                                       : "invalid_request_error";
    return {status,
            json{{"error",
                  {{"message", message}, {"type", type}, {"param", nullptr}, {"code", status}}}}};
}

std::optional<std::vector<int32_t>> readIds(const json& body, const char* field,
                                            const ModelLimits& limits, ApiReply& error) {
    const std::string name = std::string("\"") + field + "\"";
    if (!body.contains(field)) {
        error = apiError(400, "the request has no " + name + ": send a list of token ids");
        return std::nullopt;
    }
    const json* p = &body[field];
    if (p->is_array() && p->size() == 1 && (*p)[0].is_array()) {
        p = &(*p)[0];
    }
    if (!p->is_array()) {
        error = apiError(400, name + " must be a list of token ids: this server does not "
                                     "tokenize text (the client holds the tokenizer)");
        return std::nullopt;
    }
    if (p->empty()) {
        error = apiError(400, name + " holds no token ids");
        return std::nullopt;
    }
    if (limits.context > 0 && static_cast<int64_t>(p->size()) > limits.context) {
        error = apiError(400, name + " has " + std::to_string(p->size()) +
                                  " ids, more than the model's context of " +
                                  std::to_string(limits.context) + " tokens");
        return std::nullopt;
    }
    std::vector<int32_t> ids;
    ids.reserve(p->size());
    for (const json& v : *p) {
        if (!v.is_number_integer()) {
            error = apiError(400, name + " must hold integer token ids only");
            return std::nullopt;
        }
        const auto id = intIn(v, 0, limits.vocab - 1);
        if (!id) {
            error =
                apiError(400, "token id " + v.dump() + " is outside the model's vocabulary (0.." +
                                  std::to_string(limits.vocab - 1) + ")");
            return std::nullopt;
        }
        ids.push_back(static_cast<int32_t>(*id));
    }
    return ids;
}

namespace {

/// Whether an optional field was sent: absent and null both leave the default.
bool present(const json& body, const char* name) {
    return body.contains(name) && !body[name].is_null();
}

/// An optional integer field in [lo, hi] into `value` (an int or an int64_t).
template <typename Int>
bool readInt(const json& body, const char* name, int64_t lo, int64_t hi, Int& value,
             ApiReply& error) {
    if (!present(body, name)) {
        return true;
    }
    const auto v = intIn(body[name], lo, hi);
    if (!v) {
        error = apiError(400, std::string("\"") + name + "\" must be an integer from " +
                                  std::to_string(lo) + " to " + std::to_string(hi));
        return false;
    }
    value = static_cast<Int>(*v);
    return true;
}

/// An optional field of one JSON type (`is`: json::is_boolean, json::is_number) into `value`;
/// `what` says what it must be.
template <typename T>
bool readTyped(const json& body, const char* name, bool (json::*is)() const noexcept,
               const char* what, T& value, ApiReply& error) {
    if (!present(body, name)) {
        return true;
    }
    if (!(body[name].*is)()) {
        error = apiError(400, std::string("\"") + name + "\" must be " + what);
        return false;
    }
    value = body[name].get<T>();
    return true;
}

bool readBool(const json& body, const char* name, bool& value, ApiReply& error) {
    return readTyped(body, name, &json::is_boolean, "true or false", value, error);
}

bool readNumber(const json& body, const char* name, double& value, ApiReply& error) {
    return readTyped(body, name, &json::is_number, "a number", value, error);
}

} // namespace

std::optional<CompletionRequest> parseCompletionRequest(const json& body, const ModelLimits& policy,
                                                        const ModelLimits& reference,
                                                        ApiReply& error) {
    if (!body.is_object()) {
        error = apiError(400, "the request body must be a JSON object");
        return std::nullopt;
    }
    const std::string model = body.contains("model") && body["model"].is_string()
                                  ? body["model"].get<std::string>()
                                  : std::string();
    if (model != "policy" && model != "reference") {
        // At most 64 bytes of what was sent go back into the sentence.
        error = apiError(404, "the model `" + model.substr(0, 64) +
                                  "` does not exist: this server serves `policy` and `reference`");
        return std::nullopt;
    }
    CompletionRequest r;
    r.policy = model == "policy";
    if (!readInt(body, "logprobs", 0, kMaxLogprobs, r.logprobs, error) ||
        !readInt(body, "prompt_logprobs", 0, kMaxLogprobs, r.promptLogprobs, error) ||
        !readBool(body, "echo", r.echo, error) ||
        !readBool(body, "creditlens_ranks", r.ranks, error) ||
        !readBool(body, "return_tokens_as_token_ids", r.idsAsTokens, error)) {
        return std::nullopt;
    }
    if (body.contains("max_tokens") && body["max_tokens"] != 0) {
        error = apiError(400, "this server scores prompts only: \"max_tokens\" must be 0");
        return std::nullopt;
    }
    if (r.logprobs >= 0 && !r.echo) {
        error = apiError(400, "\"logprobs\" with \"max_tokens\": 0 needs \"echo\": true "
                              "(the log-probs are the prompt's)");
        return std::nullopt;
    }
    auto ids = readIds(body, "prompt", r.policy ? policy : reference, error);
    if (!ids) {
        return std::nullopt;
    }
    r.ids = std::move(*ids);
    // Echo's log-probs come with their ranks; only the prompt_logprobs alone may spare them.
    r.ranks = r.ranks || r.logprobs >= 0;
    if (!r.ranks && !readInt(body, "creditlens_from", 0, INT64_MAX, r.from, error)) {
        return std::nullopt;
    }
    return r;
}

std::optional<BeamRequest> parseBeamRequest(const json& body, const ModelLimits& policy,
                                            ApiReply& error) {
    if (!body.is_object()) {
        error = apiError(400, "the request body must be a JSON object");
        return std::nullopt;
    }
    BeamRequest r;
    auto ids = readIds(body, "prompt", policy, error);
    if (!ids) {
        return std::nullopt;
    }
    r.promptIds = std::move(*ids);
    const int64_t room =
        policy.context > 0 ? policy.context - static_cast<int64_t>(r.promptIds.size()) : 4096;
    if (room < 1) {
        error = apiError(400, "the prompt fills the model's context: no room for new tokens");
        return std::nullopt;
    }
    BeamOptions& o = r.options;
    if (!readInt(body, "width", 1, kMaxBeamWidth, o.width, error) ||
        !readInt(body, "max_tokens", 1, room, o.maxNewTokens, error) ||
        !readInt(body, "min_tokens", 0, room, o.minNewTokens, error) ||
        !readInt(body, "num_return", 1, kMaxBeamWidth, o.numReturn, error) ||
        !readInt(body, "no_repeat_ngram", 0, 16, o.noRepeatNgram, error) ||
        !readNumber(body, "beta", r.beta, error) ||
        !readNumber(body, "length_penalty", o.lengthPenalty, error) ||
        !readBool(body, "trace", r.trace, error)) {
        return std::nullopt;
    }
    if (o.numReturn > o.width) {
        error = apiError(400, "\"num_return\" must not exceed \"width\"");
        return std::nullopt;
    }
    if (!body.contains("max_tokens") && o.maxNewTokens > room) {
        o.maxNewTokens = static_cast<int>(room);
    }
    if (body.contains("early_stopping")) {
        const json& e = body["early_stopping"];
        const std::string text = e.is_boolean()  ? (e.get<bool>() ? "true" : "false")
                                 : e.is_string() ? e.get<std::string>()
                                                 : "";
        const auto parsed = parseEarlyStopping(text);
        if (!parsed) {
            error = apiError(400, "\"early_stopping\" must be true, false or \"never\"");
            return std::nullopt;
        }
        o.earlyStopping = *parsed;
    }
    if (body.contains("eos_ids")) {
        auto eos = readIds(body, "eos_ids", policy, error);
        if (!eos) {
            return std::nullopt;
        }
        o.eosIds = std::move(*eos);
    }
    return r;
}

std::optional<AlternativesRequest>
parseAlternativesRequest(const json& body, const ModelLimits& policy, ApiReply& error) {
    if (!body.is_object()) {
        error = apiError(400, "the request body must be a JSON object");
        return std::nullopt;
    }
    AlternativesRequest r;
    auto ids = readIds(body, "prompt", policy, error);
    if (!ids) {
        return std::nullopt;
    }
    r.context = std::move(*ids);
    if (policy.context > 0 && static_cast<int64_t>(r.context.size()) >= policy.context) {
        error = apiError(400, "the prompt fills the model's context: no position is left for "
                              "the token");
        return std::nullopt;
    }
    int64_t token = -1;
    r.vocab = policy.vocab;
    if (!present(body, "token")) {
        error = apiError(400, "the request has no \"token\": the id whose alternatives to rank");
        return std::nullopt;
    }
    if (!readInt(body, "token", 0, policy.vocab - 1, token, error) ||
        !readInt(body, "k", 1, kMaxAlternatives, r.k, error) ||
        // Clipped to the model's rows when ranked, as locally: a tokenizer may list more ids
        // than the embedding has (a load warning), never fewer than it names.
        !readInt(body, "vocab", 1, INT32_MAX, r.vocab, error) ||
        !readNumber(body, "beta", r.beta, error)) {
        return std::nullopt;
    }
    r.token = static_cast<int32_t>(token);
    return r;
}

} // namespace cl::server
