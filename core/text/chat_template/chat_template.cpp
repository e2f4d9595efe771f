#include "core/text/chat_template/chat_template.h"

#include "core/text/chat_template/jinja_error.h"
#include "core/text/chat_template/jinja_evaluator.h"
#include "core/text/chat_template/jinja_lexer.h"
#include "core/text/chat_template/jinja_parser.h"
#include "core/text/tokenizer_config.h"

#include <filesystem>
#include <fstream>
#include <sstream>

namespace cl {

namespace {

using jinja::Value;

std::string atLine(int line, const std::string& message) {
    return "chat template line " + std::to_string(line) + ": " + message;
}

/// JSON -> template value; objects keep the order the JSON type gives them.
template <class Json> Value fromJson(const Json& j, int depth = 0) {
    if (depth > 500) {
        throw jinja::RenderError("the template variables are nested too deeply");
    }
    switch (j.type()) {
    case nlohmann::json::value_t::null:
        return Value::none();
    case nlohmann::json::value_t::boolean:
        return Value::boolean(j.template get<bool>());
    case nlohmann::json::value_t::number_integer:
        return Value::integer(j.template get<int64_t>());
    case nlohmann::json::value_t::number_unsigned: {
        const uint64_t u = j.template get<uint64_t>();
        if (u > static_cast<uint64_t>(INT64_MAX)) {
            throw jinja::RenderError("the integer " + std::to_string(u) +
                                     " in the template variables is too large");
        }
        return Value::integer(static_cast<int64_t>(u));
    }
    case nlohmann::json::value_t::number_float:
        return Value::number(j.template get<double>());
    case nlohmann::json::value_t::string:
        return Value::string(j.template get<std::string>());
    case nlohmann::json::value_t::array: {
        std::vector<Value> items;
        items.reserve(j.size());
        for (const auto& x : j) {
            items.push_back(fromJson(x, depth + 1));
        }
        return Value::list(std::move(items));
    }
    case nlohmann::json::value_t::object: {
        jinja::Dict d;
        for (const auto& [k, v] : j.items()) {
            d.set(k, fromJson(v, depth + 1));
        }
        return Value::dict(std::move(d));
    }
    default:
        throw jinja::RenderError("binary values cannot be template variables");
    }
}

std::string readText(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        throw std::runtime_error("cannot read " + path.string());
    }
    std::stringstream buffer;
    buffer << in.rdbuf();
    return buffer.str();
}

/// A template that is not in tokenizer_config.json: chat_template.jinja (newer transformers)
/// or chat_template.json {"chat_template": ...} (processors).
std::optional<std::string> templateBesideConfig(const std::filesystem::path& dir) {
    std::error_code ec;
    if (std::filesystem::is_regular_file(dir / "chat_template.jinja", ec)) {
        return readText(dir / "chat_template.jinja");
    }
    if (std::filesystem::is_regular_file(dir / "chat_template.json", ec)) {
        nlohmann::json j;
        try {
            j = nlohmann::json::parse(readText(dir / "chat_template.json"));
        } catch (const nlohmann::json::parse_error& e) {
            throw std::runtime_error((dir / "chat_template.json").string() +
                                     " is not valid JSON: " + e.what());
        }
        if (j.is_object() && j.contains("chat_template") && j.at("chat_template").is_string()) {
            return j.at("chat_template").get<std::string>();
        }
    }
    return std::nullopt;
}

template <class Json>
Result<std::string>
renderJson(const ChatTemplate& self, const std::shared_ptr<const jinja::ast::Template>& tmpl,
           const ChatTemplateLimits& limits, const std::function<std::tm()>& clock,
           const Json& messages, bool addGenerationPrompt, const Json& extra) {
    try {
        if (!extra.is_object() && !extra.is_null()) {
            return Error{"chat template variables must be a JSON object"};
        }
        jinja::Dict vars;
        vars.set("messages", fromJson(messages));
        vars.set("add_generation_prompt", Value::boolean(addGenerationPrompt));
        vars.set("tools", Value::none());
        vars.set("documents", Value::none());
        for (const auto& [k, v] : self.defaultVariables().items()) {
            vars.set(k, fromJson(v));
        }
        if (extra.is_object()) {
            for (const auto& [k, v] : extra.items()) {
                vars.set(k, fromJson(v));
            }
        }
        jinja::RenderLimits rl;
        rl.maxOutputBytes = limits.maxOutputBytes;
        rl.maxCallDepth = limits.maxCallDepth;
        rl.maxIterations = limits.maxIterations;
        jinja::Runtime rt;
        rt.localTime = clock;
        return jinja::render(*tmpl, vars, rl, rt);
    } catch (const jinja::RaisedError& e) {
        return Error{e.what()}; // the template's own message, verbatim
    } catch (const jinja::RenderError& e) {
        return Error{e.line ? atLine(e.line, e.what()) : std::string("chat template: ") + e.what()};
    } catch (const std::exception& e) {
        return Error{std::string("chat template: ") + e.what()};
    }
}

} // namespace

