#pragma once
// tokenizer.json "pre_tokenizer": ByteLevel (GPT-2 regex), Metaspace, Split (regex or string
// pattern, every SplitDelimiterBehavior, invert), and Sequence of those
// (HF tokenizers/src/pre_tokenizers/{byte_level,metaspace,split,sequence}.rs).

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
    enum class Kind { ByteLevel, Metaspace, Split };
    enum class Prepend { Always, First, Never };
    /// HF SplitDelimiterBehavior (tokenizer/normalizer.rs).
    enum class Behavior { Removed, Isolated, MergedWithPrevious, MergedWithNext, Contiguous };
    struct Step {
        Kind kind;
        bool addPrefixSpace = false;                // ByteLevel
        std::shared_ptr<const RegexSplitter> regex; // ByteLevel with use_regex; Split pattern
        Behavior behavior = Behavior::Isolated;     // Split
        bool invert = false;                        // Split
        std::string replacement;                    // Metaspace
        Prepend prepend = Prepend::Always;          // Metaspace
        bool split = true;                          // Metaspace
    };
    void parseInto(const nlohmann::json& j, const std::string& where);
    static void applySplit(const Step& step, NormalizedText piece,
                           std::vector<NormalizedText>& out);
    static void applyStep(const Step& step, NormalizedText piece, std::vector<NormalizedText>& out);
    std::vector<Step> m_steps;
};

} // namespace cl
