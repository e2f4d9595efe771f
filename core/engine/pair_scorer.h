#pragma once
// A policy/reference pair as the GUI and the CLI's beam commands use it, wherever its models
// run: in this process (RewardScorer) or behind a CreditLens server (server::RemoteScorer,
// issue #16). Scoring, beam search scored by the reference, the tokenizer and chat template the
// desktop templates with, and the facts the Models panel shows. Std types only.

#include "core/common/progress.h"
#include "core/engine/beam_scoring.h"
#include "core/engine/load_warnings.h"
#include "core/engine/model_info.h"
#include "core/engine/score_request.h"

#include <atomic>
#include <optional>
#include <string>
#include <vector>

namespace cl {

class ChatTemplate;
class Tokenizer;

class PairScorer : public ResponseScorer {
public:
    virtual const ModelInfo& policyInfo() const = 0;
    virtual const ModelInfo& referenceInfo() const = 0;

    virtual double beta() const = 0;
    virtual void setBeta(double beta) = 0; ///< later scores use it

    /// Top-K alternatives at response position `position` of the last scored request, ranked by
    /// r(s,a) and by pi_theta(a|s); a sentence where the pair cannot give them.
    virtual Result<Alternatives> alternatives(const ScoreRequest& request, int64_t position,
                                              int k = 10, const RunOptions& options = {}) = 0;

    /// Beam search on the policy, every returned beam scored by the reference with beta()
    /// (searchAndScore's semantics). options.trace asks for the step-by-step tree.
    virtual Result<std::vector<ScoredBeam>>
    searchBeams(const std::vector<int32_t>& promptIds, const BeamOptions& options,
                const ProgressFn& progress = {}, const std::atomic<bool>* cancel = nullptr) = 0;

    /// Thread-safe: a running call returns Error{kCancelledMessage} as soon as it can, and so
    /// does every call holding a ticket taken before (RunOptions::cancelTicket).
    virtual void cancel() = 0;
    /// Thread-safe: the current cancel generation (never 0).
    virtual uint64_t cancelTicket() const = 0;
    /// Forgets cached sequences (the next score() starts from scratch).
    virtual void resetCache() = 0;

    /// The shared tokenizer, or nullptr when there is none (ids-only scoring).
    virtual const Tokenizer* tokenizer() const = 0;
    /// The parsed chat template, or nullptr; chatTemplateError() then says why.
    virtual const ChatTemplate* chat() const = 0;
    virtual const std::string& chatTemplateError() const = 0;

    /// What the load found that does not stop scoring, one sentence each.
    virtual const std::vector<LoadWarning>& loadWarnings() const = 0;
    /// The warning for scoring with `templateName` ("raw" when the tokenizer's folder names a
    /// chat_template); nullopt otherwise.
    virtual std::optional<LoadWarning> templateWarning(const std::string& templateName) const = 0;
};

} // namespace cl
