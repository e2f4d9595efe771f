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

Result<BatchSummary> scoreJsonl(ResponseScorer& scorer, const std::string& path,
                                const ScoreRequest& defaults,
                                const std::function<void(const BatchLine&)>& onLine,
                                const ProgressFn& progress) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        return Error{"cannot open " + path};
    }
    std::vector<std::string> lines;
    for (std::string l; std::getline(in, l);) {
        lines.push_back(std::move(l));
    }
    BatchSummary s;
    std::vector<double> rewards;
    double marginSum = 0;
    for (size_t i = 0; i < lines.size(); ++i) {
        if (!report(progress, "scoring", static_cast<int64_t>(i),
                    static_cast<int64_t>(lines.size()))) {
            return Error{kCancelledMessage};
        }
        const std::string& text = lines[i];
        if (text.find_first_not_of(" \t\r") == std::string::npos) {
            continue;
        }
        BatchLine out;
        out.line = static_cast<int64_t>(i + 1);
        auto fail = [&](const std::string& msg) {
            s.warnings.push_back({out.line, path + ":" + std::to_string(out.line) + ": " + msg});
        };
        json j = json::parse(text, nullptr, false);
        if (j.is_discarded() || !j.is_object()) {
            fail("not a JSON object");
            continue;
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
        const bool conversational = (j.contains("prompt") && j["prompt"].is_array()) ||
                                    (j.contains("chosen") && j["chosen"].is_array()) ||
                                    j.contains("messages");
        try {
            if (conversational && j.contains("chosen") && j.contains("rejected")) {
                auto c = scoreChat("chosen");
                if (!c) {
                    throw std::runtime_error("chosen: " + c.error());
                }
                auto r = scoreChat("rejected");
                if (!r) {
                    throw std::runtime_error("rejected: " + r.error());
                }
                out.chosen = std::move(c.value());
                out.rejected = std::move(r.value());
                out.margin = out.chosen->rewardSum - out.rejected->rewardSum;
                out.pChosen = bradleyTerry(out.chosen->rewardSum, out.rejected->rewardSum);
                s.pairs++;
                s.correct += out.margin > 0 ? 1 : 0;
                marginSum += out.margin;
            } else if (conversational && (j.contains("messages") || j.contains("completion"))) {
                auto r = scoreChat(j.contains("messages") ? "messages" : "completion");
                if (!r) {
                    throw std::runtime_error(r.error());
                }
                out.response = std::move(r.value());
            } else if (j.contains("prompt_ids") && j.contains("response_ids")) {
                auto r = scorer.scoreIds({idsField(j, "prompt_ids"), idsField(j, "response_ids")});
                if (!r) {
                    throw std::runtime_error(r.error());
                }
                out.response = std::move(r.value());
            } else if (j.contains("prompt") && j.contains("chosen") && j.contains("rejected")) {
                auto c = scoreText(textField(j, "chosen"));
                if (!c) {
                    throw std::runtime_error("chosen: " + c.error());
                }
                auto r = scoreText(textField(j, "rejected"));
                if (!r) {
                    throw std::runtime_error("rejected: " + r.error());
                }
                out.chosen = std::move(c.value());
                out.rejected = std::move(r.value());
                out.margin = out.chosen->rewardSum - out.rejected->rewardSum;
                out.pChosen = bradleyTerry(out.chosen->rewardSum, out.rejected->rewardSum);
                s.pairs++;
                s.correct += out.margin > 0 ? 1 : 0;
                marginSum += out.margin;
            } else if (j.contains("prompt") && j.contains("response")) {
                auto r = scoreText(textField(j, "response"));
                if (!r) {
                    throw std::runtime_error(r.error());
                }
                out.response = std::move(r.value());
            } else {
                fail("expected {prompt, response}, {prompt_ids, response_ids}, "
                     "{prompt, chosen, rejected} or TRL's conversational {prompt: [messages], "
                     "chosen: [messages], rejected: [messages]} / {messages: [...]}");
                continue;
            }
        } catch (const std::exception& e) {
            if (std::string(e.what()).find(kCancelledMessage) != std::string::npos) {
                return Error{kCancelledMessage};
            }
            fail(e.what());
            continue;
        }
        for (const auto* r : {&out.response, &out.chosen, &out.rejected}) {
            if (*r) {
                for (const TokenScore& t : (*r)->tokens) {
                    rewards.push_back(t.reward);
                }
            }
        }
        s.lines++;
        if (onLine) {
            onLine(out);
        }
    }
    s.accuracy = s.pairs ? static_cast<double>(s.correct) / s.pairs : 0.0;
    s.meanMargin = s.pairs ? marginSum / s.pairs : 0.0;
    s.rewardHistogram = makeHistogram(rewards);
    report(progress, "scoring", static_cast<int64_t>(lines.size()),
           static_cast<int64_t>(lines.size()));
    return s;
}

} // namespace cl
