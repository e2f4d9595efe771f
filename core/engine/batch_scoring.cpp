#include "core/engine/batch_scoring.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <fstream>

namespace cl {

using nlohmann::json;

Histogram makeHistogram(const std::vector<double>& values, int bins) {
    Histogram h;
    h.counts.assign(bins, 0);
    if (values.empty()) {
        return h;
    }
    const auto [mn, mx] = std::minmax_element(values.begin(), values.end());
    h.lo = *mn;
    h.hi = *mx > *mn ? *mx : *mn + 1e-9;
    for (double v : values) {
        int b = static_cast<int>((v - h.lo) / (h.hi - h.lo) * bins);
        h.counts[std::clamp(b, 0, bins - 1)]++;
    }
    return h;
}

namespace {

std::vector<int32_t> idsField(const json& j, const char* key) {
    std::vector<int32_t> ids;
    for (const json& v : j.at(key)) {
        if (!v.is_number_integer()) {
            throw std::runtime_error(std::string("\"") + key + "\" must hold integer ids");
        }
        ids.push_back(v.get<int32_t>());
    }
    return ids;
}

std::string textField(const json& j, const char* key) {
    if (!j.at(key).is_string()) {
        throw std::runtime_error(std::string("\"") + key + "\" must be a string");
    }
    return j.at(key).get<std::string>();
}

/// TRL's conversational field: an array of {"role": string, "content": string}.
std::vector<ChatTurn> turnsField(const json& j, const char* key) {
    const json& v = j.at(key);
    if (!v.is_array()) {
        throw std::runtime_error(std::string("\"") + key + "\" must be a list of messages");
    }
    std::vector<ChatTurn> turns;
    for (const json& m : v) {
        if (!m.is_object() || !m.contains("role") || !m["role"].is_string() ||
            !m.contains("content") || !m["content"].is_string()) {
            throw std::runtime_error(std::string("\"") + key +
                                     "\": every message needs a string "
                                     "\"role\" and a string \"content\"");
        }
        turns.push_back({m["role"].get<std::string>(), m["content"].get<std::string>()});
    }
    return turns;
}

/// A conversation ending in the assistant message that is scored: that message becomes the
/// response, the turns before it the conversation.
ScoreRequest chatRequest(const ScoreRequest& defaults, std::vector<ChatTurn> turns,
                         const char* key) {
    if (turns.empty() || turns.back().role != "assistant") {
        throw std::runtime_error(std::string("\"") + key +
                                 "\" must end with an assistant message (the scored response)");
    }
    ScoreRequest r = defaults;
    r.templateName = "chat"; // a message list has no other text form
    r.response = std::move(turns.back().content);
    turns.pop_back();
    r.conversation = std::move(turns);
    return r;
}

std::vector<ChatTurn> concat(std::vector<ChatTurn> a, const std::vector<ChatTurn>& b) {
    a.insert(a.end(), b.begin(), b.end());
    return a;
}

} // namespace

Result<BatchLine> scoreJsonLine(ResponseScorer& scorer, const std::string& text, int64_t lineNo,
                                const ScoreRequest& defaults) {
    BatchLine out;
    out.line = lineNo;
    json j = json::parse(text, nullptr, false);
    if (j.is_discarded() || !j.is_object()) {
        return Error{"not a JSON object"};
    }
    auto scoreText = [&](const std::string& response) -> Result<ResponseScore> {
        ScoreRequest r = defaults;
        r.prompt = textField(j, "prompt");
        r.response = response;
        return scorer.score(r);
    };
    // TRL's conversational formats (issue #15): the prompt and each completion are message
    // lists; without a prompt, chosen/rejected are whole conversations.
    auto scoreChat = [&](const char* key) -> Result<ResponseScore> {
        const bool listPrompt = j.contains("prompt") && j["prompt"].is_array();
        std::vector<ChatTurn> turns = turnsField(j, key);
        if (listPrompt) {
            turns = concat(turnsField(j, "prompt"), turns);
        }
        return scorer.score(chatRequest(defaults, std::move(turns), key));
    };
    auto pair = [&](Result<ResponseScore> c, Result<ResponseScore> r) -> Result<BatchLine> {
        if (!c) {
            return Error{"chosen: " + c.error()};
        }
        if (!r) {
            return Error{"rejected: " + r.error()};
        }
        out.chosen = std::move(c.value());
        out.rejected = std::move(r.value());
        out.margin = out.chosen->rewardSum - out.rejected->rewardSum;
        out.pChosen = bradleyTerry(out.chosen->rewardSum, out.rejected->rewardSum);
        return out;
    };
    auto single = [&](Result<ResponseScore> r) -> Result<BatchLine> {
        if (!r) {
            return Error{r.error()};
        }
        out.response = std::move(r.value());
        return out;
    };
    const bool conversational = (j.contains("prompt") && j["prompt"].is_array()) ||
                                (j.contains("chosen") && j["chosen"].is_array()) ||
                                j.contains("messages");
    try {
        if (conversational && j.contains("chosen") && j.contains("rejected")) {
            auto c = scoreChat("chosen");
            if (!c) {
                return Error{"chosen: " + c.error()};
            }
            return pair(std::move(c), scoreChat("rejected"));
        }
        if (conversational && (j.contains("messages") || j.contains("completion"))) {
            return single(scoreChat(j.contains("messages") ? "messages" : "completion"));
        }
        if (j.contains("prompt_ids") && j.contains("response_ids")) {
            return single(scorer.scoreIds({idsField(j, "prompt_ids"), idsField(j, "response_ids")}));
        }
        if (j.contains("prompt") && j.contains("chosen") && j.contains("rejected")) {
            auto c = scoreText(textField(j, "chosen"));
            if (!c) {
                return Error{"chosen: " + c.error()};
            }
            return pair(std::move(c), scoreText(textField(j, "rejected")));
        }
        if (j.contains("prompt") && j.contains("response")) {
            return single(scoreText(textField(j, "response")));
        }
    } catch (const std::exception& e) {
        return Error{e.what()};
    }
    return Error{"expected {prompt, response}, {prompt_ids, response_ids}, "
                 "{prompt, chosen, rejected} or TRL's conversational {prompt: [messages], "
                 "chosen: [messages], rejected: [messages]} / {messages: [...]}"};
}

void BatchTally::add(const BatchLine& line) {
    if (line.chosen) {
        m_summary.pairs++;
        m_summary.correct += line.margin > 0 ? 1 : 0;
        m_marginSum += line.margin;
    }
    for (const auto* r : {&line.response, &line.chosen, &line.rejected}) {
        if (*r) {
            for (const TokenScore& t : (*r)->tokens) {
                m_rewards.push_back(t.reward);
            }
        }
    }
    m_summary.lines++;
}

void BatchTally::warn(ParseWarning warning) {
    m_summary.warnings.push_back(std::move(warning));
}

BatchSummary BatchTally::finish() {
    BatchSummary s = m_summary;
    s.accuracy = s.pairs ? static_cast<double>(s.correct) / s.pairs : 0.0;
    s.meanMargin = s.pairs ? m_marginSum / s.pairs : 0.0;
    s.rewardHistogram = makeHistogram(m_rewards);
    return s;
}

Result<std::vector<std::string>> readLines(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        return Error{"cannot open " + path};
    }
    std::vector<std::string> lines;
    for (std::string l; std::getline(in, l);) {
        lines.push_back(std::move(l));
    }
    return lines;
}

