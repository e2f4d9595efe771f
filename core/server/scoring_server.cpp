#include "core/server/scoring_server.h"

#include "core/engine/model.h"
#include "core/server/alternatives_api.h"
#include "core/server/beam_api.h"
#include "core/server/completion_api.h"
#include "core/server/prefix_cache.h"
#include "core/server/server_security.h"

#include <httplib.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <sstream>

using nlohmann::json;

namespace cl::server {

namespace {

constexpr const char* kJson = "application/json";
// Tokenizer files larger than this are not served (the largest real tokenizer.json are ~20 MB).
constexpr std::uintmax_t kMaxTokenizerFileBytes = 64u << 20;

void send(httplib::Response& res, const ApiReply& reply) {
    res.status = reply.status;
    // Full double precision (nlohmann prints the shortest string that round-trips), so a client
    // reads back exactly the float32 values the engine computed.
    res.set_content(reply.body.dump(), kJson);
}

} // namespace

struct ScoringServer::Impl {
    Model& policy;
    Model& reference;
    const Tokenizer* tokenizer;
    ServerOptions options;
    PrefixCache policyCache;
    PrefixCache referenceCache;
    std::mutex engine;           ///< one engine at a time
    std::atomic<int> waiting{0}; ///< requests holding or waiting for `engine`
    httplib::Server http;
    bool bound = false;

    Impl(Model& p, Model& r, const Tokenizer* t, ServerOptions o)
        : policy(p), reference(r), tokenizer(t), options(std::move(o)),
          policyCache(p, options.cacheEntries), referenceCache(r, options.cacheEntries) {}

    ServedModels served() {
        return {&policy, &reference, &policyCache, &referenceCache, tokenizer};
    }

    // Runs model work under the engine mutex, refusing when too many already wait.
    template <class Fn> void withEngine(httplib::Response& res, Fn&& fn) {
        if (waiting.fetch_add(1) >= options.maxQueued) {
            waiting.fetch_sub(1);
            send(res, apiError(503, "the server is busy: " + std::to_string(options.maxQueued) +
                                        " requests already wait for the model; retry later"));
            return;
        }
        try {
            std::lock_guard<std::mutex> lock(engine);
            send(res, fn());
        } catch (const std::exception& e) {
            send(res, apiError(500, std::string("the server failed: ") + e.what()));
        }
        waiting.fetch_sub(1);
    }

    // Parses a JSON body; a 400 reply in `error` when it is not JSON.
    static std::optional<json> parse(const httplib::Request& req, ApiReply& error) {
        json body = json::parse(req.body, nullptr, /*allow_exceptions=*/false);
        if (body.is_discarded()) {
            error = apiError(400, "the request body is not valid JSON");
            return std::nullopt;
        }
        return body;
    }

    void postJson(const char* path, ApiReply (*api)(const json&, ServedModels&)) {
        http.Post(path, [this, api](const httplib::Request& req, httplib::Response& res) {
            ApiReply error;
            auto body = parse(req, error);
            if (!body) {
                send(res, error);
                return;
            }
            withEngine(res, [&] {
                ServedModels m = served();
                return api(*body, m);
            });
        });
    }

    void serveTokenizerFile(const std::string& name, httplib::Response& res) {
        // The name is only ever compared with the allow-list; the path is built from the
        // server's own folder, never from anything the client sent.
        namespace fs = std::filesystem;
        if (!isServedTokenizerFile(name) || options.tokenizerFolder.empty()) {
            send(res, apiError(404, "no such tokenizer file: the server hands out only "
                                    "tokenizer.json, tokenizer_config.json, tokenizer.model, "
                                    "special_tokens_map.json and generation_config.json"));
            return;
        }
        const fs::path file = fs::path(options.tokenizerFolder) / name; // an allow-listed name
        std::error_code ec;
        const auto size = fs::file_size(file, ec);
        if (ec || !fs::is_regular_file(file) || size > kMaxTokenizerFileBytes) {
            send(res, apiError(404, "the model folder has no " + name));
            return;
        }
        std::ifstream in(file, std::ios::binary);
        std::ostringstream data;
        data << in.rdbuf();
        res.status = 200;
        res.set_content(data.str(), name.size() > 5 && name.substr(name.size() - 5) == ".json"
                                        ? kJson
                                        : "application/octet-stream");
    }

    void routes() {
        http.set_payload_max_length(options.maxBodyBytes);
        const int threads = std::max(1, options.threads);
        http.new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
        const std::string token = options.token;
        http.set_pre_routing_handler([token](const httplib::Request& req, httplib::Response& res) {
            if (token.empty() || bearerMatches(req.get_header_value("Authorization"), token)) {
                return httplib::Server::HandlerResponse::Unhandled;
            }
            send(res, apiError(401, "missing or wrong token: send \"Authorization: Bearer "
                                    "<token>\" with the server's token"));
            return httplib::Server::HandlerResponse::Handled;
        });
        http.set_error_handler(httplib::Server::HandlerWithResponse(
            [](const httplib::Request& req, httplib::Response& res) {
                if (!res.body.empty()) {
                    return httplib::Server::HandlerResponse::Unhandled;
                }
                const std::string message =
                    res.status == 413 ? "the request body is too large for this server"
                    : res.status == 404
                        ? "no such endpoint: " + req.path
                        : "the request failed with HTTP status " + std::to_string(res.status);
                send(res, apiError(res.status, message));
                return httplib::Server::HandlerResponse::Handled;
            }));
        http.Get("/v1/models", [this](const httplib::Request&, httplib::Response& res) {
            send(res, {200, modelsBody(served())});
        });
        postJson("/v1/completions", &completions);
        postJson("/creditlens/v1/beam", &beams);
        postJson("/creditlens/v1/alternatives", &alternatives);
        http.Get(R"(/creditlens/v1/tokenizer/(.+))",
                 [this](const httplib::Request& req, httplib::Response& res) {
                     serveTokenizerFile(req.matches[1].str(), res);
                 });
    }
};

ScoringServer::ScoringServer(Model& policy, Model& reference, const Tokenizer* tokenizer,
                             ServerOptions options)
    : m_impl(std::make_unique<Impl>(policy, reference, tokenizer, std::move(options))) {
    m_impl->routes();
}

ScoringServer::~ScoringServer() {
    stop();
}

Result<int> ScoringServer::bind() {
    const ServerOptions& o = m_impl->options;
    if (auto refusal = bindRefusal(o.host, o.token)) {
        return Error{*refusal};
    }
    int port = o.port;
    if (o.port == 0) {
        port = m_impl->http.bind_to_any_port(o.host);
        if (port < 0) {
            return Error{"cannot listen on " + o.host + ": no free port"};
        }
    } else if (!m_impl->http.bind_to_port(o.host, o.port)) {
        return Error{"cannot listen on " + o.host + ":" + std::to_string(o.port) +
                     " (address in use, or not an address of this machine)"};
    }
    m_impl->bound = true;
    return port;
}

bool ScoringServer::run() {
    return m_impl->bound && m_impl->http.listen_after_bind();
}

void ScoringServer::stop() {
    m_impl->http.stop();
}

int64_t ScoringServer::recomputedTokens() const {
    std::lock_guard<std::mutex> lock(m_impl->engine);
    return m_impl->policyCache.totalRecomputed() + m_impl->referenceCache.totalRecomputed();
}

} // namespace cl::server
