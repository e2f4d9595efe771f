#include "core/text/tokenizer_config.h"

#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace cl {

namespace {

using nlohmann::json;

std::optional<json> readJsonObject(const std::filesystem::path& path) {
    std::error_code ec;
    if (!std::filesystem::is_regular_file(path, ec)) {
        return std::nullopt;
    }
    std::ifstream in(path, std::ios::binary);
    std::stringstream buffer;
    buffer << in.rdbuf();
    json j;
    try {
        j = json::parse(buffer.str());
    } catch (const json::exception& e) {
        // parse_error, and out_of_range for a number beyond double (`1e999`): both escaped the
        // documented std::invalid_argument before (fuzz_tokenizer_config, issue #18).
        throw std::invalid_argument(path.string() + " is not valid JSON: " + e.what());
    }
    if (!j.is_object()) {
        throw std::invalid_argument(path.string() + " is not a JSON object");
    }
    return j;
}

/// A token entry is a string or an AddedToken dict {"content": ...}.
std::optional<std::string> tokenString(const json& j, const char* key) {
    if (!j.contains(key)) {
        return std::nullopt;
    }
    const json& v = j.at(key);
    if (v.is_string()) {
        return v.get<std::string>();
    }
    if (v.is_object() && v.contains("content") && v.at("content").is_string()) {
        return v.at("content").get<std::string>();
    }
    return std::nullopt;
}

std::optional<bool> boolean(const json& j, const char* key) {
    if (j.contains(key) && j.at(key).is_boolean()) {
        return j.at(key).get<bool>();
    }
    return std::nullopt;
}

/// An id, or the first of a list of ids (eos_token_id may be a list). An id that does not fit
/// an int32 is refused naming `file`, rather than cut to another id.
std::optional<int32_t> idField(const json& j, const char* key,
                               const std::filesystem::path& file) {
    if (!j.contains(key)) {
        return std::nullopt;
    }
    const json& v = j.at(key).is_array() && !j.at(key).empty() ? j.at(key).at(0) : j.at(key);
    if (!v.is_number_integer()) {
        return std::nullopt;
    }
    const bool fits = v.is_number_unsigned() ? v.get<uint64_t>() <= uint64_t(INT32_MAX)
                                              : v.get<int64_t>() >= INT32_MIN &&
                                                    v.get<int64_t>() <= INT32_MAX;
    if (!fits) {
        throw std::invalid_argument(file.string() + ": " + key + " " + v.dump() +
                                    " is not a token id (ids are below 2^31)");
    }
    return static_cast<int32_t>(v.get<int64_t>());
}

/// `chat_template`: a string, or HF's list of named templates (a malformed value is ignored
/// here; ChatTemplate::fromTokenizerDir says what is missing).
void readChatTemplate(const json& j, TokenizerConfig& c) {
    if (!j.contains("chat_template")) {
        return;
    }
    const json& v = j.at("chat_template");
    if (v.is_string()) {
        c.chatTemplate = v.get<std::string>();
        return;
    }
    if (!v.is_array()) {
        return;
    }
    for (const json& entry : v) {
        if (entry.is_object() && entry.contains("name") && entry.at("name").is_string() &&
            entry.contains("template") && entry.at("template").is_string()) {
            c.namedChatTemplates.emplace_back(entry.at("name").get<std::string>(),
                                              entry.at("template").get<std::string>());
            if (c.namedChatTemplates.back().first == "default") {
                c.chatTemplate = c.namedChatTemplates.back().second;
            }
        }
    }
}

} // namespace

TokenizerConfig readTokenizerConfig(const std::string& dir) {
    TokenizerConfig c;
    const std::filesystem::path base(dir.empty() ? "." : dir);
    if (const auto tc = readJsonObject(base / "tokenizer_config.json")) {
        c.bosToken = tokenString(*tc, "bos_token");
        c.eosToken = tokenString(*tc, "eos_token");
        c.padToken = tokenString(*tc, "pad_token");
        c.unkToken = tokenString(*tc, "unk_token");
        c.addBos = boolean(*tc, "add_bos_token");
        c.addEos = boolean(*tc, "add_eos_token");
        c.cleanUpSpaces = boolean(*tc, "clean_up_tokenization_spaces");
        readChatTemplate(*tc, c);
    }
    if (const auto mc = readJsonObject(base / "config.json")) {
        const std::filesystem::path file = base / "config.json";
        c.bosId = idField(*mc, "bos_token_id", file);
        c.eosId = idField(*mc, "eos_token_id", file);
        c.padId = idField(*mc, "pad_token_id", file);
    }
    return c;
}

SpecialTokens
resolveSpecialTokens(const TokenizerConfig& config, const SpecialTokens& intrinsic,
                     const std::function<std::optional<int32_t>(const std::string&)>& lookup) {
    auto pick = [&](const std::optional<std::string>& token, std::optional<int32_t> own,
                    std::optional<int32_t> fallback) -> std::optional<int32_t> {
        if (token) {
            if (const auto id = lookup(*token)) {
                return id;
            }
        }
        return own ? own : fallback;
    };
    SpecialTokens s;
    s.bos = pick(config.bosToken, intrinsic.bos, config.bosId);
    s.eos = pick(config.eosToken, intrinsic.eos, config.eosId);
    s.pad = pick(config.padToken, intrinsic.pad, config.padId);
    s.unk = pick(config.unkToken, intrinsic.unk, std::nullopt);
    s.addBos = config.addBos.value_or(intrinsic.addBos);
    s.addEos = config.addEos.value_or(intrinsic.addEos);
    return s;
}

} // namespace cl
