#pragma once
// Facade for the policy/reference pair: loads both models and their shared tokenizer, scores
// (prompt, response) pairs token by token, incrementally across edits. Std types only.

#include "core/common/progress.h"
#include "core/common/result.h"
#include "core/engine/chat_prompt.h"
#include "core/engine/load_warnings.h"
#include "core/engine/model_info.h"
#include "core/engine/pair_scorer.h"
#include "core/engine/score_request.h"
#include "core/engine/scoring_types.h"

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace cl {

class ChatTemplate;
class Model;
class Tokenizer;

class RewardScorer : public PairScorer {
public:
    ~RewardScorer() override;

    /// Loads both models (progress counts bytes over both); refuses two models whose
    /// vocabulary sizes differ. The tokenizer is read from the policy folder (reference folder
    /// as fallback). What loads but deserves a word is in loadWarnings().
    /// An empty referenceDir with a LoRA adapter policy scores the pair the adapter defines:
    /// the reference is its base with the adapter off, and the two share one copy of the base
    /// weights (Model::loadAdapterPair; options.baseDir when the base is not found).
    static Result<std::unique_ptr<RewardScorer>> load(const std::string& policyDir,
                                                      const std::string& referenceDir,
                                                      const LoadOptions& options = {},
                                                      const ProgressFn& progress = {});

    const ModelInfo& policyInfo() const override;
    const ModelInfo& referenceInfo() const override;

    double beta() const override;
    void setBeta(double beta) override; ///< later scores use it; call rescale() on old ones

    /// Scores one response. Reuses both models' KV caches for the longest common token prefix
    /// with the previous call, so an edit near the end runs only the changed suffix.
    /// Not thread-safe: one caller thread at a time. cancel() (any thread) makes a running call
    /// return Error{kCancelledMessage}; the caches stay valid.
    /// `options` picks the cache slot and the cancel ticket (RunOptions).
    Result<ResponseScore> score(const ScoreRequest& request,
                                const RunOptions& options = {}) override;
    Result<ResponseScore> scoreIds(const IdsRequest& request,
                                   const RunOptions& options = {}) override;

    /// Top-K alternatives at response position `position` of the last scored request, ranked by
    /// r(s,a) = beta (log pi_theta(a|s) - log pi_ref(a|s)) and by pi_theta(a|s).
    Result<Alternatives> alternatives(const ScoreRequest& request, int64_t position, int k = 10,
                                      const RunOptions& options = {}) override;

    /// searchAndScore on the two models with the tokenizer and beta().
    Result<std::vector<ScoredBeam>> searchBeams(const std::vector<int32_t>& promptIds,
                                                const BeamOptions& options,
                                                const ProgressFn& progress = {},
                                                const std::atomic<bool>* cancel = nullptr) override;

    /// Thread-safe: asks the running score() to stop at the next layer boundary, and makes every
    /// call holding a ticket taken before this one return cancelled (RunOptions::cancelTicket).
    void cancel() override;
    /// Thread-safe: the current cancel generation (never 0), for RunOptions::cancelTicket.
    uint64_t cancelTicket() const override;

    /// Forgets every slot's cached sequences (the next score() runs from scratch).
    void resetCache() override;

    /// The two models, for beam search and other per-model work on the same loaded weights.
    Model& policyModel();
    Model& referenceModel();

    /// tokenizer_config.json's chat_template (empty when none), for the "chat" template.
    const std::string& chatTemplate() const;
    /// The parsed chat template of the tokenizer folder (with its bos/eos variables), or nullptr
    /// when there is none or it does not load; chatTemplateError() then says why.
    const ChatTemplate* chat() const override;
    const std::string& chatTemplateError() const override;

    /// The shared tokenizer, or nullptr when the folders hold none (ids-only scoring).
    const Tokenizer* tokenizer() const override;

    /// What load() found that does not stop scoring, in this order: the reference is not the
    /// policy's base (architecture or shapes differ), the two tokenizers differ, the tokenizer
    /// has more ids than the model's embedding. One sentence each (core/engine/load_warnings.h).
    const std::vector<LoadWarning>& loadWarnings() const override;
    /// The warning for scoring with `templateName` when the tokenizer's folder names a
    /// chat_template and the name is "raw"; nullopt otherwise.
    std::optional<LoadWarning> templateWarning(const std::string& templateName) const override;

    struct Impl;

private:
    explicit RewardScorer(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> m_impl;
};

} // namespace cl