Result<ChatTemplate> ChatTemplate::parse(std::string source, ChatTemplateLimits limits) {
    try {
        auto tmpl = std::make_shared<jinja::ast::Template>(jinja::parse(jinja::tokenize(source)));
        ChatTemplate t;
        t.m_source = std::move(source);
        t.m_template = std::move(tmpl);
        t.m_limits = limits;
        return t;
    } catch (const jinja::SyntaxError& e) {
        return Error{atLine(e.line, e.what())};
    } catch (const std::exception& e) {
        return Error{std::string("chat template: ") + e.what()};
    }
}

Result<ChatTemplate> ChatTemplate::fromTokenizerDir(const std::string& dir, const std::string& name,
                                                    ChatTemplateLimits limits) {
    return catchAll([&]() -> Result<ChatTemplate> {
        const std::filesystem::path base(dir.empty() ? "." : dir);
        std::error_code ec;
        if (!std::filesystem::is_directory(base, ec)) {
            return Error{base.string() + " is not a folder"};
        }
        const TokenizerConfig config = readTokenizerConfig(base.string());
        const std::string configPath = (base / "tokenizer_config.json").string();
        std::optional<std::string> source;
        if (!name.empty()) {
            for (const auto& [n, t] : config.namedChatTemplates) {
                if (n == name) {
                    source = t;
                }
            }
            if (!source && name == "default") {
                source = config.chatTemplate;
            }
            if (!source) {
                std::string names;
                for (const auto& [n, t] : config.namedChatTemplates) {
                    names += (names.empty() ? "" : ", ") + n;
                }
                return Error{configPath + " has no chat template named '" + name + "'" +
                             (names.empty() ? std::string() : " (it has: " + names + ")")};
            }
        } else if (config.chatTemplate) {
            source = config.chatTemplate;
        } else if (!config.namedChatTemplates.empty()) {
            std::string names;
            for (const auto& [n, t] : config.namedChatTemplates) {
                names += (names.empty() ? "" : ", ") + n;
            }
            return Error{configPath + " lists chat templates named " + names +
                         " but none named 'default'; pick one by name"};
        } else {
            source = templateBesideConfig(base);
        }
        if (!source) {
            return Error{configPath +
                         " has no chat_template (nor is there a chat_template.jinja "
                         "in " +
                         base.string() + ")"};
        }
        auto parsed = parse(*source, limits);
        if (!parsed) {
            return Error{parsed.error()};
        }
        nlohmann::ordered_json defaults = nlohmann::ordered_json::object();
        const std::pair<const char*, const std::optional<std::string>*> tokens[] = {
            {"bos_token", &config.bosToken},
            {"eos_token", &config.eosToken},
            {"unk_token", &config.unkToken},
            {"pad_token", &config.padToken}};
        for (const auto& [key, value] : tokens) {
            if (*value) {
                defaults[key] = **value;
            }
        }
        parsed->setDefaultVariables(std::move(defaults));
        return std::move(parsed).value();
    });
}

Result<std::string> ChatTemplate::render(const nlohmann::ordered_json& messages,
                                         bool addGenerationPrompt,
                                         const nlohmann::ordered_json& extraVariables) const {
    return renderJson(*this, m_template, m_limits, m_clock, messages, addGenerationPrompt,
                      extraVariables);
}

Result<std::string> ChatTemplate::render(const nlohmann::json& messages, bool addGenerationPrompt,
                                         const nlohmann::json& extraVariables) const {
    return renderJson(*this, m_template, m_limits, m_clock, messages, addGenerationPrompt,
                      extraVariables);
}

void ChatTemplate::setDefaultVariables(nlohmann::ordered_json variables) {
    m_defaults = variables.is_object() ? std::move(variables) : nlohmann::ordered_json::object();
}

void ChatTemplate::setClock(std::function<std::tm()> localTime) {
    m_clock = std::move(localTime);
}

} // namespace cl
