#include "core/server/remote_scorer.h"

#include "core/engine/response_score.h"
#include "core/server/remote_alternatives.h"
#include "core/server/flag_watch.h"
#include "core/server/remote_beams.h"
#include "core/server/remote_model.h"
#include "core/text/chat_template/chat_template.h"
#include "core/text/tokenizer.h"

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <optional>

namespace cl::server {

namespace fs = std::filesystem;

struct RemoteScorer::Impl {
    std::unique_ptr<RemoteModel> policy, reference;
    std::unique_ptr<Tokenizer> tokenizer; // null: ids-only scoring, tokenizerError says why
    std::string tokenizerError;
    std::optional<ChatTemplate> chat;
    std::string chatError = "the tokenizer folder has no chat_template";
    std::string tokenizerDir; // the folder given or fetchedDir ("" without a tokenizer)
    fs::path fetchedDir;      // removed with the scorer
    std::vector<LoadWarning> warnings;
    double beta = 0.1;
    bool transient = false; // the last run failed at a server
    std::atomic<uint64_t> cancelGeneration{1};

    bool cancelledSince(uint64_t ticket) const { return cancelGeneration.load() != ticket; }

    ~Impl() {
        if (!fetchedDir.empty()) {
            std::error_code ec;
            fs::remove_all(fetchedDir, ec);
        }
    }

    /// The request's ids, templated here with the desktop's tokenizer as RewardScorer does.
    Result<TemplatedSequence> sequence(const ScoreRequest& request) const {
        if (!tokenizer) {
            return Error{tokenizerError};
        }
        std::vector<int32_t> eos;
        if (tokenizer->special().eos) {
            eos.push_back(*tokenizer->special().eos);
        }
        return templateRequest(*tokenizer, chat ? &*chat : nullptr, chatError, request, eos);
    }

    Result<ResponseScore> run(const TemplatedSequence& seq, const std::string& response,
                              const RunOptions& options) {
        const auto t0 = std::chrono::steady_clock::now();
        const uint64_t ticket =
            options.cancelTicket != 0 ? options.cancelTicket : cancelGeneration.load();
        if (cancelledSince(ticket)) {
            return Error{kCancelledMessage};
        }
        if (seq.responseStart < 1) {
            return Error{"the prompt is empty and the tokenizer adds no BOS: the first response "
                         "token has nothing to be predicted from"};
        }
        transient = false;
        auto lpPolicy = policy->logprobs(seq.ids, seq.responseStart);
        if (!lpPolicy) {
            transient = policy->lastFailureTransient();
            return cancelledSince(ticket) ? Error{kCancelledMessage}
                                          : Error{"policy: " + lpPolicy.error()};
        }
        auto lpRef = reference->logprobs(seq.ids, seq.responseStart);
        if (!lpRef) {
            transient = reference->lastFailureTransient();
            return cancelledSince(ticket) ? Error{kCancelledMessage}
                                          : Error{"reference: " + lpRef.error()};
        }
        if (cancelledSince(ticket)) {
            return Error{kCancelledMessage}; // superseded while the servers answered
        }
        ResponseScore score =
            buildResponseScore(seq, response, *lpPolicy, *lpRef, tokenizer.get(), beta);
        // What the servers' prefix caches spared, as the local scorer counts its own reuse.
        score.reusedTokens = std::min(policy->lastCachedTokens(), reference->lastCachedTokens());
        score.elapsedMs =
            std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0)
                .count();
        return score;
    }
};

