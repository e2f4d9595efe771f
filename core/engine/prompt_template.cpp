#include "core/engine/prompt_template.h"

#include "core/text/chat_template/chat_template.h"

#include <algorithm>

namespace cl {

namespace {

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

/// Template text as transformers encodes it: a tokenizer.json matches its added tokens in the
/// text itself; sentencepiece does not, so the special tokens a template writes ("<s>" of
/// bos_token) are split out here and become their ids (each other piece encoded on its own, as
/// HF's slow tokenizer does). The ids only: template text has no span in the response.
Result<std::vector<int32_t>> encodeTemplateText(const Tokenizer& tok, const std::string& text,
                                                const char* what) {
    std::vector<std::pair<std::string, int32_t>> specials;
    if (tok.kind() == "sentencepiece") {
        const SpecialTokens& sp = tok.special();
        for (const auto& id : {sp.bos, sp.eos, sp.unk, sp.pad}) {
            if (id && !tok.idToPiece(*id).empty()) {
                specials.emplace_back(tok.idToPiece(*id), *id);
            }
        }
    }
    std::vector<int32_t> ids;
    size_t from = 0;
    while (from <= text.size()) {
        size_t at = std::string::npos;
        const std::pair<std::string, int32_t>* hit = nullptr;
        for (const auto& sp : specials) {
            const size_t f = text.find(sp.first, from);
            if (f < at) {
                at = f;
                hit = &sp;
            }
        }
        const std::string plain = text.substr(from, at == std::string::npos ? at : at - from);
        if (!plain.empty()) {
            auto e = encodePlain(tok, plain, what);
            if (!e) {
                return Error{e.error()};
            }
            ids.insert(ids.end(), e->ids.begin(), e->ids.end());
        }
        if (!hit) {
            break;
        }
        ids.push_back(hit->second);
        from = at + hit->first.size();
    }
    return ids;
}

} // namespace

std::vector<std::string> templateNames() {
    return {"raw", "tldr", "chat"};
}

Result<TemplatedSequence> applyTemplate(const Tokenizer& tok, const std::string& name,
                                        const std::string& prompt, const std::string& response,
                                        bool appendEos, const ChatTemplate* chat) {
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
        if (!chat) {
            return Error{"template \"chat\": the tokenizer folder has no chat_template"};
        }
        return applyChatTemplate(tok, *chat, promptTurns(prompt), response, appendEos);
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
        out.terminalTokens = 1;
    }
    return out;
}

Result<TemplatedSequence> applyChatTemplate(const Tokenizer& tok, const ChatTemplate& chat,
                                            const std::vector<ChatTurn>& turns,
                                            const std::string& response, bool appendTerminal,
                                            const std::vector<int32_t>& eosIds) {
    auto split = splitChat(chat, turns, response);
    if (!split) {
        return Error{"template \"chat\": " + split.error()};
    }
    if (appendTerminal && split->terminal.empty()) {
        return Error{"template \"chat\": the chat template writes nothing after an assistant "
                     "message, so there is no terminal action to score; score without EOS "
                     "(--no-eos)"};
    }
    TemplatedSequence out;
    auto p = encodeTemplateText(tok, split->prompt, "prompt");
    if (!p) {
        return Error{p.error()};
    }
    out.ids = p.value();
    out.responseStart = static_cast<int64_t>(out.ids.size());
    // Text the template adds around the message has no bytes in the response: empty spans.
    auto addTemplateText = [&](const std::string& text, int64_t at) -> Result<int64_t> {
        if (text.empty()) {
            return int64_t{0};
        }
        auto e = encodeTemplateText(tok, text, "chat template text");
        if (!e) {
            return Error{e.error()};
        }
        out.ids.insert(out.ids.end(), e->begin(), e->end());
        out.responseSpans.insert(out.responseSpans.end(), e->size(), {at, at});
        return static_cast<int64_t>(e->size());
    };
    // A whitespace-only infix (Llama-2's " " after [/INST]) is the space a layout puts before
    // the message: encoded with it, as "tldr" does (" ok" is one token, not two); its bytes get
    // empty spans at the message's start. Any other infix is template text on its own.
    const bool blankInfix = std::all_of(split->infix.begin(), split->infix.end(), [](char c) {
        return c == ' ' || c == '\n' || c == '\t' || c == '\r';
    });
    const std::string lead = blankInfix ? split->infix : std::string();
    if (!blankInfix) {
        if (auto i = addTemplateText(split->infix, split->contentBegin); !i) {
            return Error{i.error()};
        }
    }
    const std::string written =
        response.substr(split->contentBegin, split->contentEnd - split->contentBegin);
    auto r = encodePlain(tok, lead + written, "response");
    if (!r) {
        return Error{r.error()};
    }
    out.ids.insert(out.ids.end(), r->ids.begin(), r->ids.end());
    const auto shift = static_cast<int64_t>(lead.size());
    for (const auto& [b, e] : r->offsets) {
        out.responseSpans.emplace_back(std::max<int64_t>(0, b - shift) + split->contentBegin,
                                       std::max<int64_t>(0, e - shift) + split->contentBegin);
    }
    if (appendTerminal) {
        auto n = addTemplateText(split->terminal, static_cast<int64_t>(response.size()));
        if (!n) {
            return Error{n.error()};
        }
        int64_t count = n.value();
        const auto first = out.ids.end() - count;
        const auto eos = std::find_if(first, out.ids.end(), [&](int32_t id) {
            return id == tok.special().eos ||
                   std::find(eosIds.begin(), eosIds.end(), id) != eosIds.end();
        });
        if (eos != out.ids.end()) {
            count = (eos - first) + 1; // what follows the EOS is never generated
            out.ids.erase(eos + 1, out.ids.end());
            out.responseSpans.resize(out.responseSpans.size() - (n.value() - count));
        }
        out.eosAppended = true;
        out.terminalTokens = count;
    }
    return out;
}

} // namespace cl
