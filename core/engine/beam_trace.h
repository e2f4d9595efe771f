#pragma once
// The trace of one beam search (issue #17 item 2): per step, every candidate the search
// considered, whether it became one of the W beams, ended a hypothesis or was pruned, with
// log pi_theta of its token and its running beam score; then, scored after the search by the
// reference, log pi_ref and r_t = beta (log pi_theta - log pi_ref) for each of them.
// Std types only. Recording is opt-in: BeamOptions::trace (null by default).

#include "core/common/result.h"

#include <atomic>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

namespace cl {

class Model;

enum class BeamNodeFate {
    Kept,     ///< one of the W beams carried to the next step
    Finished, ///< ended a hypothesis (EOS or stop string, in the top W) and joined the pool
    Pruned,   ///< considered but neither kept nor finished
};

struct BeamTraceNode {
    int parent = -1;    ///< index of the parent node in the previous step (-1: the prompt)
    int parentSlot = 0; ///< the parent's beam row (0..W-1) in the search
    int rank = 0;       ///< rank among the step's candidates (0 = best running score)
    int32_t token = 0;
    std::string text; ///< the token decoded alone (filled by searchAndScore's tokenizer)
    BeamNodeFate fate = BeamNodeFate::Pruned;
    double logpPolicy = 0; ///< log pi_theta(token | prompt, path), after logits processors
    double beamScore = 0;  ///< running sum of log pi_theta of the path including this token
    double logpRef = std::numeric_limits<double>::quiet_NaN(); ///< NaN until scored
    double reward = std::numeric_limits<double>::quiet_NaN();  ///< beta (logpPolicy - logpRef)
};

/// One step: nodes in rank order of the candidates the search considered, which is HF 4.40's
/// top max(2, 1 + n_eos)·W (beam_search.py, _beam_search), widened to the last rank scanned when
/// a stop string ends most candidates; W = 1 (greedy) records the same count though only the
/// argmax is taken. Rows padded in with a never-winning score (a tiny vocabulary) are Kept
/// nodes with beamScore -1e9.
struct BeamTraceStep {
    std::vector<BeamTraceNode> nodes;
    /// nodes index of the Kept node in beam row b of the next step, b = 0..W-1.
    std::vector<int> beamRows;
};

/// Where a returned beam ends: its last token's node.
struct BeamTraceEnd {
    int step = 0;
    int node = 0;
};

struct BeamTrace {
    int width = 0;
    std::vector<BeamTraceStep> steps;
    /// One per returned beam, best first (as beamSearch's result).
    std::vector<BeamTraceEnd> finals;
    bool scored = false; ///< logpRef and reward filled

    void clear() { *this = BeamTrace{}; }
    /// The token ids from the prompt to `end` (following parents).
    std::vector<int32_t> pathIds(BeamTraceEnd end) const;
    /// Number of nodes over all steps.
    size_t nodeCount() const;
};

/// Fills logpRef and reward of every node: the reference replays the search's beam rows (its
/// own KV cache reordered as the search's), one [W, 1] forward per step, so each candidate gets
/// log pi_ref(token | prompt, parent's path). cancel stops between steps with an Error.
Result<Ok> scoreTrace(Model& reference, const std::vector<int32_t>& promptIds, double beta,
                      BeamTrace& trace, const std::atomic<bool>* cancel = nullptr);

} // namespace cl
