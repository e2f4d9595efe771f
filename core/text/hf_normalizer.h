#pragma once
// tokenizer.json "normalizer": NFC/NFD/NFKC/NFKD, Prepend, Replace (string or regex pattern)
// and Sequence of those (HF tokenizers/src/normalizers/). Anything else is refused by name.

#include "core/text/normalized_text.h"
#include "core/text/regex_splitter.h"

#include <nlohmann/json_fwd.hpp>

#include <memory>
#include <string>
#include <vector>

namespace cl {

class HfNormalizer {
public:
    /// No-op normalizer (JSON null).
    HfNormalizer() = default;
    /// Throws std::invalid_argument naming the unsupported type or the bad field.
    static HfNormalizer fromJson(const nlohmann::json& j);

    /// Normalizes one piece in place (keeping the alignment to the original text).
    void apply(NormalizedText& text) const;
    bool empty() const { return m_steps.empty(); }

private:
    enum class Kind { Form, Prepend, Replace };
    struct Step {
        Kind kind;
        std::string a; // form name, prepended text, or replaced pattern
        std::string b; // replacement content
        std::shared_ptr<const RegexSplitter> regex; // Replace with a Regex pattern
    };
    void parseInto(const nlohmann::json& j, const std::string& where);
    std::vector<Step> m_steps;
};

} // namespace cl