namespace {

/// The CreditLens server's tokenizer files in a fresh temporary folder.
Result<fs::path> fetchTokenizer(RemoteModel& server, const std::atomic<bool>* cancel) {
    std::string pattern = (fs::temp_directory_path() / "creditlens-tokenizer-XXXXXX").string();
    if (!mkdtemp(pattern.data())) {
        return Error{"cannot create a temporary folder for the server's tokenizer"};
    }
    const fs::path dir = pattern;
    bool vocabulary = false; // tokenizer.json or tokenizer.model: the others only configure it
    for (const std::string file : {"tokenizer.json", "tokenizer.model", "tokenizer_config.json",
                                   "special_tokens_map.json", "generation_config.json"}) {
        auto data = server.tokenizerFile(file, cancel);
        if (cancel && cancel->load()) {
            std::error_code ec;
            fs::remove_all(dir, ec);
            return Error{kCancelledMessage};
        }
        if (!data) {
            continue; // a folder holds some of these, never all
        }
        std::ofstream out(dir / file, std::ios::binary);
        if (!(out << *data)) {
            return Error{"cannot write " + (dir / file).string()};
        }
        vocabulary = vocabulary || file.rfind("tokenizer.", 0) == 0;
    }
    if (!vocabulary) {
        std::error_code ec;
        fs::remove_all(dir, ec);
        return Error{server.url() + " serves no tokenizer files; give the tokenizer's folder "
                                    "(--tokenizer DIR)"};
    }
    return dir;
}

} // namespace

RemoteScorer::RemoteScorer(std::unique_ptr<Impl> impl) : m_impl(std::move(impl)) {}
RemoteScorer::~RemoteScorer() = default;

Result<std::unique_ptr<RemoteScorer>> RemoteScorer::connect(const std::string& policyUrl,
                                                            const std::string& referenceUrl,
                                                            const RemoteOptions& options) {
    auto impl = std::make_unique<Impl>();
    auto policy = RemoteModel::connect(policyUrl, options.token, options.cancel);
    if (!policy) {
        return Error{policy.error() == kCancelledMessage ? policy.error()
                                                         : "policy: " + policy.error()};
    }
    auto reference = RemoteModel::connect(referenceUrl, options.token, options.cancel);
    if (!reference) {
        return Error{reference.error() == kCancelledMessage ? reference.error()
                                                            : "reference: " + reference.error()};
    }
    impl->policy = std::move(policy.value());
    impl->reference = std::move(reference.value());
    if (auto w = referenceBaseWarning(impl->policy->info(), impl->reference->info())) {
        impl->warnings.push_back(*w);
    }
    std::string dir = options.tokenizerDir;
    if (dir.empty()) {
        // Without a tokenizer, ids still score (as RewardScorer does); text asks for one.
        auto fetched = impl->policy->isCreditLens()
                           ? fetchTokenizer(*impl->policy, options.cancel)
                           : Result<fs::path>(Error{
                                 policyUrl + " is not a CreditLens server and serves no "
                                             "tokenizer; give the tokenizer's folder "
                                             "(--tokenizer DIR)"});
        if (!fetched && fetched.error() == kCancelledMessage) {
            return Error{kCancelledMessage};
        }
        if (!fetched) {
            impl->tokenizerError = fetched.error();
            return std::unique_ptr<RemoteScorer>(new RemoteScorer(std::move(impl)));
        }
        impl->fetchedDir = *fetched;
        dir = fetched->string();
    }
    auto tok = Tokenizer::load(dir);
    if (!tok) {
        return Error{"tokenizer: " + tok.error()};
    }
    impl->tokenizer = std::move(tok.value());
    impl->tokenizerDir = dir;
    if (auto chat = ChatTemplate::fromTokenizerDir(dir)) {
        impl->chat = std::move(chat.value());
    } else {
        impl->chatError = chat.error();
    }
    return std::unique_ptr<RemoteScorer>(new RemoteScorer(std::move(impl)));
}

Result<ResponseScore> RemoteScorer::score(const ScoreRequest& request,
                                          const RunOptions& options) {
    auto seq = m_impl->sequence(request);
    if (!seq) {
        return Error{seq.error()};
    }
    return m_impl->run(*seq, request.response, options);
}

Result<ResponseScore> RemoteScorer::scoreIds(const IdsRequest& request,
                                             const RunOptions& options) {
    TemplatedSequence seq;
    seq.ids = request.promptIds;
    seq.responseStart = static_cast<int64_t>(request.promptIds.size());
    seq.ids.insert(seq.ids.end(), request.responseIds.begin(), request.responseIds.end());
    return m_impl->run(seq, std::string(), options);
}

