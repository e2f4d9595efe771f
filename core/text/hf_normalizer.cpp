#include "core/text/hf_normalizer.h"

#include <nlohmann/json.hpp>

#include <stdexcept>

namespace cl {

namespace {

std::string stringField(const nlohmann::json& j, const char* key, const std::string& where) {
    if (!j.contains(key) || !j.at(key).is_string()) {
        throw std::invalid_argument(where + "." + key + " is missing; expected a string");
    }
    return j.at(key).get<std::string>();
}

} // namespace

HfNormalizer HfNormalizer::fromJson(const nlohmann::json& j) {
    HfNormalizer n;
    if (!j.is_null()) {
        n.parseInto(j, "normalizer");
    }
    return n;
}

void HfNormalizer::parseInto(const nlohmann::json& j, const std::string& where) {
    if (!j.is_object() || !j.contains("type") || !j.at("type").is_string()) {
        throw std::invalid_argument(where + " must be an object with a \"type\" string");
    }
    const std::string type = j.at("type").get<std::string>();
    if (type == "NFC" || type == "NFD" || type == "NFKC" || type == "NFKD") {
        m_steps.push_back({Kind::Form, type, {}, nullptr});
    } else if (type == "Prepend") {
        m_steps.push_back({Kind::Prepend, stringField(j, "prepend", where), {}, nullptr});
    } else if (type == "Replace") {
        const auto& pattern = j.contains("pattern") ? j.at("pattern") : nlohmann::json();
        const std::string content = stringField(j, "content", where);
        if (pattern.is_object() && pattern.contains("Regex") && pattern.at("Regex").is_string()) {
            Step step{Kind::Replace, pattern.at("Regex").get<std::string>(), content, nullptr};
            step.regex = RegexSplitter::compile(step.a, where + " (Replace)");
            m_steps.push_back(std::move(step));
        } else if (pattern.is_object() && pattern.contains("String") &&
                   pattern.at("String").is_string()) {
            const std::string from = pattern.at("String").get<std::string>();
            if (from.empty()) {
                throw std::invalid_argument(where + " (Replace) has an empty pattern");
            }
            m_steps.push_back({Kind::Replace, from, content, nullptr});
        } else {
            throw std::invalid_argument(where + " (Replace) needs a pattern {\"String\": ...} "
                                                "or {\"Regex\": ...}");
        }
    } else if (type == "Sequence") {
        if (!j.contains("normalizers") || !j.at("normalizers").is_array()) {
            throw std::invalid_argument(where + ".normalizers is missing; expected a list");
        }
        size_t i = 0;
        for (const auto& child : j.at("normalizers")) {
            parseInto(child, where + ".normalizers[" + std::to_string(i++) + "]");
        }
    } else {
        throw std::invalid_argument(where + " has type '" + type +
                                    "', which is not supported (supported: NFC, NFD, NFKC, "
                                    "NFKD, Prepend, Replace, Sequence)");
    }
}

void HfNormalizer::apply(NormalizedText& text) const {
    for (const Step& step : m_steps) {
        switch (step.kind) {
        case Kind::Form:
            text.normalizeForm(step.a);
            break;
        case Kind::Prepend:
            // normalizers/prepend.rs: only non-empty pieces get the prefix.
            if (!text.empty()) {
                text.prepend(step.a);
            }
            break;
        case Kind::Replace:
            if (step.regex) {
                text.replaceRegex(*step.regex, step.b);
            } else {
                text.replaceAll(step.a, step.b);
            }
            break;
        }
    }
}

} // namespace cl