bool isBlank(const std::string& line) {
    return line.find_first_not_of(" \t\r") == std::string::npos;
}

Result<BatchSummary> scoreJsonl(ResponseScorer& scorer, const std::string& path,
                                const ScoreRequest& defaults,
                                const std::function<void(const BatchLine&)>& onLine,
                                const ProgressFn& progress, const std::set<int64_t>& skipLines) {
    auto lines = readLines(path);
    if (!lines) {
        return Error{lines.error()};
    }
    const auto total = static_cast<int64_t>(lines->size());
    BatchTally tally;
    for (int64_t i = 0; i < total; ++i) {
        if (!report(progress, "scoring", i, total)) {
            return Error{kCancelledMessage};
        }
        const std::string& text = (*lines)[static_cast<size_t>(i)];
        if (isBlank(text) || skipLines.count(i + 1)) {
            continue;
        }
        auto line = scoreJsonLine(scorer, text, i + 1, defaults);
        if (!line) {
            if (line.error().find(kCancelledMessage) != std::string::npos) {
                return Error{kCancelledMessage};
            }
            tally.warn({i + 1, path + ":" + std::to_string(i + 1) + ": " + line.error()});
            continue;
        }
        tally.add(*line);
        if (onLine) {
            onLine(*line);
        }
    }
    report(progress, "scoring", total, total);
    return tally.finish();
}

} // namespace cl
