#include "core/server/remote_model.h"

#include "core/common/progress.h"
#include "core/server/flag_watch.h"
#include "core/server/json_int.h"

#include <httplib.h>

#include <cmath>
#include <cstdlib>
#include <limits>
#include <mutex>

using nlohmann::json;

namespace cl::server {

bool isModelUrl(const std::string& text) {
    return text.rfind("http://", 0) == 0 || text.rfind("https://", 0) == 0;
}

std::string bearerToken(const std::string& given) {
    const char* env = std::getenv("CREDITLENS_TOKEN");
    return !given.empty() ? given : env ? env : "";
}

Result<ModelUrl> parseModelUrl(const std::string& url) {
    if (url.rfind("https://", 0) == 0) {
        return Error{url + ": https is not supported; reach the server through an SSH tunnel "
                           "(ssh -L 8400:localhost:8400 gpu-host) and use http://127.0.0.1:8400/..."};
    }
    if (url.rfind("http://", 0) != 0) {
        return Error{url + " is not an http:// URL"};
    }
    const std::string rest = url.substr(7);
    const size_t slash = rest.find('/');
    const std::string authority = rest.substr(0, slash);
    ModelUrl out;
    out.model = slash == std::string::npos ? "" : rest.substr(slash + 1);
    while (!out.model.empty() && out.model.back() == '/') {
        out.model.pop_back();
    }
    if (authority.empty() || out.model.empty() || authority.find('@') != std::string::npos ||
        out.model.find_first_of("?#") != std::string::npos) {
        return Error{url + ": expected http://HOST[:PORT]/MODEL, e.g. "
                           "http://gpu-host:8400/policy (a token goes in --token or "
                           "CREDITLENS_TOKEN, never in the URL)"};
    }
    const size_t colon = authority.rfind(':');
    out.host = authority.substr(0, colon);
    if (colon != std::string::npos) {
        const std::string port = authority.substr(colon + 1);
        char* end = nullptr;
        const long p = std::strtol(port.c_str(), &end, 10);
        if (port.empty() || *end != '\0' || p < 1 || p > 65535) {
            return Error{url + ": the port `" + port + "` is not a number from 1 to 65535"};
        }
        out.port = static_cast<int>(p);
    }
    return out;
}


namespace {

/// A string field of a server's JSON object, or `fallback` (absent, or not a string).
std::string textOf(const json& o, const char* key, const std::string& fallback) {
    return o.contains(key) && o[key].is_string() ? o[key].get<std::string>() : fallback;
}

/// A count field of a server's JSON object (an integer >= 0), or 0.
int64_t count(const json& o, const char* key) {
    return o.contains(key) ? intIn(o[key], 0, INT64_MAX).value_or(0) : 0;
}

/// ModelInfo from a /v1/models card: CreditLens's creditlens_info when present (the server's
/// facts, never its paths), else only the context length.
ModelInfo cardInfo(const json& card, const std::string& url, const ModelUrl& where) {
    ModelInfo info;
    info.folder = url;
    info.maxPositions = count(card, "max_model_len");
    const std::string at = where.host + ":" + std::to_string(where.port);
    const json none = json::object();
    const json& i = card.contains("creditlens_info") && card["creditlens_info"].is_object()
                        ? card["creditlens_info"]
                        : none;
    auto text = [&](const char* key, const std::string& fallback) {
        return textOf(i, key, fallback);
    };
    auto number = [&](const char* key) { return count(i, key); };
    info.architecture = text("architecture", "served by " + textOf(card, "owned_by", "a server"));
    info.modelType = text("model_type", "");
    info.parameters = number("parameters");
    info.vocabSize = number("vocab_size");
    info.layers = static_cast<int>(number("layers"));
    info.hidden = static_cast<int>(number("hidden"));
    info.heads = static_cast<int>(number("heads"));
    info.kvHeads = static_cast<int>(number("kv_heads"));
    info.storedDtype = text("stored_dtype", "");
    info.dtype = text("dtype", "");
    info.device = text("device", "?") + " at " + at;
    info.fileFormat = text("file_format", "");
    info.weightBytes = number("weight_bytes");
    if (i.contains("eos_ids") && i["eos_ids"].is_array()) {
        for (const json& id : i["eos_ids"]) {
            if (const auto v = intIn(id, 0, INT32_MAX)) {
                info.eosIds.push_back(static_cast<int32_t>(*v));
            }
        }
        if (!info.eosIds.empty()) {
            info.eosId = info.eosIds.front();
        }
    }
    return info;
}

} // namespace

namespace {

/// usage.prompt_tokens_details.cached_tokens, 0 where the reply does not have it.
int64_t cachedTokens(const json& body) {
    const json* at = &body;
    for (const char* key : {"usage", "prompt_tokens_details", "cached_tokens"}) {
        if (!at->is_object() || !at->contains(key)) {
            return 0;
        }
        at = &(*at)[key];
    }
    return intIn(*at, 0, INT64_MAX).value_or(0);
}

} // namespace

struct RemoteModel::Impl {
    std::string url;
    ModelUrl where;
    std::string token;
    bool creditLens = false;
    bool lastTransient = false;
    int64_t lastCached = 0;
    ModelInfo info;
    std::mutex flightMutex;              // guards inFlight against abort() from another thread
    httplib::Client* inFlight = nullptr; // the client of the POST running now, if any

