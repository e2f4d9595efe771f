#include "core/text/hf_pre_tokenizer.h"

#include <nlohmann/json.hpp>

#include <algorithm>
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
    } else if (type == "Split") {
        if (byteLevel()) {
            // Our byte-level model maps bytes itself, so a step after ByteLevel would see raw
            // text where HF sees the byte alphabet.
            throw std::invalid_argument(where + " (Split) comes after a ByteLevel step, which is "
                                                "not supported");
        }
        step.kind = Kind::Split;
        const auto& pattern = j.contains("pattern") ? j.at("pattern") : nlohmann::json();
        if (pattern.is_object() && pattern.contains("Regex") && pattern.at("Regex").is_string()) {
            step.regex =
                RegexSplitter::compile(pattern.at("Regex").get<std::string>(), where + " (Split)");
        } else if (pattern.is_object() && pattern.contains("String") &&
                   pattern.at("String").is_string()) {
            step.regex = RegexSplitter::compile(
                RegexSplitter::escape(pattern.at("String").get<std::string>()), where + " (Split)");
        } else {
            throw std::invalid_argument(where + ".pattern (Split) must be {\"Regex\": ...} or "
                                                "{\"String\": ...}");
        }
        const std::string behavior = j.value("behavior", std::string());
        static const std::pair<const char*, Behavior> kBehaviors[] = {
            {"Removed", Behavior::Removed},
            {"Isolated", Behavior::Isolated},
            {"MergedWithPrevious", Behavior::MergedWithPrevious},
            {"MergedWithNext", Behavior::MergedWithNext},
            {"Contiguous", Behavior::Contiguous}};
        bool known = false;
        for (const auto& [name, value] : kBehaviors) {
            if (behavior == name) {
                step.behavior = value;
                known = true;
            }
        }
        if (!known) {
            throw std::invalid_argument(where + ".behavior (Split) is '" + behavior +
                                        "'; expected Removed, Isolated, MergedWithPrevious, "
                                        "MergedWithNext or Contiguous");
        }
        step.invert = boolField(j, "invert", false);
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
                                    "Metaspace, Split, Sequence)");
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

void HfPreTokenizer::applySplit(const Step& step, NormalizedText piece,
                                std::vector<NormalizedText>& out) {
    // NormalizedString::split (tokenizers/src/tokenizer/normalizer.rs): find_matches (flags
    // flipped by invert), then the behavior decides which pieces merge or go.
    std::vector<RegexSplitter::Piece> matches = step.regex->findMatches(piece.text());
    if (step.invert) {
        for (RegexSplitter::Piece& m : matches) {
            m.isMatch = !m.isMatch;
        }
    }
    struct Cut {
        size_t begin, end;
        bool remove;
    };
    std::vector<Cut> cuts;
    cuts.reserve(matches.size());
    bool previousMatch = false;
    switch (step.behavior) {
    case Behavior::Isolated:
        for (const auto& m : matches) {
            cuts.push_back({m.begin, m.end, false});
        }
        break;
    case Behavior::Removed:
        for (const auto& m : matches) {
            cuts.push_back({m.begin, m.end, m.isMatch});
        }
        break;
    case Behavior::Contiguous:
        for (const auto& m : matches) {
            if (m.isMatch == previousMatch && !cuts.empty()) {
                cuts.back().end = m.end;
            } else {
                cuts.push_back({m.begin, m.end, false});
            }
            previousMatch = m.isMatch;
        }
        break;
    case Behavior::MergedWithPrevious:
        for (const auto& m : matches) {
            if (m.isMatch && !previousMatch && !cuts.empty()) {
                cuts.back().end = m.end;
            } else {
                cuts.push_back({m.begin, m.end, false});
            }
            previousMatch = m.isMatch;
        }
        break;
    case Behavior::MergedWithNext:
        for (auto it = matches.rbegin(); it != matches.rend(); ++it) {
            if (it->isMatch && !previousMatch && !cuts.empty()) {
                cuts.back().begin = it->begin;
            } else {
                cuts.push_back({it->begin, it->end, false});
            }
            previousMatch = it->isMatch;
        }
        std::reverse(cuts.begin(), cuts.end());
        break;
    }
    for (const Cut& c : cuts) {
        // PreTokenizedString::split drops empty pieces.
        if (!c.remove && c.end > c.begin) {
            out.push_back(piece.slice(c.begin, c.end));
        }
    }
}

void HfPreTokenizer::applyStep(const Step& step, NormalizedText piece,
                               std::vector<NormalizedText>& out) {
    if (step.kind == Kind::Split) {
        applySplit(step, std::move(piece), out);
        return;
    }
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
