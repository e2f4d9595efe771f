#include "core/engine/beam_scoring.h"

#include "core/engine/beam_trace.h"
#include "core/engine/chat_prompt.h"
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
        std::optional<std::vector<double>> lpRef;
        if (refPrompt) {
            Sequence seq = refPrompt->fork(); // the prompt's cache is computed once
            auto lp = seq.append(b.ids);
            if (!lp) {
                return Error{lp.error()};
            }
            lpRef = std::move(lp.value());
        }
        out.push_back(scoredBeam(std::move(b), lpRef ? &*lpRef : nullptr,
                                 static_cast<int64_t>(promptIds.size()), tokenizer,
                                 !options.stopString.empty(), beta));
    }
    return out;
}

BeamOptions withChatStop(BeamOptions options, const ChatTemplate& chat, const std::string& prompt) {
    if (!options.stopString.empty()) {
        return options;
    }
    if (auto split = splitChat(chat, promptTurns(prompt), "")) {
        options.stopString = chatStopText(split.value());
    }
    return options;
}

ScoredBeam scoredBeam(Beam beam, const std::vector<double>* lpRef, int64_t promptTokens,
                      const Tokenizer* tokenizer, bool stoppedByString, double beta) {
    ScoredBeam sb;
    const std::vector<int32_t>& ids = beam.ids;
    sb.text = tokenizer ? tokenizer->decode(ids) : std::string();
    if (lpRef) {
        ResponseScore rs;
        rs.promptTokens = promptTokens;
        for (size_t i = 0; i < ids.size(); ++i) {
            TokenScore t;
            t.id = ids[i];
            t.text = tokenizer ? tokenizer->decode({ids[i]}) : std::to_string(ids[i]);
            t.logpPolicy = beam.logprobs[i];
            t.logpRef = (*lpRef)[i];
            t.isEos = beam.finished && i + 1 == ids.size() && !stoppedByString;
            rs.tokens.push_back(std::move(t));
        }
        // Byte spans into the decoded text, by decoding growing prefixes.
        int64_t prev = 0;
        for (size_t i = 0; i < rs.tokens.size() && tokenizer; ++i) {
            std::vector<int32_t> prefix(ids.begin(), ids.begin() + i + 1);
            const int64_t len = static_cast<int64_t>(tokenizer->decode(prefix).size());
            rs.tokens[i].start = std::min(prev, len);
            rs.tokens[i].end = std::max(prev, len);
            prev = std::max(prev, len);
        }
        rescale(rs, beta);
        sb.reward = std::move(rs);
    }
    sb.beam = std::move(beam);
    return sb;
}

Result<std::vector<SweepRow>> widthSweep(Model& policy, Model& reference,
                                         const Tokenizer* tokenizer,
                                         const std::vector<std::vector<int32_t>>& prompts,
                                         const std::vector<int>& widths, BeamOptions options,
                                         double beta, const ProgressFn& progress,
                                         const std::atomic<bool>* cancel) {
    return widthSweep(
        [&](const std::vector<int32_t>& prompt, const BeamOptions& o) {
            return searchAndScore(policy, &reference, tokenizer, prompt, o, beta, {}, cancel);
        },
        prompts, widths, std::move(options), progress);
}

Result<std::vector<SweepRow>> widthSweep(const BeamSearchFn& search,
                                         const std::vector<std::vector<int32_t>>& prompts,
                                         const std::vector<int>& widths, BeamOptions options,
                                         const ProgressFn& progress) {
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
            auto beams = search(prompt, options);
            if (!beams) {
                return Error{beams.error()};
            }
            if (beams->empty() || !beams->front().reward) {
                return Error{"the sweep needs every best beam scored by the reference"};
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
