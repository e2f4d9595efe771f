// creditlens-cli chat-render (issue #15): a conversation rendered with a model's own chat
// template, byte for byte as transformers' apply_chat_template renders it.
//   creditlens-cli chat-render --tokenizer DIR --messages conv.json [--add-generation-prompt]
//                              [--template-name NAME] [--var KEY=JSON ...]
//     DIR: a folder (or a file in it) whose tokenizer_config.json has chat_template,
//     bos_token, eos_token; conv.json: a JSON array of {"role", "content", ...} (or an object
//     with "messages"). --var adds a template variable (enable_thinking=false, tools=[...]).
//     Prints {"text": ...}. When the template fails, exits 1 with its own message on stderr
//     (raise_exception's message exactly, nothing prepended).

#include "app/cli/cli_util.h"
#include "app/cli/commands.h"
#include "core/text/chat_template/chat_template.h"

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <iostream>
#include <memory>

namespace cl::cli {

namespace {

using ojson = nlohmann::ordered_json;

struct ChatRenderOptions {
    std::string tokenizer;
    std::string messages;
    std::string templateName;
    std::vector<std::string> vars;
    bool addGenerationPrompt = false;
};

/// The folder of --tokenizer: itself, or the folder of a file in it.
std::string tokenizerFolder(const std::string& path) {
    namespace fs = std::filesystem;
    std::error_code ec;
    if (fs::is_regular_file(path, ec)) {
        const fs::path parent = fs::path(path).parent_path();
        return parent.empty() ? "." : parent.string();
    }
    if (!fs::exists(path, ec)) {
        throw CliError(path + " does not exist");
    }
    return path;
}

ojson readMessages(const std::string& path) {
    ojson j;
    try {
        j = ojson::parse(readFile(path));
    } catch (const ojson::parse_error& e) {
        throw CliError(path + " is not valid JSON: " + e.what());
    }
    if (j.is_object() && j.contains("messages")) {
        j = j.at("messages");
    }
    if (!j.is_array()) {
        throw CliError(path + ": expected a JSON array of {\"role\", \"content\"} messages");
    }
    for (size_t i = 0; i < j.size(); ++i) {
        if (!j[i].is_object() || !j[i].contains("role")) {
            throw CliError(path + ": message " + std::to_string(i) +
                           " is not an object with a \"role\"");
        }
    }
    return j;
}

/// KEY=JSON; a value that is not JSON is taken as a string (--var date_string=26 Jul 2024).
ojson parseVars(const std::vector<std::string>& vars) {
    ojson out = ojson::object();
    for (const std::string& v : vars) {
        const size_t eq = v.find('=');
        if (eq == std::string::npos || eq == 0) {
            throw CliError("--var: expected KEY=VALUE, got '" + v + "'");
        }
        const std::string value = v.substr(eq + 1);
        try {
            out[v.substr(0, eq)] = ojson::parse(value);
        } catch (const ojson::parse_error&) {
            out[v.substr(0, eq)] = value;
        }
    }
    return out;
}

void runChatRender(const ChatRenderOptions& o) {
    const ojson messages = readMessages(o.messages);
    const ojson vars = parseVars(o.vars);
    auto tmpl = ChatTemplate::fromTokenizerDir(tokenizerFolder(o.tokenizer), o.templateName);
    if (!tmpl) {
        throw CliError(tmpl.error());
    }
    const auto text = tmpl->render(messages, o.addGenerationPrompt, vars);
    if (!text) {
        throw CliVerbatimError(text.error());
    }
    std::cout << ojson{{"text", *text}}.dump(-1, ' ', false,
                                             nlohmann::json::error_handler_t::replace)
              << "\n";
}

} // namespace

void addChatRenderCommand(CLI::App& app) {
    auto opts = std::make_shared<ChatRenderOptions>();
    CLI::App* cmd = app.add_subcommand(
        "chat-render",
        "A conversation rendered with the model's chat template, as {\"text\": ...}");
    cmd->add_option("--tokenizer", opts->tokenizer,
                    "folder whose tokenizer_config.json has the chat_template")
        ->required();
    cmd->add_option("--messages", opts->messages, "JSON file: an array of {role, content}")
        ->required();
    cmd->add_flag("--add-generation-prompt", opts->addGenerationPrompt,
                  "end with the start of an assistant turn");
    cmd->add_option("--template-name", opts->templateName,
                    "which template of a list-form chat_template (default: \"default\")");
    cmd->add_option("--var", opts->vars, "extra template variable KEY=JSON (repeatable)");
    cmd->callback([opts] { runChatRender(*opts); });
}

} // namespace cl::cli
