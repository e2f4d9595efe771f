#pragma once
// A fast path for reading tokenizer.json (issue #15): model.vocab and model.merges (a 262k
// vocabulary and 514k merges for Gemma 3, 33 MB) are read by a small hand-written scanner
// instead of a JSON DOM; everything else still goes through nlohmann::json.

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace cl {

/// A tokenizer.json split into its big lists and the rest.
struct ScannedTokenizerJson {
    /// The whole document, except that model.vocab is {} and model.merges is [].
    nlohmann::json rest;
    /// model.vocab in file order.
    std::vector<std::pair<std::string, int32_t>> vocab;
    /// model.merges in rank order: "a b" strings split at their one space, or ["a", "b"] pairs;
    /// a "#version" line is left out.
    std::vector<std::pair<std::string, std::string>> merges;
};

/// Reads text on the fast path. Returns nullopt for anything it does not expect (invalid JSON,
/// no model object, a non-integer id, a malformed merge, ...): the caller then parses the text
/// with nlohmann::json and reports the problem with its usual message. Never throws on bad
/// input.
std::optional<ScannedTokenizerJson> scanTokenizerJson(std::string_view text);

} // namespace cl
