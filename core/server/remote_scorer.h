#pragma once
// Scoring through servers (issue #16 item 2): the policy and the reference each behind a URL (a
// CreditLens server or vLLM, remote_model.h), the tokenizer and templates here on the desktop.
// Only "log-probs of these ids" travels. The numbers are the servers' models' own: the same as a
// local RewardScorer over the same folders (tst_remote_scoring). Std types only.

#include "core/engine/pair_scorer.h"

#include <atomic>
#include <memory>
#include <string>

namespace cl {
class Tokenizer;
}

namespace cl::server {

struct RemoteOptions {
    std::string token;        ///< bearer token for both servers (CREDITLENS_TOKEN, --token)
    std::string tokenizerDir; ///< the tokenizer's folder; empty: fetched from a CreditLens server
    /// Set by another thread (the GUI's Cancel): connecting stops, connect() returns
    /// Error{kCancelledMessage}. Read only while connect() runs.
    const std::atomic<bool>* cancel = nullptr;
};

class RemoteScorer : public PairScorer {
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
    /// Of `options` only the cancel ticket counts (the servers keep their own prefix caches).
    Result<ResponseScore> score(const ScoreRequest& request,
                                const RunOptions& options = {}) override;
    Result<ResponseScore> scoreIds(const IdsRequest& request,
                                   const RunOptions& options = {}) override;

    /// On a CreditLens server serving both (http://H:P/policy and http://H:P/reference): its
    /// beam search, the beams (and with options.trace the step-by-step tree) decoded and spanned
    /// here. A stop string must be one token (it travels as an EOS id); vLLM gets a sentence.
    Result<std::vector<ScoredBeam>> searchBeams(const std::vector<int32_t>& promptIds,
                                                const BeamOptions& options,
                                                const ProgressFn& progress = {},
                                                const std::atomic<bool>* cancel = nullptr) override;

    /// On a CreditLens server serving both: ranked there (/creditlens/v1/alternatives) over the
    /// whole vocabulary, spelled here. vLLM gets a sentence.
    Result<Alternatives> alternatives(const ScoreRequest& request, int64_t position, int k = 10,
                                      const RunOptions& options = {}) override;

    const ModelInfo& policyInfo() const override;   ///< what the server tells (remote_model.h)
    const ModelInfo& referenceInfo() const override;
    double beta() const override;
    void setBeta(double beta) override;
    /// Any thread: a request in flight is aborted (its socket shut down) and its call returns
    /// Error{kCancelledMessage} at once; the server may still finish the work.
    void cancel() override;
    uint64_t cancelTicket() const override;
    void resetCache() override {} ///< the servers' prefix caches are theirs
    const Tokenizer* tokenizer() const override; ///< null without one (ids-only scoring)
    const ChatTemplate* chat() const override;
    const std::string& chatTemplateError() const override;
    const std::vector<LoadWarning>& loadWarnings() const override;
    std::optional<LoadWarning> templateWarning(const std::string& templateName) const override;

    /// Whether the last failed call failed at a server (no answer, 5xx): worth another try,
    /// perhaps on another server. False for problems of the request itself.
    bool lastFailureTransient() const;

    struct Impl;

private:
    explicit RemoteScorer(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> m_impl;
};

} // namespace cl::server
