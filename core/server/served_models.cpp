#include "core/server/served_models.h"

#include "core/engine/model.h"

namespace cl::server {

ApiReply apiError(int status, const std::string& message) {
    const char* type = status == 401   ? "authentication_error"
                       : status == 404 ? "not_found_error"
                       : status == 413 ? "request_too_large"
                       : status == 503 ? "server_busy"
                       : status >= 500 ? "internal_error"
                                       : "invalid_request_error";
    return {status,
            nlohmann::json{
                {"error",
                 {{"message", message}, {"type", type}, {"param", nullptr}, {"code", status}}}}};
}

std::optional<std::vector<int32_t>> promptIds(const nlohmann::json& body, const Model& model,
                                              ApiReply& error) {
    if (!body.contains("prompt")) {
        error = apiError(400, "the request has no \"prompt\": send a list of token ids");
        return std::nullopt;
    }
    const nlohmann::json* p = &body["prompt"];
    if (p->is_array() && p->size() == 1 && (*p)[0].is_array()) {
        p = &(*p)[0];
    }
    if (!p->is_array()) {
        error = apiError(400, "\"prompt\" must be a list of token ids: this server does not "
                              "tokenize text (the client holds the tokenizer)");
        return std::nullopt;
    }
    const int64_t vocab = model.info().vocabSize;
    const int64_t context = model.info().maxPositions;
    if (p->empty()) {
        error = apiError(400, "\"prompt\" holds no token ids");
        return std::nullopt;
    }
    if (context > 0 && static_cast<int64_t>(p->size()) > context) {
        error = apiError(400, "the prompt has " + std::to_string(p->size()) +
                                  " ids, more than the model's context of " +
                                  std::to_string(context) + " tokens");
        return std::nullopt;
    }
    std::vector<int32_t> ids;
    ids.reserve(p->size());
    for (const nlohmann::json& v : *p) {
        if (!v.is_number_integer()) {
            error = apiError(400, "\"prompt\" must hold integer token ids only");
            return std::nullopt;
        }
        const int64_t id = v.get<int64_t>();
        if (id < 0 || id >= vocab) {
            error = apiError(400, "token id " + std::to_string(id) +
                                      " is outside the model's vocabulary (0.." +
                                      std::to_string(vocab - 1) + ")");
            return std::nullopt;
        }
        ids.push_back(static_cast<int32_t>(id));
    }
    return ids;
}

} // namespace cl::server
