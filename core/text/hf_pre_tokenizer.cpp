#include "core/text/hf_pre_tokenizer.h"

#include <nlohmann/json.hpp>

#include <stdexcept>

namespace cl {

namespace {

bool boolField(const nlohmann::json& j, const char* key, bool fallback) {
    if (!j.contains(key) || j.at(key).is_null()) {
        return fallback;
    }
    if (!j.at(key).is_boolean()) {
        throw std::invalid_argument(std::string("pre_tokenizer.") + key + " must be true or false");
    }
    return j.at(key).get<bool>();
}

std::shared_ptr<const RegexSplitter> gpt2Regex() {
    static const auto regex = std::make_shared<const RegexSplitter>(RegexSplitter::gpt2Pattern());
    return regex;
}

} // namespace

HfPreTokenizer HfPreTokenizer::fromJson(const nlohmann::json& j) {
    HfPreTokenizer p;
    if (!j.is_null()) {
        p.parseInto(j, "pre_tokenizer");
    }
    return p;
}

void HfPreTokenizer::parseInto(const nlohmann::json& j, const std::string& where) {
    if (!j.is_object() || !j.contains("type") || !j.at("type").is_string()) {
        throw std::invalid_argument(where + " must be an object with a \"type\" string");
    }
    const std::string type = j.at("type").get<std::string>();
    Step step;
    if (type == "ByteLevel") {
        step.kind = Kind::ByteLevel;
        step.addPrefixSpace = boolField(j, "add_prefix_space", true);
        if (boolField(j, "use_regex", true)) {
            step.regex = gpt2Regex();
        }
        m_steps.push_back(step);
    } else if (type == "Metaspace") {
        step.kind = Kind::Metaspace;
        step.replacement = j.value("replacement", std::string("\xE2\x96\x81"));
        if (step.replacement.empty()) {
            throw std::invalid_argument(where + ".replacement must not be empty");
        }
        step.split = boolField(j, "split", true);
        if (j.contains("prepend_scheme") && j.at("prepend_scheme").is_string()) {
            const std::string scheme = j.at("prepend_scheme").get<std::string>();
            if (scheme == "always") {
                step.prepend = Prepend::Always;
            } else if (scheme == "first") {
                step.prepend = Prepend::First;
            } else if (scheme == "never") {
                step.prepend = Prepend::Never;
            } else {
                throw std::invalid_argument(where + ".prepend_scheme is '" + scheme +
                                            "'; expected always, first or never");
            }
        } else {
            // Older files: add_prefix_space true = always, false = never.
            step.prepend =
                boolField(j, "add_prefix_space", true) ? Prepend::Always : Prepend::Never;
        }
        m_steps.push_back(step);
    } else if (type == "Sequence") {
        if (!j.contains("pretokenizers") || !j.at("pretokenizers").is_array()) {
            throw std::invalid_argument(where + ".pretokenizers is missing; expected a list");
        }
        size_t i = 0;
        for (const auto& child : j.at("pretokenizers")) {
            parseInto(child, where + ".pretokenizers[" + std::to_string(i++) + "]");
        }
    } else {
        throw std::invalid_argument(where + " has type '" + type +
                                    "', which is not supported (supported: ByteLevel, "
                                    "Metaspace, Sequence)");
    }
}

bool HfPreTokenizer::byteLevel() const {
    for (const Step& s : m_steps) {
        if (s.kind == Kind::ByteLevel) {
            return true;
        }
    }
    return false;
}

bool HfPreTokenizer::hasMetaspace() const {
    for (const Step& s : m_steps) {
        if (s.kind == Kind::Metaspace) {
            return true;
        }
    }
    return false;
}

void HfPreTokenizer::applyStep(const Step& step, NormalizedText piece,
                               std::vector<NormalizedText>& out) {
    if (step.kind == Kind::ByteLevel) {
        if (step.addPrefixSpace && (piece.empty() || piece.text()[0] != ' ')) {
            piece.prepend(" ");
        }
        if (!step.regex) {
            out.push_back(std::move(piece));
            return;
        }
        for (const auto& [b, e] : step.regex->split(piece.text())) {
            out.push_back(piece.slice(b, e));
        }
        return;
    }
    // Metaspace (metaspace.rs): spaces become the replacement, optional prefix, then split so
    // that each replacement starts a new word (SplitDelimiterBehavior::MergedWithNext).
    piece.replaceAll(" ", step.replacement);
    const bool startsWithReplacement = piece.text().rfind(step.replacement, 0) == 0;
    if (!startsWithReplacement &&
        (step.prepend == Prepend::Always ||
         (step.prepend == Prepend::First && piece.originalStart() == 0))) {
        piece.prepend(step.replacement);
    }
    if (!step.split) {
        out.push_back(std::move(piece));
        return;
    }
    size_t start = 0;
    size_t pos = piece.text().find(step.replacement, 1);
    while (pos != std::string::npos) {
        out.push_back(piece.slice(start, pos));
        start = pos;
        pos = piece.text().find(step.replacement, pos + step.replacement.size());
    }
    out.push_back(piece.slice(start, piece.size()));
}

std::vector<NormalizedText> HfPreTokenizer::apply(NormalizedText piece) const {
    std::vector<NormalizedText> words;
    words.push_back(std::move(piece));
    for (const Step& step : m_steps) {
        std::vector<NormalizedText> next;
        for (NormalizedText& w : words) {
            applyStep(step, std::move(w), next);
        }
        words = std::move(next);
    }
    return words;
}

} // namespace cl