namespace {

/// Beam search and the alternatives run where both models are: one CreditLens server serving
/// the two under their own names.
Status oneCreditLensServer(const RemoteModel& policy, const RemoteModel& reference,
                           const std::string& what) {
    if (!policy.isCreditLens()) {
        return Error{policy.url() + " is not a CreditLens server: " + what +
                     " scored by the reference runs on one (creditlens-cli serve)"};
    }
    if (policy.endpoint() != reference.endpoint() || policy.servedName() != "policy" ||
        reference.servedName() != "reference") {
        return Error{what + " through a server needs the policy and the reference of one "
                            "CreditLens server (http://HOST:PORT/policy and "
                            "http://HOST:PORT/reference)"};
    }
    return Ok{};
}

/// The ids that end a hypothesis on the server: the options' own, else the policy's; with a
/// stop string, also its one token. A sentence for a stop string of several tokens.
Result<std::vector<int32_t>> remoteEosIds(const BeamOptions& options, const ModelInfo& policy,
                                          const Tokenizer* tokenizer, int32_t& stopId) {
    std::vector<int32_t> eos = options.eosIds;
    if (eos.empty() && options.eosId) {
        eos.push_back(*options.eosId);
    }
    stopId = -1;
    if (options.stopString.empty()) {
        return eos;
    }
    auto enc = tokenizer ? tokenizer->encode(options.stopString, false)
                         : Result<Encoding>(Error{"no tokenizer"});
    if (!enc || enc->ids.size() != 1) {
        return Error{"the stop string \"" + options.stopString +
                     "\" is not one token: a server's beam search stops on token ids only"};
    }
    if (eos.empty()) {
        eos = policy.eosIds;
    }
    stopId = enc->ids.front();
    eos.push_back(stopId);
    return eos;
}

} // namespace

Result<std::vector<ScoredBeam>> RemoteScorer::searchBeams(const std::vector<int32_t>& promptIds,
                                                          const BeamOptions& options,
                                                          const ProgressFn& progress,
                                                          const std::atomic<bool>* cancel) {
    RemoteModel& policy = *m_impl->policy;
    const RemoteModel& reference = *m_impl->reference;
    if (Status one = oneCreditLensServer(policy, reference, "beam search"); !one) {
        return Error{one.error()};
    }
    int32_t stopId = -1;
    auto eos = remoteEosIds(options, policy.info(), m_impl->tokenizer.get(), stopId);
    if (!eos) {
        return Error{eos.error()};
    }
    const uint64_t ticket = m_impl->cancelGeneration.load();
    const std::string stage = "beam search on " + policy.endpoint();
    if (!report(progress, stage, 0, 1)) {
        return Error{kCancelledMessage};
    }
    Result<nlohmann::json> body = Error{"not run"};
    {
        FlagWatch watch(cancel, [&policy] { policy.abort(); }); // the Beam panel's cancel
        body = policy.callCreditLens("/creditlens/v1/beam",
                                     beamRequest(promptIds, options, *eos, m_impl->beta),
                                     "beam search");
    }
    if (m_impl->cancelledSince(ticket) || (cancel && cancel->load())) {
        return Error{kCancelledMessage};
    }
    if (!body) {
        m_impl->transient = policy.lastFailureTransient();
        return Error{body.error()};
    }
    auto beams = parseBeamReply(*body);
    if (!beams) {
        return Error{policy.url() + ": " + beams.error()};
    }
    if (BeamTrace* trace = options.trace) {
        auto tree = body->contains("trace") ? parseTrace((*body)["trace"])
                                            : Result<BeamTrace>(Error{"the server sent no trace"});
        if (!tree) {
            return Error{policy.url() + ": " + tree.error()};
        }
        *trace = std::move(tree).value();
        const Tokenizer* tok = m_impl->tokenizer.get();
        for (BeamTraceStep& step : trace->steps) { // spelled here, as searchAndScore does
            for (BeamTraceNode& n : step.nodes) {
                n.text = tok ? tok->decode({n.token}) : std::to_string(n.token);
            }
        }
    }
    std::vector<ScoredBeam> out;
    for (RemoteBeam& b : *beams) {
        const bool stopped = b.beam.finished && stopId >= 0 && !b.beam.ids.empty() &&
                             b.beam.ids.back() == stopId;
        out.push_back(scoredBeam(std::move(b.beam), &b.logpRef,
                                 static_cast<int64_t>(promptIds.size()), m_impl->tokenizer.get(),
                                 stopped, m_impl->beta));
    }
    report(progress, stage, 1, 1);
    return out;
}

