#pragma once
// Scoring through servers (issue #16 item 2): the policy and the reference each behind a URL (a
// CreditLens server or vLLM, remote_model.h), the tokenizer and templates here on the desktop.
// Only "log-probs of these ids" travels. The numbers are the servers' models' own: the same as a
// local RewardScorer over the same folders (tst_remote_scoring). Std types only.

#include "core/engine/score_request.h"

#include <memory>
#include <string>

namespace cl {
class Tokenizer;
}

namespace cl::server {

struct RemoteOptions {
    std::string token;        ///< bearer token for both servers (CREDITLENS_TOKEN, --token)
    std::string tokenizerDir; ///< the tokenizer's folder; empty: fetched from a CreditLens server
};

class RemoteScorer : public ResponseScorer {
public:
    ~RemoteScorer() override;
    /// Connects to both URLs (each must serve its model) and loads the tokenizer: the folder
    /// given, else the policy server's files when it is a CreditLens server (into a temporary
    /// folder). Without either, ids still score and text gets a sentence asking for
    /// --tokenizer.
    static Result<std::unique_ptr<RemoteScorer>> connect(const std::string& policyUrl,
                                                         const std::string& referenceUrl,
                                                         const RemoteOptions& options);

    /// Templated as RewardScorer::score does; both servers asked for the sequence's log-probs.
    /// `options` is ignored (the servers keep their own prefix caches).
    Result<ResponseScore> score(const ScoreRequest& request,
                                const RunOptions& options = {}) override;
    Result<ResponseScore> scoreIds(const IdsRequest& request,
                                   const RunOptions& options = {}) override;

    void setBeta(double beta);
    /// Whether the last failed call failed at a server (no answer, 5xx): worth another try,
    /// perhaps on another server. False for problems of the request itself.
    bool lastFailureTransient() const;
    const Tokenizer* tokenizer() const; ///< null without one (ids-only scoring)

    struct Impl;

private:
    explicit RemoteScorer(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> m_impl;
};

} // namespace cl::server
