#include "ui/beam/beam_jobs.h"

#include "core/engine/pair_scorer.h"
#include "core/engine/prompt_template.h"

namespace cl {

namespace {

constexpr const char* kNoPair = "Load a policy and a reference model first.";

/// With the chat template, the template's end-of-turn text stops a hypothesis too (beam_scoring.h).
BeamOptions withChatStop(const PairScorer& scorer, const std::string& prompt,
                         const std::string& templateName, const BeamOptions& options) {
    return templateName == "chat" && scorer.chat()
               ? cl::withChatStop(options, *scorer.chat(), prompt)
               : options;
}

} // namespace

Result<std::vector<int32_t>> beamPromptIds(const PairScorer& scorer, const std::string& prompt,
                                           const std::string& templateName) {
    const Tokenizer* tokenizer = scorer.tokenizer();
    if (!tokenizer) {
        return Error{"the loaded models have no tokenizer, so the prompt cannot be encoded"};
    }
    if (templateName == "chat" && !scorer.chat()) {
        return Error{"template \"chat\": " + scorer.chatTemplateError()};
    }
    auto seq = applyTemplate(*tokenizer, templateName, prompt, "", false, scorer.chat());
    if (!seq) {
        return Error{seq.error()};
    }
    std::vector<int32_t> ids(seq->ids.begin(), seq->ids.begin() + seq->responseStart);
    if (ids.empty()) {
        return Error{"the prompt is empty: beam search needs at least one prompt token (type a "
                     "prompt, or pick a template that adds BOS)"};
    }
    return ids;
}

Result<std::vector<ScoredBeam>> runBeamSearch(PairScorer* scorer, const std::string& prompt,
                                              const std::string& templateName,
                                              const BeamOptions& options,
                                              const ProgressFn& progress,
                                              const std::atomic<bool>* cancel) {
    if (!scorer) {
        return Error{kNoPair};
    }
    auto ids = beamPromptIds(*scorer, prompt, templateName);
    if (!ids) {
        return Error{ids.error()};
    }
    return scorer->searchBeams(ids.value(), withChatStop(*scorer, prompt, templateName, options),
                               progress, cancel);
}

Result<std::vector<SweepRow>> runWidthSweep(PairScorer* scorer,
                                            const std::vector<std::string>& prompts,
                                            const std::string& templateName,
                                            const std::vector<int>& widths,
                                            const BeamOptions& options, const ProgressFn& progress,
                                            const std::atomic<bool>* cancel) {
    if (!scorer) {
        return Error{kNoPair};
    }
    if (widths.empty()) {
        return Error{"the sweep needs at least one beam width"};
    }
    std::vector<std::vector<int32_t>> ids;
    for (size_t i = 0; i < prompts.size(); ++i) {
        auto one = beamPromptIds(*scorer, prompts[i], templateName);
        if (!one) {
            return Error{"prompt " + std::to_string(i + 1) + ": " + one.error()};
        }
        ids.push_back(std::move(one.value()));
    }
    // As `creditlens-cli sweep`: with the chat template the template's end-of-turn text ends a
    // hypothesis too (the same text for every prompt of a template).
    const BeamOptions stopped =
        prompts.empty() ? options : withChatStop(*scorer, prompts.front(), templateName, options);
    return widthSweep(
        [&](const std::vector<int32_t>& prompt, const BeamOptions& o) {
            return scorer->searchBeams(prompt, o, {}, cancel);
        },
        ids, widths, stopped, progress);
}

} // namespace cl
