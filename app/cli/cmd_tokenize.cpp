// creditlens-cli tokenize / detokenize (issue #4 item 7):
//   creditlens-cli tokenize --tokenizer PATH (--text S | --input FILE) [--no-special]
//     PATH: a tokenizer.json, a .model, or a model folder; FILE holds one JSON string per line.
//     Prints one {"ids":[...],"pieces":[...],"offsets":[[b,e],...]} per text, byte offsets
//     into the UTF-8 text.
//   creditlens-cli detokenize --tokenizer PATH --ids 1,2,3 [--skip-special]
//     Prints {"text": ...}.

#include "app/cli/cli_util.h"
#include "app/cli/commands.h"
#include "core/text/tokenizer.h"

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <iostream>
#include <limits>
#include <memory>
#include <sstream>

namespace cl::cli {

namespace {

struct TokenizeOptions {
    std::string tokenizer;
    std::string text;
    std::string input;
    std::string ids;
    bool noSpecial = false;
    bool skipSpecial = false;
};

std::unique_ptr<Tokenizer> loadTokenizer(const std::string& path) {
    auto tok = Tokenizer::load(path);
    if (!tok) {
        throw CliError(tok.error());
    }
    return std::move(tok).value();
}

std::string dumpJson(const nlohmann::ordered_json& j) {
    return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string encodeLine(const Tokenizer& tok, const std::string& text, bool addSpecial,
                       const std::string& where) {
    const auto enc = tok.encode(text, addSpecial);
    if (!enc) {
        throw CliError(where + enc.error());
    }
    nlohmann::ordered_json offsets = nlohmann::ordered_json::array();
    for (const auto& [b, e] : enc.value().offsets) {
        offsets.push_back({b, e});
    }
    // ordered_json keeps the documented key order: ids, pieces, offsets.
    nlohmann::ordered_json out = {
        {"ids", enc.value().ids}, {"pieces", enc.value().pieces}, {"offsets", offsets}};
    return dumpJson(out);
}

void runTokenize(const TokenizeOptions& o) {
    const auto tok = loadTokenizer(o.tokenizer);
    const bool addSpecial = !o.noSpecial;
    if (o.input.empty()) {
        std::cout << encodeLine(*tok, o.text, addSpecial, "") << "\n";
        return;
    }
    std::istringstream lines(readFile(o.input));
    std::string line;
    size_t number = 0;
    while (std::getline(lines, line)) {
        ++number;
        if (!line.empty() && line.back() == '\r') {
            line.pop_back();
        }
        if (line.find_first_not_of(" \t") == std::string::npos) {
            continue; // blank lines carry no string
        }
        const std::string where = o.input + " line " + std::to_string(number) + ": ";
        nlohmann::json j;
        try {
            j = nlohmann::json::parse(line);
        } catch (const nlohmann::json::parse_error&) {
            throw CliError(where + "expected one JSON string, e.g. \"Hello\"");
        }
        if (!j.is_string()) {
            throw CliError(where + "expected a JSON string, got " + std::string(j.type_name()));
        }
        std::cout << encodeLine(*tok, j.get<std::string>(), addSpecial, where) << "\n";
    }
}

void runDetokenize(const TokenizeOptions& o) {
    std::vector<int32_t> ids;
    for (const int64_t id : parseIdList(o.ids, "--ids")) {
        if (id > std::numeric_limits<int32_t>::max()) {
            throw CliError("--ids: " + std::to_string(id) + " is too large for a token id");
        }
        ids.push_back(int32_t(id));
    }
    const auto tok = loadTokenizer(o.tokenizer);
    for (const int32_t id : ids) {
        if (id >= tok->vocabSize()) {
            throw CliError("--ids: " + std::to_string(id) + " is not below the vocab size " +
                           std::to_string(tok->vocabSize()));
        }
    }
    std::cout << dumpJson(nlohmann::ordered_json{{"text", tok->decode(ids, o.skipSpecial)}})
              << "\n";
}

} // namespace

void addTokenizeCommands(CLI::App& app) {
    auto opts = std::make_shared<TokenizeOptions>();

    CLI::App* tokenize = app.add_subcommand(
        "tokenize", "Token ids, pieces and byte offsets of text, one JSON object per text");
    tokenize
        ->add_option("--tokenizer", opts->tokenizer, "tokenizer.json, .model file, or model folder")
        ->required();
    auto* text = tokenize->add_option("--text", opts->text, "the text to tokenize");
    auto* input =
        tokenize->add_option("--input", opts->input, "file with one JSON string per line");
    text->excludes(input);
    input->excludes(text);
    tokenize->add_flag("--no-special", opts->noSpecial, "do not add BOS/EOS");
    tokenize->callback([opts, text, input] {
        if (text->count() == 0 && input->count() == 0) {
            throw CliError("tokenize: give --text or --input");
        }
        runTokenize(*opts);
    });

    CLI::App* detokenize =
        app.add_subcommand("detokenize", "Text of token ids, as {\"text\": ...}");
    detokenize
        ->add_option("--tokenizer", opts->tokenizer, "tokenizer.json, .model file, or model folder")
        ->required();
    detokenize->add_option("--ids", opts->ids, "comma-separated token ids")->required();
    detokenize->add_flag("--skip-special", opts->skipSpecial, "leave out special tokens");
    detokenize->callback([opts] { runDetokenize(*opts); });
}

} // namespace cl::cli
