#pragma once
// What tokenizer_config.json and config.json say about special tokens (transformers'
// PreTrainedTokenizer attributes add_bos_token, add_eos_token, bos_token, ...).

#include "core/text/tokenizer.h"

#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace cl {

struct TokenizerConfig {
    std::optional<std::string> bosToken, eosToken, padToken, unkToken; // tokenizer_config.json
    std::optional<bool> addBos, addEos;
    std::optional<bool> cleanUpSpaces;
    std::optional<int32_t> bosId, eosId, padId; // config.json
    /// The model's Jinja chat template: tokenizer_config.json's `chat_template` string, or the
    /// entry named "default" of its list form [{"name", "template"}, ...] (what transformers
    /// uses when no template name is asked for).
    std::optional<std::string> chatTemplate;
    /// Every entry of the list form, in file order (empty for the string form).
    std::vector<std::pair<std::string, std::string>> namedChatTemplates;
};

/// Reads dir/tokenizer_config.json and dir/config.json when they exist. Throws
/// std::invalid_argument naming the file when one is not valid JSON or not an object.
TokenizerConfig readTokenizerConfig(const std::string& dir);

/// The special tokens after applying the configs over the tokenizer's own: a token string from
/// tokenizer_config.json wins when it is in the vocab, then the tokenizer's own id, then
/// config.json's id; add_bos_token/add_eos_token override the tokenizer's default.
SpecialTokens
resolveSpecialTokens(const TokenizerConfig& config, const SpecialTokens& intrinsic,
                     const std::function<std::optional<int32_t>(const std::string&)>& lookup);

} // namespace cl
