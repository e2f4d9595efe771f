#include "core/engine/prompt_template.h"

namespace cl {

namespace {

enum class ChatKind { None, ChatMl, LlamaInst };

ChatKind detectChat(const std::string& t) {
    if (t.find("<|im_start|>") != std::string::npos) {
        return ChatKind::ChatMl;
    }
    if (t.find("[INST]") != std::string::npos) {
        return ChatKind::LlamaInst;
    }
    return ChatKind::None;
}

bool startsWithSpace(const std::string& s) {
    return !s.empty() && (s[0] == ' ' || s[0] == '\n' || s[0] == '\t');
}

bool endsWith(const std::string& s, const std::string& tail) {
    return s.size() >= tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
}

/// Encodes text without special tokens, or fails with the tokenizer's sentence.
Result<Encoding> encodePlain(const Tokenizer& tok, const std::string& text, const char* what) {
    auto enc = tok.encode(text, /*addSpecial=*/false);
    if (!enc) {
        return Error{std::string(what) + ": " + enc.error()};
    }
    return enc;
}

} // namespace

std::vector<std::string> templateNames() {
    return {"raw", "tldr", "chat"};
}

Result<TemplatedSequence> applyTemplate(const Tokenizer& tok, const std::string& name,
                                        const std::string& prompt, const std::string& response,
                                        bool appendEos, const std::string& chatTemplate) {
    TemplatedSequence out;
    std::string promptText = prompt;
    std::string responseText = response;
    int64_t responseShift = 0; // bytes we prepended to the user's response
    bool addBos = false;
    if (name == "raw") {
        addBos = tok.special().addBos && tok.special().bos.has_value();
    } else if (name == "tldr") {
        if (!endsWith(promptText, "TL;DR:")) {
            promptText += (promptText.empty() || endsWith(promptText, "\n")) ? "TL;DR:"
                                                                             : "\nTL;DR:";
        }
        if (!startsWithSpace(responseText)) {
            responseText = " " + responseText;
            responseShift = 1;
        }
    } else if (name == "chat") {
        const ChatKind kind = detectChat(chatTemplate);
        if (chatTemplate.empty()) {
            return Error{"template \"chat\": tokenizer_config.json has no chat_template"};
        }
        if (kind == ChatKind::None) {
            return Error{"template \"chat\": the model's chat_template is too complex to render "
                         "here (only ChatML and Llama-2 [INST] templates are supported); use "
                         "\"raw\" with the formatted prompt instead"};
        }
        if (kind == ChatKind::ChatMl) {
            promptText = "<|im_start|>user\n" + prompt + "<|im_end|>\n<|im_start|>assistant\n";
        } else {
            promptText = "[INST] " + prompt + " [/INST]";
            addBos = tok.special().bos.has_value();
        }
    } else {
        return Error{"unknown template \"" + name + "\" (use raw, tldr or chat)"};
    }

    if (addBos) {
        out.ids.push_back(*tok.special().bos);
    }
    auto p = encodePlain(tok, promptText, "prompt");
    if (!p) {
        return Error{p.error()};
    }
    out.ids.insert(out.ids.end(), p->ids.begin(), p->ids.end());
    out.responseStart = static_cast<int64_t>(out.ids.size());
    auto r = encodePlain(tok, responseText, "response");
    if (!r) {
        return Error{r.error()};
    }
    out.ids.insert(out.ids.end(), r->ids.begin(), r->ids.end());
    for (const auto& [b, e] : r->offsets) {
        // Map back into the user's text; the space we added has an empty span at 0.
        out.responseSpans.emplace_back(std::max<int64_t>(0, b - responseShift),
                                       std::max<int64_t>(0, e - responseShift));
    }
    if (appendEos) {
        if (!tok.special().eos) {
            return Error{"the tokenizer defines no EOS token; score without EOS (--no-eos)"};
        }
        out.ids.push_back(*tok.special().eos);
        const auto end = static_cast<int64_t>(response.size());
        out.responseSpans.emplace_back(end, end);
        out.eosAppended = true;
    }
    return out;
}

} // namespace cl