    /// POST on a client abort() can stop: its socket is shut down, and the call returns.
    httplib::Result post(const std::string& path, const json& body) {
        httplib::Client c = client();
        {
            std::lock_guard lock(flightMutex);
            inFlight = &c;
        }
        auto r = c.Post(path, body.dump(), "application/json");
        std::lock_guard lock(flightMutex);
        inFlight = nullptr;
        return r;
    }

    httplib::Client client() const {
        httplib::Client c(where.host, where.port);
        c.set_follow_location(false); // the token never travels to another host
        c.set_connection_timeout(10, 0);
        c.set_read_timeout(600, 0); // a long prompt on a busy server
        if (!token.empty()) {
            c.set_bearer_token_auth(token);
        }
        return c;
    }

    /// One sentence for a failed exchange: no answer, or the server's own error message.
    std::string failure(const httplib::Result& r, const std::string& what) const {
        if (!r) {
            const std::string why = r.error() == httplib::Error::Connection
                                        ? "nothing listens there"
                                        : httplib::to_string(r.error());
            return url + ": no answer from " + where.host + ":" + std::to_string(where.port) +
                   " (" + why + ")";
        }
        if (r->status == 401) {
            return url + ": the server wants a token (--token or CREDITLENS_TOKEN), or another "
                         "one (401)";
        }
        const json body = json::parse(r->body, nullptr, false);
        std::string message;
        if (body.is_object() && body.contains("error") && body["error"].is_object() &&
            body["error"].contains("message") && body["error"]["message"].is_string()) {
            message = body["error"]["message"].get<std::string>();
        } else if (body.is_object() && body.contains("message") && body["message"].is_string()) {
            message = body["message"].get<std::string>(); // vLLM's ErrorResponse
        }
        return url + ": " + what + " failed with HTTP " + std::to_string(r->status) +
               (message.empty() ? "" : ": " + message);
    }
};

RemoteModel::RemoteModel(std::unique_ptr<Impl> impl) : m_impl(std::move(impl)) {}
RemoteModel::~RemoteModel() = default;

Result<std::unique_ptr<RemoteModel>> RemoteModel::connect(const std::string& url,
                                                          const std::string& token,
                                                          const std::atomic<bool>* cancel) {
    auto where = parseModelUrl(url);
    if (!where) {
        return Error{where.error()};
    }
    auto impl = std::make_unique<Impl>();
    impl->url = url;
    impl->where = *where;
    impl->token = token;
    httplib::Client c = impl->client();
    // A model list is instant on a live server: a host that accepts the connection but does not
    // answer holds a load (which nothing can cancel yet) for 30 s, not the scoring timeout.
    c.set_read_timeout(30, 0);
    auto r = [&] {
        FlagWatch watch(cancel, [&c] { c.stop(); }); // the GUI's Cancel during a load
        return c.Get("/v1/models");
    }();
    if (cancel && cancel->load()) {
        return Error{kCancelledMessage};
    }
    if (!r || r->status != 200) {
        return Error{impl->failure(r, "listing the models (GET /v1/models)")};
    }
    const json body = json::parse(r->body, nullptr, false);
    if (!body.is_object() || !body.contains("data") || !body["data"].is_array()) {
        return Error{url + ": GET /v1/models did not answer an OpenAI model list"};
    }
    std::string served;
    for (const json& card : body["data"]) {
        if (!card.is_object() || !card.contains("id") || !card["id"].is_string()) {
            continue;
        }
        const std::string id = card["id"].get<std::string>();
        served += (served.empty() ? "" : ", ") + id;
        if (id == where->model) {
            impl->creditLens = textOf(card, "owned_by", "") == "creditlens";
            impl->info = cardInfo(card, url, *where);
            return std::unique_ptr<RemoteModel>(new RemoteModel(std::move(impl)));
        }
    }
    return Error{url + ": the server does not serve `" + where->model + "`; it serves " +
                 (served.empty() ? "nothing" : served)};
}

Result<std::vector<double>> RemoteModel::logprobs(const std::vector<int32_t>& ids,
                                                  int64_t from) {
    // vLLM generates at least one token (max_tokens >= 1) and returns the prompt's log-probs
    // beside it; a CreditLens server only scores (max_tokens 0). prompt_logprobs 0: the prompt
    // token's own entry and no alternatives.
    json request = {{"model", m_impl->where.model},
                    {"prompt", ids},
                    {"max_tokens", m_impl->creditLens ? 0 : 1},
                    {"prompt_logprobs", 0},
                    {"temperature", 0}};
    if (m_impl->creditLens) {
        request["creditlens_ranks"] = false; // the log-probs alone: no head row per position
        request["creditlens_from"] = from;   // and only where they are needed
    }
    auto r = m_impl->post("/v1/completions", request);
    m_impl->lastTransient = !r || r->status >= 500;
    if (!r || r->status != 200) {
        return Error{m_impl->failure(r, "scoring " + std::to_string(ids.size()) + " tokens")};
    }
    const json body = json::parse(r->body, nullptr, false);
    m_impl->lastCached = cachedTokens(body);
    auto lps = parsePromptLogprobs(body, ids, m_impl->creditLens ? from : 0);
    if (!lps) {
        return Error{m_impl->url + ": " + lps.error()};
    }
    return lps;
}

Result<std::string> RemoteModel::tokenizerFile(const std::string& file,
                                               const std::atomic<bool>* cancel) {
    if (!m_impl->creditLens) {
        return Error{m_impl->url + " is not a CreditLens server and serves no tokenizer files; "
                                   "give the tokenizer's folder (--tokenizer DIR)"};
    }
    httplib::Client c = m_impl->client();
    auto r = [&] {
        FlagWatch watch(cancel, [&c] { c.stop(); });
        return c.Get(("/creditlens/v1/tokenizer/" + file).c_str());
    }();
    if (cancel && cancel->load()) {
        return Error{kCancelledMessage};
    }
    if (!r || r->status != 200) {
        return Error{m_impl->failure(r, "fetching " + file)};
    }
    return r->body;
}

Result<json> RemoteModel::callCreditLens(const std::string& path, const json& request,
                                         const std::string& what) {
    if (!m_impl->creditLens) {
        return Error{m_impl->url + " is not a CreditLens server: " + what +
                     " runs on one (creditlens-cli serve)"};
    }
    auto r = m_impl->post(path, request);
    m_impl->lastTransient = !r || r->status >= 500;
    if (!r || r->status != 200) {
        return Error{m_impl->failure(r, what)};
    }
    json body = json::parse(r->body, nullptr, false);
    if (!body.is_object()) {
        return Error{m_impl->url + ": the answer to " + what + " is not a JSON object"};
    }
    return body;
}

const ModelInfo& RemoteModel::info() const {
    return m_impl->info;
}

const std::string& RemoteModel::servedName() const {
    return m_impl->where.model;
}

std::string RemoteModel::endpoint() const {
    return m_impl->where.host + ":" + std::to_string(m_impl->where.port);
}

void RemoteModel::abort() {
    std::lock_guard lock(m_impl->flightMutex);
    if (m_impl->inFlight) {
        m_impl->inFlight->stop(); // httplib: shuts the socket down; the POST errors out
    }
}

int64_t RemoteModel::lastCachedTokens() const {
    return m_impl->lastCached;
}

bool RemoteModel::lastFailureTransient() const {
    return m_impl->lastTransient;
}

const std::string& RemoteModel::url() const {
    return m_impl->url;
}

bool RemoteModel::isCreditLens() const {
    return m_impl->creditLens;
}


} // namespace cl::server
