#pragma once
// tokenizer.json "pre_tokenizer": ByteLevel (GPT-2 regex), Metaspace, and Sequence of those
// (HF tokenizers/src/pre_tokenizers/{byte_level,metaspace,sequence}.rs).

#include "core/text/normalized_text.h"
#include "core/text/regex_splitter.h"

#include <nlohmann/json_fwd.hpp>

#include <memory>
#include <string>
#include <vector>

namespace cl {

class HfPreTokenizer {
public:
    /// Identity (JSON null): the whole piece is one word.
    HfPreTokenizer() = default;
    /// Throws std::invalid_argument naming the unsupported type or bad field.
    static HfPreTokenizer fromJson(const nlohmann::json& j);

    /// Splits one normalized piece into words (in order, each with its alignment).
    std::vector<NormalizedText> apply(NormalizedText piece) const;
    /// True when a ByteLevel step is present (the model then works on bytes).
    bool byteLevel() const;
    bool hasMetaspace() const;

private:
    enum class Kind { ByteLevel, Metaspace };
    enum class Prepend { Always, First, Never };
    struct Step {
        Kind kind;
        bool addPrefixSpace = false;                // ByteLevel
        std::shared_ptr<const RegexSplitter> regex; // ByteLevel with use_regex
        std::string replacement;                    // Metaspace
        Prepend prepend = Prepend::Always;          // Metaspace
        bool split = true;                          // Metaspace
    };
    void parseInto(const nlohmann::json& j, const std::string& where);
    static void applyStep(const Step& step, NormalizedText piece, std::vector<NormalizedText>& out);
    std::vector<Step> m_steps;
};

} // namespace cl
