#include "core/engine/reward_scorer.h"

#include "core/engine/alternatives.h"
#include "core/engine/load_warnings.h"
#include "core/engine/lora_adapter.h"
#include "core/engine/memory_check.h"
#include "core/engine/model.h"
#include "core/engine/prompt_template.h"
#include "core/engine/response_score.h"
#include "core/engine/sequence.h"
#include "core/text/chat_template/chat_template.h"
#include "core/text/tokenizer.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <numeric>

namespace cl {

namespace fs = std::filesystem;

struct RewardScorer::Impl {
    std::unique_ptr<Model> policy;
    std::unique_ptr<Model> reference;
    std::unique_ptr<Tokenizer> tokenizer; // may be null: ids-only scoring still works
    std::string tokenizerError;
    std::string chatTemplate;
    std::optional<ChatTemplate> chat; // issue #15: the "chat" template, parsed once
    std::string chatError = "the models have no tokenizer folder";
    std::string tokenizerDir;      // where the tokenizer (and tokenizer_config.json) came from
    bool namesChatTemplate = false;
    std::vector<LoadWarning> warnings;
    // Issue #17: one pair of sequences per RunOptions::cacheSlot, created on first use, so two
    // responses scored in turn (compare mode) each keep their own KV caches.
    struct SlotCache {
        std::unique_ptr<Sequence> policy;
        std::unique_ptr<Sequence> reference;
    };
    std::map<int, SlotCache> caches;
    std::atomic<bool> cancel{false}; // polled by every sequence between layers
    // cancel() bumps it; a call whose ticket is older returns cancelled (never 0).
    std::atomic<uint64_t> cancelGeneration{1};
    double beta = 0.1;
    // A LoRA pair loaded without a reference folder (issue #14): one Sequence per slot runs the
    // policy and its base as a batch of 2 (SlotCache::reference stays null).
    bool oneBatch = false;

