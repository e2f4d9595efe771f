#pragma once
// tokenizer.json "decoder": ByteLevel, Replace, ByteFallback, Fuse, Strip, Metaspace and
// Sequence (HF tokenizers/src/decoders/). Works on the token strings, like HF's decode_chain.

#include <nlohmann/json_fwd.hpp>

#include "core/text/regex_splitter.h"

#include <memory>
#include <string>
#include <vector>

namespace cl {

class HfDecoder {
public:
    /// JSON null: tokens are joined with spaces (HF's behaviour without a decoder).
    HfDecoder() = default;
    /// Throws std::invalid_argument naming the unsupported type or bad field.
    static HfDecoder fromJson(const nlohmann::json& j);

    /// Turns token strings into text.
    std::string decode(std::vector<std::string> tokens) const;
    bool empty() const { return m_steps.empty(); }

private:
    enum class Kind { ByteLevel, Replace, ByteFallback, Fuse, Strip, Metaspace };
    struct Step {
        Kind kind;
        std::string a;      // Replace pattern, Strip content, Metaspace replacement
        std::string b;      // Replace content
        size_t start = 0;   // Strip
        size_t stop = 0;    // Strip
        bool prefix = true; // Metaspace: the first token's replacement is dropped
        std::shared_ptr<const RegexSplitter> regex; // Replace with a Regex pattern
    };
    void parseInto(const nlohmann::json& j, const std::string& where);
    static void applyStep(const Step& step, std::vector<std::string>& tokens);
    std::vector<Step> m_steps;
};

} // namespace cl
