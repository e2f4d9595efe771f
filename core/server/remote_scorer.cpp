#include "core/server/remote_scorer.h"

#include "core/engine/response_score.h"
#include "core/server/remote_model.h"
#include "core/text/chat_template/chat_template.h"
#include "core/text/tokenizer.h"

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
    fs::path fetchedDir; // removed with the scorer
    double beta = 0.1;
    bool transient = false; // the last run failed at a server

    ~Impl() {
        if (!fetchedDir.empty()) {
            std::error_code ec;
            fs::remove_all(fetchedDir, ec);
        }
    }

    Result<ResponseScore> run(const TemplatedSequence& seq, const std::string& response) {
        const auto t0 = std::chrono::steady_clock::now();
        if (seq.responseStart < 1) {
            return Error{"the prompt is empty and the tokenizer adds no BOS: the first response "
                         "token has nothing to be predicted from"};
        }
        transient = false;
        auto lpPolicy = policy->logprobs(seq.ids, seq.responseStart);
        if (!lpPolicy) {
            transient = policy->lastFailureTransient();
            return Error{"policy: " + lpPolicy.error()};
        }
        auto lpRef = reference->logprobs(seq.ids, seq.responseStart);
        if (!lpRef) {
            transient = reference->lastFailureTransient();
            return Error{"reference: " + lpRef.error()};
        }
        ResponseScore score =
            buildResponseScore(seq, response, *lpPolicy, *lpRef, tokenizer.get(), beta);
        score.elapsedMs =
            std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0)
                .count();
        return score;
    }
};

namespace {

/// The CreditLens server's tokenizer files in a fresh temporary folder.
Result<fs::path> fetchTokenizer(RemoteModel& server) {
    std::string pattern = (fs::temp_directory_path() / "creditlens-tokenizer-XXXXXX").string();
    if (!mkdtemp(pattern.data())) {
        return Error{"cannot create a temporary folder for the server's tokenizer"};
    }
    const fs::path dir = pattern;
    bool vocabulary = false; // tokenizer.json or tokenizer.model: the others only configure it
    for (const std::string file : {"tokenizer.json", "tokenizer.model", "tokenizer_config.json",
                                   "special_tokens_map.json", "generation_config.json"}) {
        auto data = server.tokenizerFile(file);
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
    auto policy = RemoteModel::connect(policyUrl, options.token);
    if (!policy) {
        return Error{"policy: " + policy.error()};
    }
    auto reference = RemoteModel::connect(referenceUrl, options.token);
    if (!reference) {
        return Error{"reference: " + reference.error()};
    }
    impl->policy = std::move(policy.value());
    impl->reference = std::move(reference.value());
    std::string dir = options.tokenizerDir;
    if (dir.empty()) {
        // Without a tokenizer, ids still score (as RewardScorer does); text asks for one.
        auto fetched = impl->policy->isCreditLens()
                           ? fetchTokenizer(*impl->policy)
                           : Result<fs::path>(Error{
                                 policyUrl + " is not a CreditLens server and serves no "
                                             "tokenizer; give the tokenizer's folder "
                                             "(--tokenizer DIR)"});
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
    if (auto chat = ChatTemplate::fromTokenizerDir(dir)) {
        impl->chat = std::move(chat.value());
    } else {
        impl->chatError = chat.error();
    }
    return std::unique_ptr<RemoteScorer>(new RemoteScorer(std::move(impl)));
}

Result<ResponseScore> RemoteScorer::score(const ScoreRequest& request, const RunOptions&) {
    if (!m_impl->tokenizer) {
        return Error{m_impl->tokenizerError};
    }
    std::vector<int32_t> eos;
    if (m_impl->tokenizer->special().eos) {
        eos.push_back(*m_impl->tokenizer->special().eos);
    }
    auto seq = templateRequest(*m_impl->tokenizer, m_impl->chat ? &*m_impl->chat : nullptr,
                               m_impl->chatError, request, eos);
    if (!seq) {
        return Error{seq.error()};
    }
    return m_impl->run(*seq, request.response);
}

Result<ResponseScore> RemoteScorer::scoreIds(const IdsRequest& request, const RunOptions&) {
    TemplatedSequence seq;
    seq.ids = request.promptIds;
    seq.responseStart = static_cast<int64_t>(request.promptIds.size());
    seq.ids.insert(seq.ids.end(), request.responseIds.begin(), request.responseIds.end());
    return m_impl->run(seq, std::string());
}

void RemoteScorer::setBeta(double beta) {
    m_impl->beta = beta;
}

bool RemoteScorer::lastFailureTransient() const {
    return m_impl->transient;
}

const Tokenizer* RemoteScorer::tokenizer() const {
    return m_impl->tokenizer.get();
}

} // namespace cl::server
