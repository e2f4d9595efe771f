#include "core/engine/beam_scoring.h"

#include "core/engine/beam_trace.h"
#include "core/engine/model.h"
#include "core/engine/sequence.h"
#include "core/text/tokenizer.h"

namespace cl {

std::vector<int> defaultSweepWidths() {
    return {1, 2, 3, 5, 8, 12, 16, 20};
}

Result<std::vector<ScoredBeam>> searchAndScore(Model& policy, Model* reference,
                                               const Tokenizer* tokenizer,
                                               const std::vector<int32_t>& promptIds,
                                               const BeamOptions& options, double beta,
                                               const ProgressFn& progress,
                                               const std::atomic<bool>* cancel) {
    auto beams = beamSearch(policy, promptIds, options, tokenizer, progress, cancel);
    if (!beams) {
        return Error{beams.error()};
    }
    if (BeamTrace* trace = options.trace) {
        if (reference) {
            auto scored = scoreTrace(*reference, promptIds, beta, *trace, cancel);
            if (!scored) {
                return Error{scored.error()};
            }
        }
        for (BeamTraceStep& step : trace->steps) {
            for (BeamTraceNode& n : step.nodes) {
                n.text = tokenizer ? tokenizer->decode({n.token}) : std::to_string(n.token);
            }
        }
    }
    std::optional<Sequence> refPrompt;
    if (reference) {
        refPrompt.emplace(*reference);
        refPrompt->setCancelFlag(cancel);
        auto r = refPrompt->append(promptIds);
        if (!r) {
            return Error{r.error()};
        }
    }
    std::vector<ScoredBeam> out;
    for (Beam& b : beams.value()) {
        ScoredBeam sb;
        sb.text = tokenizer ? tokenizer->decode(b.ids) : std::string();
        if (refPrompt) {
            Sequence seq = refPrompt->fork(); // the prompt's cache is computed once
            auto lpRef = seq.append(b.ids);
            if (!lpRef) {
                return Error{lpRef.error()};
            }
            ResponseScore rs;
            rs.promptTokens = static_cast<int64_t>(promptIds.size());
            for (size_t i = 0; i < b.ids.size(); ++i) {
                TokenScore t;
                t.id = b.ids[i];
                t.text = tokenizer ? tokenizer->decode({b.ids[i]}) : std::to_string(b.ids[i]);
                t.logpPolicy = b.logprobs[i];
                t.logpRef = (*lpRef)[i];
                t.isEos = b.finished && i + 1 == b.ids.size() && options.stopString.empty();
                rs.tokens.push_back(std::move(t));
            }
            // Byte spans into the decoded text, by decoding growing prefixes.
            int64_t prev = 0;
            for (size_t i = 0; i < rs.tokens.size() && tokenizer; ++i) {
                std::vector<int32_t> prefix(b.ids.begin(), b.ids.begin() + i + 1);
                const int64_t len = static_cast<int64_t>(tokenizer->decode(prefix).size());
                rs.tokens[i].start = std::min(prev, len);
                rs.tokens[i].end = std::max(prev, len);
                prev = std::max(prev, len);
            }
            rescale(rs, beta);
            sb.reward = std::move(rs);
        }
        sb.beam = std::move(b);
        out.push_back(std::move(sb));
    }
    return out;
}

Result<std::vector<SweepRow>> widthSweep(Model& policy, Model& reference,
                                         const Tokenizer* tokenizer,
                                         const std::vector<std::vector<int32_t>>& prompts,
                                         const std::vector<int>& widths, BeamOptions options,
                                         double beta, const ProgressFn& progress,
                                         const std::atomic<bool>* cancel) {
    if (prompts.empty()) {
        return Error{"the sweep needs at least one prompt"};
    }
    std::vector<SweepRow> rows;
    const int64_t total = static_cast<int64_t>(widths.size() * prompts.size());
    int64_t done = 0;
    options.trace = nullptr; // one trace per search would be overwritten; the sweep keeps none
    for (int w : widths) {
        SweepRow row;
        row.width = w;
        options.width = w;
        options.numReturn = 1;
        for (const auto& prompt : prompts) {
            if (!report(progress, "width " + std::to_string(w), done++, total)) {
                return Error{kCancelledMessage};
            }
            auto beams = searchAndScore(policy, &reference, tokenizer, prompt, options, beta, {},
                                        cancel);
            if (!beams) {
                return Error{beams.error()};
            }
            const ScoredBeam& best = beams->front();
            const double len = static_cast<double>(best.beam.ids.size());
            row.meanLength += len;
            row.meanSumLogprob += best.beam.sumLogprob;
            row.meanRewardSum += best.reward->rewardSum;
            row.meanRewardPerToken += len > 0 ? best.reward->rewardSum / len : 0.0;
            ++row.prompts;
        }
        row.meanLength /= row.prompts;
        row.meanSumLogprob /= row.prompts;
        row.meanRewardSum /= row.prompts;
        row.meanRewardPerToken /= row.prompts;
        rows.push_back(row);
    }
    report(progress, "sweep", total, total);
    return rows;
}

} // namespace cl