Result<Alternatives> RemoteScorer::alternatives(const ScoreRequest& request, int64_t position,
                                                int k, const RunOptions& options) {
    RemoteModel& policy = *m_impl->policy;
    if (Status one = oneCreditLensServer(policy, *m_impl->reference, "the alternatives"); !one) {
        return Error{one.error() + " (they need both models' log-probs over the whole "
                                   "vocabulary, which vLLM does not send)"};
    }
    const uint64_t ticket =
        options.cancelTicket != 0 ? options.cancelTicket : m_impl->cancelGeneration.load();
    auto seq = m_impl->sequence(request);
    if (!seq) {
        return Error{seq.error()};
    }
    const int64_t abs = seq->responseStart + position; // absolute index of the token
    if (position < 0 || abs >= static_cast<int64_t>(seq->ids.size())) {
        return Error{"token position " + std::to_string(position) + " is outside the response"};
    }
    if (abs < 1) {
        return Error{"the first token has nothing before it to be predicted from"};
    }
    const std::vector<int32_t> context(seq->ids.begin(), seq->ids.begin() + abs);
    const Tokenizer& tokenizer = *m_impl->tokenizer;
    auto body = policy.callCreditLens(
        "/creditlens/v1/alternatives",
        alternativesRequest(context, seq->ids[static_cast<size_t>(abs)], k, m_impl->beta,
                            tokenizer.vocabSize()),
        "the alternatives");
    if (m_impl->cancelledSince(ticket)) {
        return Error{kCancelledMessage};
    }
    if (!body) {
        m_impl->transient = policy.lastFailureTransient();
        return Error{body.error()};
    }
    auto out = parseAlternativesReply(*body, position, k);
    if (!out) {
        return Error{policy.url() + ": " + out.error()};
    }
    for (auto* list : {&out->byReward, &out->byPolicy}) {
        for (Alternative& a : *list) {
            a.text = tokenizer.decode({a.id});
        }
    }
    return out;
}

const ModelInfo& RemoteScorer::policyInfo() const {
    return m_impl->policy->info();
}

const ModelInfo& RemoteScorer::referenceInfo() const {
    return m_impl->reference->info();
}

double RemoteScorer::beta() const {
    return m_impl->beta;
}

void RemoteScorer::setBeta(double beta) {
    m_impl->beta = beta;
}

void RemoteScorer::cancel() {
    m_impl->cancelGeneration.fetch_add(1); // first: the aborted call then reads as cancelled
    m_impl->policy->abort();
    m_impl->reference->abort();
}

uint64_t RemoteScorer::cancelTicket() const {
    return m_impl->cancelGeneration.load();
}

const ChatTemplate* RemoteScorer::chat() const {
    return m_impl->chat ? &*m_impl->chat : nullptr;
}

const std::string& RemoteScorer::chatTemplateError() const {
    return m_impl->chatError;
}

const std::vector<LoadWarning>& RemoteScorer::loadWarnings() const {
    return m_impl->warnings;
}

std::optional<LoadWarning> RemoteScorer::templateWarning(const std::string& templateName) const {
    if (m_impl->tokenizerDir.empty()) {
        return std::nullopt;
    }
    // A fetched tokenizer is named by the server's URL, not the temporary folder holding it.
    const std::string label =
        m_impl->fetchedDir.empty() ? m_impl->tokenizerDir : m_impl->policy->url();
    return rawTemplateWarning(templateName, label, namesChatTemplate(m_impl->tokenizerDir));
}

bool RemoteScorer::lastFailureTransient() const {
    return m_impl->transient;
}

const Tokenizer* RemoteScorer::tokenizer() const {
    return m_impl->tokenizer.get();
}

} // namespace cl::server
