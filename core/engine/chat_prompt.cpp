#include "core/engine/chat_prompt.h"

#include "core/text/chat_template/chat_template.h"

#include <nlohmann/json.hpp>

#include <algorithm>

namespace cl {

namespace {

// No whitespace (templates trim messages) and nothing a template tests for ('</think>').
constexpr const char* kPlaceholder = "CreditLensAssistantMessage7f3a";

bool isSpace(char c) {
    return c == ' ' || c == '\n' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
}

nlohmann::ordered_json toMessages(const std::vector<ChatTurn>& turns) {
    auto messages = nlohmann::ordered_json::array();
    for (const ChatTurn& t : turns) {
        messages.push_back({{"role", t.role}, {"content", t.content}});
    }
    return messages;
}

bool startsWith(const std::string& s, const std::string& head) {
    return s.size() >= head.size() && s.compare(0, head.size(), head) == 0;
}

bool endsWith(const std::string& s, const std::string& tail) {
    return s.size() >= tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
}

/// Where `written` (what the template wrote of the message) lies in the response: the response
/// itself, or a trimmed piece of it.
bool locate(const std::string& response, const std::string& written, ChatSplit& out) {
    if (written == response) {
        out.contentBegin = 0;
    } else if (written.empty()) {
        // The template wrote nothing of it (a whitespace-only message, trimmed).
        out.contentBegin = static_cast<int64_t>(response.size());
    } else {
        const size_t at = response.find(written);
        if (at == std::string::npos) {
            return false;
        }
        out.contentBegin = static_cast<int64_t>(at);
    }
    out.contentEnd = out.contentBegin + static_cast<int64_t>(written.size());
    return true;
}

} // namespace

std::vector<ChatTurn> promptTurns(const std::string& prompt) {
    return {ChatTurn{"user", prompt}};
}

Result<ChatSplit> splitChat(const ChatTemplate& chat, const std::vector<ChatTurn>& turns,
                            const std::string& response) {
    std::vector<ChatTurn> full = turns;
    full.push_back({"assistant", response});
    auto rendered = chat.render(toMessages(full), /*addGenerationPrompt=*/false);
    if (!rendered) {
        return Error{rendered.error()};
    }
    const std::string& text = rendered.value();
    ChatSplit out;
    std::string before, written, after;
    // The placeholder's rendering frames the message: what is left between its two sides is
    // what the template wrote of the real message.
    full.back().content = kPlaceholder;
    auto framed = chat.render(toMessages(full), false);
    bool found = false;
    if (framed) {
        const size_t at = framed->find(kPlaceholder);
        if (at != std::string::npos) {
            before = framed->substr(0, at);
            after = framed->substr(at + std::char_traits<char>::length(kPlaceholder));
            if (text.size() >= before.size() + after.size() && startsWith(text, before) &&
                endsWith(text, after)) {
                written = text.substr(before.size(), text.size() - before.size() - after.size());
                found = locate(response, written, out);
            }
        }
    }
    if (!found && !response.empty()) {
        // The template treats this message differently from the placeholder (Qwen3 moves a
        // "<think>" part into its own block): look for the message itself, whole or trimmed.
        auto first = std::find_if_not(response.begin(), response.end(), isSpace);
        auto last = std::find_if_not(response.rbegin(), response.rend(), isSpace).base();
        const std::string trimmed = first < last ? std::string(first, last) : std::string();
        for (const std::string& piece : {response, trimmed}) {
            const size_t at = piece.empty() ? std::string::npos : text.rfind(piece);
            if (at != std::string::npos && locate(response, piece, out)) {
                before = text.substr(0, at);
                written = piece;
                after = text.substr(at + piece.size());
                found = true;
                break;
            }
        }
    }
    if (!found) {
        return Error{"the chat template rewrites the assistant message, so its tokens cannot be "
                     "mapped back to the response text"};
    }
    auto prompt = chat.render(toMessages(turns), /*addGenerationPrompt=*/true);
    if (!prompt) {
        return Error{prompt.error()};
    }
    size_t common = 0;
    while (common < before.size() && common < prompt->size() &&
           before[common] == (*prompt)[common]) {
        ++common;
    }
    out.prompt = before.substr(0, common);
    out.infix = before.substr(common);
    out.suffix = after;
    size_t keep = after.size();
    while (keep > 0 && isSpace(after[keep - 1])) {
        --keep;
    }
    out.terminal = after.substr(0, keep);
    return out;
}

std::string chatStopText(const ChatSplit& split) {
    const std::string& t = split.terminal;
    size_t b = 0;
    while (b < t.size() && isSpace(t[b])) {
        ++b;
    }
    return t.substr(b);
}

} // namespace cl
