// The reference's side of a beam trace: log pi_ref of every traced candidate, by replaying the
// search's beam rows on the reference (the same reorder-and-extend as beam_search.cpp), so the
// search itself stays HF-exact and pays nothing when no trace is asked for.
#include "core/engine/beam_trace.h"

#include "core/engine/causal_lm.h"
#include "core/engine/model.h"
#include "core/engine/torch_device.h"

#include <c10/core/InferenceMode.h>

#include <algorithm>

namespace cl {

std::vector<int32_t> BeamTrace::pathIds(BeamTraceEnd end) const {
    std::vector<int32_t> ids;
    int node = end.node;
    for (int s = end.step; s >= 0 && node >= 0; --s) {
        const BeamTraceNode& n = steps[s].nodes[node];
        ids.push_back(n.token);
        node = n.parent;
    }
    std::reverse(ids.begin(), ids.end());
    return ids;
}

size_t BeamTrace::nodeCount() const {
    size_t n = 0;
    for (const BeamTraceStep& s : steps) {
        n += s.nodes.size();
    }
    return n;
}

Result<Ok> scoreTrace(Model& reference, const std::vector<int32_t>& prompt, double beta,
                      BeamTrace& trace, const std::atomic<bool>* cancel) {
    if (trace.steps.empty()) {
        trace.scored = true;
        return Ok{};
    }
    if (prompt.empty()) {
        return Error{"the prompt has no tokens; the trace cannot be scored"};
    }
    const CausalLm& lm = reference.lm();
    const int64_t vocab = lm.config().vocabSize;
    const int W = std::max(1, trace.width);
    try {
        c10::InferenceMode guard;
        KvCache cache = lm.makeCache();
        at::Tensor last = lm.forwardSharedPrompt(prompt, W, cache, cancel); // [W, H]
        for (size_t s = 0; s < trace.steps.size(); ++s) {
            if (cancel && cancel->load()) {
                return Error{kCancelledMessage};
            }
            BeamTraceStep& st = trace.steps[s];
            at::Tensor lp = lm.logSoftmax(last).cpu().contiguous(); // [W, V] float32
            const float* data = lp.data_ptr<float>();
            for (BeamTraceNode& n : st.nodes) {
                if (n.token < 0 || n.token >= vocab || n.parentSlot >= lp.size(0)) {
                    continue; // beyond the reference's embedding (a load warning): stays NaN
                }
                n.logpRef = data[n.parentSlot * vocab + n.token];
                n.reward = beta * (n.logpPolicy - n.logpRef);
            }
            if (s + 1 == trace.steps.size() || static_cast<int>(st.beamRows.size()) != W) {
                break;
            }
            std::vector<int64_t> rows;
            std::vector<int64_t> tokens;
            for (int slot : st.beamRows) {
                rows.push_back(st.nodes[slot].parentSlot);
                tokens.push_back(st.nodes[slot].token);
            }
            if (W > 1) {
                cache.reorder(at::tensor(rows, at::kLong).to(lm.device()));
            }
            at::Tensor hs =
                lm.forward(at::tensor(tokens, at::kLong).view({-1, 1}), &cache, cancel); // [W,1,H]
            last = hs.select(1, 0);                                                      // [W, H]
        }
        trace.scored = true;
        return Ok{};
    } catch (const CausalLm::Cancelled&) {
        return Error{kCancelledMessage};
    } catch (const std::exception& e) {
        return Error{describeTorchError(e)};
    }
}

} // namespace cl
