#pragma once
// The CreditLens scoring server (issue #16 items 1 and 4): the DPO pair behind an HTTP/JSON API,
// so a desktop client scores with models it cannot hold. Endpoints:
//   GET  /v1/models                       vLLM/OpenAI model list: "policy", "reference"
//   POST /v1/completions                  prompt log-probs in vLLM's shape (completion_api.h)
//   POST /creditlens/v1/beam              beam search + reference scoring (beam_api.h)
//   GET  /creditlens/v1/tokenizer/<file>  the model folder's tokenizer files, a fixed allow-list
// Security: a token (when set) is required as "Authorization: Bearer" on every request (401);
// bodies over maxBodyBytes get 413; a non-loopback host without a token is refused by
// bindRefusal() (server_security.h) before anything is loaded. The server never opens a path a
// client sends. Std types only; model work only through the engine's facades.
//
// Threads: httplib's pool answers requests; model work is serialized by one engine mutex (one
// engine at a time). At most maxQueued requests wait for it; more get 503 at once.

#include "core/common/result.h"

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

namespace cl {
class Model;
class Tokenizer;
} // namespace cl

namespace cl::server {

struct ServerOptions {
    std::string host = "127.0.0.1";
    int port = 8400;                     ///< 0: an ephemeral port (see bind())
    std::string token;                   ///< empty: no authentication (loopback only)
    std::size_t maxBodyBytes = 8u << 20; ///< larger request bodies get 413
    int threads = 4;                     ///< HTTP worker threads
    int maxQueued = 16;                  ///< requests waiting for the engine before 503
    int cacheEntries = 4;                ///< prefix-cache sequences per model
    std::string tokenizerFolder;         ///< where tokenizer files are served from ("" none)
};

class ScoringServer {
public:
    /// The models (and tokenizer, may be null) must outlive the server.
    ScoringServer(Model& policy, Model& reference, const Tokenizer* tokenizer,
                  ServerOptions options);
    ~ScoringServer();
    ScoringServer(const ScoringServer&) = delete;
    ScoringServer& operator=(const ScoringServer&) = delete;

    /// Checks the host/token rule and binds the socket; returns the bound port (the real one for
    /// port 0), or a sentence (refused host, address in use).
    Result<int> bind();
    /// Serves until stop(); call after a successful bind(). Blocks. Returns false if the
    /// listener failed.
    bool run();
    /// Stops run() from any thread; in-flight requests finish first.
    void stop();

    /// Tokens recomputed by the policy's and the reference's prefix caches since the start.
    int64_t recomputedTokens() const;

    struct Impl;

private:
    std::unique_ptr<Impl> m_impl;
};

} // namespace cl::server
