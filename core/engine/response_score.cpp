#include "core/engine/response_score.h"

#include "core/text/tokenizer.h"

namespace cl {

Result<TemplatedSequence> templateRequest(const Tokenizer& tokenizer, const ChatTemplate* chat,
                                          const std::string& chatError,
                                          const ScoreRequest& request,
                                          const std::vector<int32_t>& eosIds) {
    if (request.templateName != "chat") {
        return applyTemplate(tokenizer, request.templateName, request.prompt, request.response,
                             request.scoreEos);
    }
    if (!chat) {
        return Error{"template \"chat\": " + chatError};
    }
    return applyChatTemplate(tokenizer, *chat,
                             request.conversation.empty() ? promptTurns(request.prompt)
                                                          : request.conversation,
                             request.response, request.scoreEos, eosIds);
}

ResponseScore buildResponseScore(const TemplatedSequence& seq, const std::string& response,
                                 const std::vector<double>& lpPolicy,
                                 const std::vector<double>& lpRef, const Tokenizer* tokenizer,
                                 double beta) {
    ResponseScore score;
    score.promptTokens = seq.responseStart;
    const int64_t n = static_cast<int64_t>(seq.ids.size());
    for (int64_t p = seq.responseStart; p < n; ++p) {
        TokenScore t;
        t.id = seq.ids[p];
        const size_t k = static_cast<size_t>(p - seq.responseStart);
        if (k < seq.responseSpans.size()) {
            t.start = seq.responseSpans[k].first;
            t.end = seq.responseSpans[k].second;
        }
        t.isEos = seq.eosAppended && p >= n - seq.terminalTokens;
        if (t.end > t.start && t.end <= static_cast<int64_t>(response.size())) {
            t.text = response.substr(t.start, t.end - t.start);
        } else if (tokenizer) {
            t.text = tokenizer->decode({t.id});
        }
        t.logpPolicy = lpPolicy[p];
        t.logpRef = lpRef[p];
        score.tokens.push_back(std::move(t));
    }
    rescale(score, beta);
    return score;
}

} // namespace cl