    SlotCache& cache(int slot);
    Result<ResponseScore> run(const TemplatedSequence& seq, const std::string& response,
                              const RunOptions& options);
};

namespace {

bool hasTokenizer(const std::string& dir) {
    return fs::exists(fs::path(dir) / "tokenizer.json") ||
           fs::exists(fs::path(dir) / "tokenizer.model");
}

std::string readChatTemplate(const std::string& dir) {
    std::ifstream in(fs::path(dir) / "tokenizer_config.json");
    if (!in) {
        return {};
    }
    nlohmann::json j = nlohmann::json::parse(in, nullptr, false);
    if (j.is_object() && j.contains("chat_template") && j["chat_template"].is_string()) {
        return j["chat_template"].get<std::string>();
    }
    return {};
}

/// Brings `seq` to `ids`, reusing the longest valid prefix. Positions >= scoreFrom must carry
/// log-probs; a cached position without one (scored before as prompt) is recomputed.
Result<std::vector<double>> sync(Sequence& seq, const std::vector<int32_t>& ids, int64_t scoreFrom,
                                 int64_t& reused) {
    int64_t keep = commonPrefix(seq.ids(), ids);
    // Never reuse the very last token: keeping n-1 still gives the next position its input.
    const auto& lps = seq.logprobs();
    for (int64_t i = std::max<int64_t>(scoreFrom, 1); i < keep; ++i) {
        if (std::isnan(lps[i])) {
            keep = i;
            break;
        }
    }
    reused = keep;
    seq.truncate(keep);
    auto r = seq.append(std::vector<int32_t>(ids.begin() + keep, ids.end()), scoreFrom);
    if (!r) {
        return Error{r.error()};
    }
    return seq.logprobs();
}

/// Both models. With no reference folder, a LoRA adapter policy and its base with the adapter off,
/// sharing one copy of the base tensors (issue #14).
Result<std::pair<std::unique_ptr<Model>, std::unique_ptr<Model>>>
loadModels(const std::string& policyDir, const std::string& referenceDir,
           const LoadOptions& options, const ProgressFn& progress) {
    if (referenceDir.empty()) {
        if (!isAdapterFolder(policyDir)) {
            return Error{"no reference model was given; a reference folder is needed unless the "
                         "policy " + policyDir + " is a LoRA adapter (its base is then the "
                         "reference)"};
        }
        auto pair = Model::loadAdapterPair(policyDir, options, progress);
        if (!pair) {
            return Error{pair.error() == kCancelledMessage ? pair.error()
                                                           : "policy: " + pair.error()};
        }
        return pair;
    }
    auto policyInfo = Model::inspect(policyDir, options);
    if (!policyInfo) {
        return Error{"policy: " + policyInfo.error()};
    }
    auto refInfo = Model::inspect(referenceDir, options);
    if (!refInfo) {
        return Error{"reference: " + refInfo.error()};
    }
    // Both at once (issue #19 item 2): each alone may fit where the pair does not.
    if (options.checkMemory) {
        if (Status fits = checkMemoryFor({*policyInfo, *refInfo}, "the policy and reference need",
                                          adviceOf(options));
            !fits) {
            return Error{fits.error()};
        }
    }
    LoadOptions each = options;
    each.checkMemory = false;
    const int64_t total = policyInfo->checkpointBytes + refInfo->checkpointBytes;
    // The stage names the estimate, so the GUI's progress bar says what the load will take.
    const std::string stage =
        "loading models, about " + formatBytes(policyInfo->estimatedBytes + refInfo->estimatedBytes);
    auto scaled = [&](int64_t offset) -> ProgressFn {
        return [&progress, &stage, offset, total](const Progress& p) {
            return report(progress, stage, offset + p.done, total);
        };
    };
    auto policy = Model::load(policyDir, each, scaled(0));
    if (!policy) {
        return Error{policy.error() == kCancelledMessage ? policy.error()
                                                         : "policy: " + policy.error()};
    }
    auto reference = Model::load(referenceDir, each, scaled(policyInfo->checkpointBytes));
    if (!reference) {
        return Error{reference.error() == kCancelledMessage ? reference.error()
                                                            : "reference: " + reference.error()};
    }
    return std::make_pair(std::move(policy.value()), std::move(reference.value()));
}

} // namespace

RewardScorer::RewardScorer(std::unique_ptr<Impl> impl) : m_impl(std::move(impl)) {}
RewardScorer::~RewardScorer() = default;

Result<std::unique_ptr<RewardScorer>> RewardScorer::load(const std::string& policyDir,
                                                         const std::string& referenceArg,
                                                         const LoadOptions& options,
                                                         const ProgressFn& progress) {
    auto impl = std::make_unique<Impl>();
    auto models = loadModels(policyDir, referenceArg, options, progress);
    if (!models) {
        return Error{models.error()};
    }
    impl->policy = std::move(models.value().first);
    impl->reference = std::move(models.value().second);
    impl->oneBatch = referenceArg.empty();
    // A LoRA pair's reference is the adapter's base folder (tokenizer, messages).
    const std::string referenceDir =
        referenceArg.empty() ? impl->policy->info().adapter->baseFolder : referenceArg;
    if (impl->policy->info().vocabSize != impl->reference->info().vocabSize) {
        return Error{"the policy (" + policyDir + ") has " +
                     std::to_string(impl->policy->info().vocabSize) +
                     " vocabulary entries but the reference (" + referenceDir + ") has " +
                     std::to_string(impl->reference->info().vocabSize) +
                     "; both must share one tokenizer"};
    }
    if (auto w = referenceBaseWarning(impl->policy->info(), impl->reference->info())) {
        impl->warnings.push_back(*w);
    }
    // A policy.pt folder holds no tokenizer: the reference's, else the one beside --config.
    const std::string tokDir =
        hasTokenizer(policyDir) ? policyDir
        : (hasTokenizer(referenceDir) || options.configDir.empty()) ? referenceDir
                                                                    : options.configDir;
    if (hasTokenizer(tokDir)) {
        auto tok = Tokenizer::load(tokDir);
        if (!tok) {
            return Error{tok.error()};
        }
        impl->tokenizer = std::move(tok.value());
        if (tokDir == policyDir && hasTokenizer(referenceDir)) {
            auto other = Tokenizer::load(referenceDir);
            if (!other) {
                return Error{"reference: " + other.error()};
            }
            // Issue #15: a warning, not a refusal (an SFT'd policy often adds a pad or chat
            // token to its base's tokenizer); the reference is scored with the policy's.
            if (auto w = tokenizerPairWarning(*impl->tokenizer, *other.value(), policyDir,
                                              referenceDir)) {
                impl->warnings.push_back(*w);
            }
        }
        // Issue #15: ids beyond the embedding are refused per text by Sequence::append.
        if (auto w = tokenizerFitWarning(*impl->tokenizer, tokDir, impl->policy->info())) {
            impl->warnings.push_back(*w);
        }
        impl->chatTemplate = readChatTemplate(tokDir);
        if (auto chat = ChatTemplate::fromTokenizerDir(tokDir)) {
            impl->chat = std::move(chat.value());
        } else {
            impl->chatError = chat.error();
        }
        impl->tokenizerDir = tokDir;
        impl->namesChatTemplate = namesChatTemplate(tokDir);
    } else {
        impl->tokenizerError = "no tokenizer.json or tokenizer.model in " + policyDir + " or " +
                               referenceDir + "; only token ids can be scored";
    }
    impl->cache(0); // the default slot exists from the start
    return std::unique_ptr<RewardScorer>(new RewardScorer(std::move(impl)));
}

const ModelInfo& RewardScorer::policyInfo() const {
    return m_impl->policy->info();
}
const ModelInfo& RewardScorer::referenceInfo() const {
    return m_impl->reference->info();
}
double RewardScorer::beta() const {
    return m_impl->beta;
}
void RewardScorer::setBeta(double beta) {
    m_impl->beta = beta;
}
void RewardScorer::cancel() {
    m_impl->cancelGeneration.fetch_add(1); // first: a call entering now sees one or the other
    m_impl->cancel.store(true);
}
uint64_t RewardScorer::cancelTicket() const {
    return m_impl->cancelGeneration.load();
}
void RewardScorer::resetCache() {
    m_impl->caches.clear(); // frees every slot's KV caches
    m_impl->cache(0);
}
Result<std::vector<ScoredBeam>> RewardScorer::searchBeams(const std::vector<int32_t>& promptIds,
                                                          const BeamOptions& options,
                                                          const ProgressFn& progress,
                                                          const std::atomic<bool>* cancel) {
    return searchAndScore(*m_impl->policy, m_impl->reference.get(), m_impl->tokenizer.get(),
                          promptIds, options, m_impl->beta, progress, cancel);
}
Model& RewardScorer::policyModel() {
    return *m_impl->policy;
}
Model& RewardScorer::referenceModel() {
    return *m_impl->reference;
}
const std::string& RewardScorer::chatTemplate() const {
    return m_impl->chatTemplate;
}
const ChatTemplate* RewardScorer::chat() const {
    return m_impl->chat ? &*m_impl->chat : nullptr;
}
const std::string& RewardScorer::chatTemplateError() const {
    return m_impl->chatError;
}
const Tokenizer* RewardScorer::tokenizer() const {
    return m_impl->tokenizer.get();
}
const std::vector<LoadWarning>& RewardScorer::loadWarnings() const {
    return m_impl->warnings;
}
std::optional<LoadWarning> RewardScorer::templateWarning(const std::string& templateName) const {
    return rawTemplateWarning(templateName, m_impl->tokenizerDir, m_impl->namesChatTemplate);
}

RewardScorer::Impl::SlotCache& RewardScorer::Impl::cache(int slot) {
    SlotCache& c = caches[slot];
    if (!c.policy) {
        c.policy = std::make_unique<Sequence>(*policy, oneBatch);
        c.policy->setCancelFlag(&cancel);
        if (!c.policy->pairsWithBase()) {
            c.reference = std::make_unique<Sequence>(*reference);
            c.reference->setCancelFlag(&cancel);
        }
    }
    return c;
}

Result<ResponseScore> RewardScorer::Impl::run(const TemplatedSequence& seq,
                                              const std::string& response,
                                              const RunOptions& options) {
    const auto t0 = std::chrono::steady_clock::now();
    // Issue #17 "lost cancels": the flag is cleared first and the ticket compared after, so a
    // cancel() made after the ticket was taken is seen either here or by the layers' polling.
    cancel.store(false);
    const uint64_t ticket =
        options.cancelTicket != 0 ? options.cancelTicket : cancelGeneration.load();
    if (cancelGeneration.load() != ticket) {
        return Error{kCancelledMessage};
    }
    SlotCache& slot = cache(options.cacheSlot);
    if (seq.responseStart < 1) {
        return Error{"the prompt is empty and the tokenizer adds no BOS: the first response token "
                     "has nothing to be predicted from; give a prompt or use a template with BOS"};
    }
    int64_t reusedPolicy = 0, reusedRef = 0;
    auto lpPolicy = sync(*slot.policy, seq.ids, seq.responseStart, reusedPolicy);
    if (!lpPolicy) {
        return Error{lpPolicy.error()};
    }
    // A LoRA pair's base row came with the policy's pass (same ids, same reuse).
    reusedRef = reusedPolicy;
    auto lpRef = slot.reference ? sync(*slot.reference, seq.ids, seq.responseStart, reusedRef)
                                : Result<std::vector<double>>(slot.policy->referenceLogprobs());
    if (!lpRef) {
        return Error{lpRef.error()};
    }
    ResponseScore score =
        buildResponseScore(seq, response, *lpPolicy, *lpRef, tokenizer.get(), beta);
    score.reusedTokens = std::min(reusedPolicy, reusedRef);
    score.elapsedMs =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    return score;
}

Result<ResponseScore> RewardScorer::score(const ScoreRequest& request, const RunOptions& options) {
    if (!m_impl->tokenizer) {
        return Error{m_impl->tokenizerError};
    }
    auto seq = templateRequest(*m_impl->tokenizer, m_impl->chat ? &*m_impl->chat : nullptr,
                               m_impl->chatError, request, m_impl->policy->info().eosIds);
    if (!seq) {
        return Error{seq.error()};
    }
    return m_impl->run(seq.value(), request.response, options);
}

Result<ResponseScore> RewardScorer::scoreIds(const IdsRequest& request, const RunOptions& options) {
    TemplatedSequence seq;
    seq.ids = request.promptIds;
    seq.responseStart = static_cast<int64_t>(request.promptIds.size());
    seq.ids.insert(seq.ids.end(), request.responseIds.begin(), request.responseIds.end());
    return m_impl->run(seq, std::string(), options);
}

Result<Alternatives> RewardScorer::alternatives(const ScoreRequest& request, int64_t position,
                                                int k, const RunOptions& options) {
    auto scored = score(request, options);
    if (!scored) {
        return Error{scored.error()};
    }
    if (position < 0 || position >= static_cast<int64_t>(scored->tokens.size())) {
        return Error{"token position " + std::to_string(position) + " is outside the response"};
    }
    const int64_t abs = scored->promptTokens + position; // absolute index of the token
    Impl::SlotCache& slot = m_impl->cache(options.cacheSlot); // what score() just extended
    auto pol = slot.policy->nextLogprobs(abs - 1);
    auto ref = slot.reference ? slot.reference->nextLogprobs(abs - 1)
                              : slot.policy->nextLogprobs(abs - 1, /*reference=*/true);
    if (!pol || !ref) {
        return Error{!pol ? pol.error() : ref.error()};
    }
    // Padded vocab rows beyond the tokenizer are never real tokens.
    // A tokenizer larger than the embedding (a load warning) is clipped to the model's rows.
    const int64_t vocab = m_impl->tokenizer ? m_impl->tokenizer->vocabSize()
                                            : static_cast<int64_t>(pol->size());
    return rankAlternatives(*pol, *ref, vocab, scored->tokens[static_cast<size_t>(position)].id,
                            k, m_impl->beta, position, m_impl->tokenizer.get());
}

} // namespace cl
