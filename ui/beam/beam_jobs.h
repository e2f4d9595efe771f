#pragma once
// What the beam panels run on the engine thread: prompt text -> prompt ids through the editor's
// template, then the core beam search or width sweep on the loaded pair with its beta. Plain
// functions over the core facade (no Qt), so they can be called from any thread that may use
// the scorer (the engine thread).

#include "core/engine/beam_scoring.h"

#include <string>
#include <vector>

namespace cl {

class PairScorer;

/// The ids a response would follow: applyTemplate(prompt, "") up to its response start.
/// Errors: no tokenizer, an unknown template, a prompt the template refuses, no ids at all.
Result<std::vector<int32_t>> beamPromptIds(const PairScorer& scorer, const std::string& prompt,
                                           const std::string& templateName);

/// searchAndScore on the scorer's policy, scored by its reference with its beta.
/// scorer == nullptr gives "load a pair first".
Result<std::vector<ScoredBeam>> runBeamSearch(PairScorer* scorer, const std::string& prompt,
                                              const std::string& templateName,
                                              const BeamOptions& options,
                                              const ProgressFn& progress = {},
                                              const std::atomic<bool>* cancel = nullptr);

/// widthSweep over `prompts` (each through the template) with the scorer's pair and beta.
Result<std::vector<SweepRow>>
runWidthSweep(PairScorer* scorer, const std::vector<std::string>& prompts,
              const std::string& templateName, const std::vector<int>& widths,
              const BeamOptions& options, const ProgressFn& progress = {},
              const std::atomic<bool>* cancel = nullptr);

} // namespace cl
