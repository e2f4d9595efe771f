#pragma once
// A model's chat template (tokenizer_config.json `chat_template`), rendered byte-for-byte as
// transformers' apply_chat_template renders it: Jinja2 in a sandboxed environment with
// trim_blocks and lstrip_blocks, the globals raise_exception and strftime_now, transformers'
// tojson, and the variables messages, add_generation_prompt, tools=None, documents=None plus
// the special tokens. Torch-free and Qt-free; the only API other code should use for templates.

#include "core/common/result.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <ctime>
#include <functional>
#include <memory>
#include <string>

namespace cl {

namespace jinja::ast {
struct Template;
}

/// Sandbox bounds of one render.
struct ChatTemplateLimits {
    size_t maxOutputBytes = 16u << 20;   ///< the rendering and every string it computes
    int maxCallDepth = 100;              ///< nested macro calls
    uint64_t maxIterations = 10'000'000; ///< loop iterations and macro calls together
};

class ChatTemplate {
public:
    /// Parses a template. A construct the interpreter does not implement is an error here,
    /// e.g. "chat template line 3: the Jinja filter 'xmlattr' is not supported".
    static Result<ChatTemplate> parse(std::string source, ChatTemplateLimits limits = {});

    /// The chat template of a tokenizer folder: tokenizer_config.json's chat_template (the
    /// "default" entry of the list form, or `name` when given), else chat_template.jinja or
    /// chat_template.json in the folder. bos_token, eos_token, pad_token and unk_token of
    /// tokenizer_config.json become default variables (a token that is absent stays undefined).
    static Result<ChatTemplate> fromTokenizerDir(const std::string& dir,
                                                 const std::string& name = {},
                                                 ChatTemplateLimits limits = {});

    /// Renders `messages` (a JSON array of {"role", "content", ...}). The variables are
    /// messages, add_generation_prompt, tools=None and documents=None, then defaultVariables(),
    /// then extraVariables (an object; later wins, a null value is None). When the template
    /// calls raise_exception(msg), the error is msg exactly; other errors say
    /// "chat template line N: ...".
    Result<std::string>
    render(const nlohmann::ordered_json& messages, bool addGenerationPrompt,
           const nlohmann::ordered_json& extraVariables = nlohmann::ordered_json::object()) const;
    /// The same for nlohmann::json (whose objects lose their key order: prefer ordered_json
    /// when a template prints messages with tojson).
    Result<std::string> render(const nlohmann::json& messages, bool addGenerationPrompt,
                               const nlohmann::json& extraVariables) const;

    const std::string& source() const { return m_source; }
    const nlohmann::ordered_json& defaultVariables() const { return m_defaults; }
    void setDefaultVariables(nlohmann::ordered_json variables);
    /// strftime_now's clock (tests freeze it); unset = the local time.
    void setClock(std::function<std::tm()> localTime);

private:
    ChatTemplate() = default;
    std::string m_source;
    std::shared_ptr<const jinja::ast::Template> m_template;
    ChatTemplateLimits m_limits;
    nlohmann::ordered_json m_defaults = nlohmann::ordered_json::object();
    std::function<std::tm()> m_clock;
};

} // namespace cl
