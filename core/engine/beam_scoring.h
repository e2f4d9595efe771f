#pragma once
// Beam search on the DPO policy with every returned beam scored by the reference too, and the
// width sweep of the paper's Figure 2 (length and implicit reward against beam width).

#include "core/engine/beam_search.h"
#include "core/engine/scoring_types.h"

#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace cl {

class ChatTemplate;

struct ScoredBeam {
    Beam beam;
    std::string text;                    ///< decoded generated ids ("" without a tokenizer)
    std::optional<ResponseScore> reward; ///< per-token rewards when a reference is given
};

/// Runs beamSearch on `policy` and scores each returned beam under `reference` (optional):
/// r_t = beta (log pi_theta - log pi_ref) with log pi_theta from the search itself.
/// With options.trace set, the trace is recorded and each node's text decoded; with a
/// reference its log pi_ref and r_t are filled too (scoreTrace, after the search).
Result<std::vector<ScoredBeam>> searchAndScore(Model& policy, Model* reference,
                                               const Tokenizer* tokenizer,
                                               const std::vector<int32_t>& promptIds,
                                               const BeamOptions& options, double beta,
                                               const ProgressFn& progress = {},
                                               const std::atomic<bool>* cancel = nullptr);

/// With the chat template a hypothesis also ends on the template's end-of-turn text after
/// `prompt` ("<|im_end|>", issue #15), besides the model's EOS ids: `options` with that stop
/// string, unless it already has one or the template does not render the prompt. Used by
/// `creditlens-cli beam`/`sweep` and the Beam panel alike.
BeamOptions withChatStop(BeamOptions options, const ChatTemplate& chat, const std::string& prompt);

/// A beam with the reference's log-probs of its ids (null: no reference) as searchAndScore
/// returns it: decoded text, per-token rewards with byte spans, EOS marked unless a stop string
/// ended it. Shared with the remote beam client so both present beams the same way.
ScoredBeam scoredBeam(Beam beam, const std::vector<double>* lpRef, int64_t promptTokens,
                      const Tokenizer* tokenizer, bool stoppedByString, double beta);

struct SweepRow {
    int width = 0;
    int prompts = 0;
    double meanLength = 0;         ///< generated tokens of the best beam
    double meanSumLogprob = 0;     ///< sum log pi_theta of the best beam
    double meanRewardSum = 0;      ///< sum r_t of the best beam
    double meanRewardPerToken = 0; ///< sum r_t / length, averaged over prompts
};

/// For each width, the best beam of every prompt, averaged. progress counts (width, prompt)
/// runs; cancel stops between steps.
Result<std::vector<SweepRow>> widthSweep(Model& policy, Model& reference,
                                         const Tokenizer* tokenizer,
                                         const std::vector<std::vector<int32_t>>& prompts,
                                         const std::vector<int>& widths, BeamOptions options,
                                         double beta, const ProgressFn& progress = {},
                                         const std::atomic<bool>* cancel = nullptr);

/// One search for the sweep: the beams of `prompt` under `options`, best first, scored.
using BeamSearchFn = std::function<Result<std::vector<ScoredBeam>>(
    const std::vector<int32_t>& prompt, const BeamOptions& options)>;

/// The sweep over any search (a local pair, or a server's): progress counts (width, prompt).
Result<std::vector<SweepRow>> widthSweep(const BeamSearchFn& search,
                                         const std::vector<std::vector<int32_t>>& prompts,
                                         const std::vector<int>& widths, BeamOptions options,
                                         const ProgressFn& progress = {});

/// Default widths of the sweep: 1,2,3,5,8,12,16,20.
std::vector<int> defaultSweepWidths();

} // namespace cl
