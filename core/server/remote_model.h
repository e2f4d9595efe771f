#pragma once
// The client side of remote scoring (issue #16 item 2): one model behind a CreditLens server
// (`creditlens-cli serve`) or vLLM's OpenAI-compatible server, named by a URL, asked for the
// log-probs of token ids through POST /v1/completions with prompt_logprobs.
//
// URL: http://HOST[:PORT]/NAME. NAME is the served model: `policy` or `reference` on a CreditLens
// server; on vLLM the name /v1/models lists (--served-model-name, or a LoRA module of
// --lora-modules NAME=PATH), which may hold slashes (http://gpu:8000/meta-llama/Llama-3-8B).
// The bearer token goes to that host and port only; redirects are not followed. Std types only.

#include "core/common/result.h"
#include "core/engine/model_info.h"
#include "core/server/completion_reply.h"

#include <nlohmann/json.hpp>

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace cl::server {

struct ModelUrl {
    std::string host;
    int port = 80;
    std::string model; ///< the served model name (the URL's path without its leading '/')
};

/// Parses http://HOST[:PORT]/NAME; a sentence for anything else (https, no name, a query...).
Result<ModelUrl> parseModelUrl(const std::string& url);

bool isModelUrl(const std::string& text); ///< starts with http:// or https://

/// The bearer token a client sends or a server checks: `given` (--token) when not empty, else
/// $CREDITLENS_TOKEN, else none.
std::string bearerToken(const std::string& given);

class RemoteModel {
public:
    ~RemoteModel();
    /// Asks GET /v1/models and checks that the URL's model is served; the sentence names the
    /// served ones otherwise, and says 401 when the token is missing or wrong.
    /// `cancel` (optional, set by another thread) stops the exchange: Error{kCancelledMessage}.
    static Result<std::unique_ptr<RemoteModel>> connect(const std::string& url,
                                                        const std::string& token,
                                                        const std::atomic<bool>* cancel = nullptr);

    /// log p(ids[i] | ids[<i]) for every i >= from (the others NaN; entry 0 always NaN), float32
    /// values as double. A CreditLens server computes only those; vLLM all of them.
    Result<std::vector<double>> logprobs(const std::vector<int32_t>& ids, int64_t from = 0);
    /// Any thread: stops the logprobs() or callCreditLens() running now (its socket is shut
    /// down; the call returns an error at once instead of waiting for the server). The server
    /// may still finish the work; nothing else changes.
    void abort();
    /// Whether the last logprobs() failed in a way another try may not: no answer, or a 5xx
    /// (503: the server's queue is full). A 4xx is about the request and stays an error.
    bool lastFailureTransient() const;
    /// The tokens the server's prefix cache held for the last logprobs() (its
    /// usage.prompt_tokens_details.cached_tokens; 0 when it does not say, as vLLM without
    /// prefix caching).
    int64_t lastCachedTokens() const;

    /// A tokenizer file from a CreditLens server (GET /creditlens/v1/tokenizer/<file>); a
    /// sentence when the server is not a CreditLens one or does not have the file.
    Result<std::string> tokenizerFile(const std::string& file,
                                      const std::atomic<bool>* cancel = nullptr);

    /// One of a CreditLens server's own endpoints (POST /creditlens/v1/beam, beam_api.h;
    /// /creditlens/v1/alternatives, alternatives_api.h): its reply body, or a sentence (not a
    /// CreditLens server, no answer, an HTTP error). `what` names the work in the sentence.
    Result<nlohmann::json> callCreditLens(const std::string& path, const nlohmann::json& request,
                                          const std::string& what);

    /// What the server says of the model: folder = the URL, device = where it runs; a vLLM
    /// server tells only its context length.
    const ModelInfo& info() const;
    /// host:port, to tell whether two URLs name one server.
    std::string endpoint() const;
    const std::string& servedName() const; ///< the model's name on the server
    const std::string& url() const;
    bool isCreditLens() const; ///< owned_by "creditlens" in /v1/models; else vLLM or alike

    struct Impl;

private:
    explicit RemoteModel(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> m_impl;
};

} // namespace cl::server
