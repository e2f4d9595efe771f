#include "core/logs/dpo_stdout_parser.h"

#include "core/logs/jsonl_parser.h"

namespace cl::logs {

namespace {

constexpr std::string_view kTrainMarker = "train stats after ";
constexpr std::string_view kEvalMarker = "eval after ";

void skipSpace(std::string_view s, std::size_t& i) {
    while (i < s.size() && (s[i] == ' ' || s[i] == '\t')) {
        ++i;
    }
}

// A Python str repr body up to its closing quote; i ends after the quote. False if unclosed.
bool readQuoted(std::string_view s, std::size_t& i, std::string& out) {
    const char quote = s[i++];
    out.clear();
    while (i < s.size()) {
        const char c = s[i++];
        if (c == '\\' && i < s.size()) {
            out.push_back(s[i++]);
        } else if (c == quote) {
            return true;
        } else {
            out.push_back(c);
        }
    }
    return false;
}

} // namespace

bool DpoStdoutParser::parseDict(std::string_view s, std::string& error) {
    m_items.clear();
    std::size_t i = 0;
    skipSpace(s, i);
    if (i >= s.size() || s[i] != '{') {
        error = "expected a {...} dict after the marker";
        return false;
    }
    ++i;
    skipSpace(s, i);
    if (i < s.size() && s[i] == '}') {
        return true;
    }
    std::string key;
    std::string value;
    while (true) {
        skipSpace(s, i);
        if (i >= s.size() || (s[i] != '\'' && s[i] != '"') || !readQuoted(s, i, key)) {
            error = "expected a quoted key at column " + std::to_string(i + 1);
            return false;
        }
        skipSpace(s, i);
        if (i >= s.size() || s[i] != ':') {
            error = "expected ':' after '" + key + "'";
            return false;
        }
        ++i;
        skipSpace(s, i);
        if (i < s.size() && (s[i] == '\'' || s[i] == '"')) {
            if (!readQuoted(s, i, value)) {
                error = "unterminated value of '" + key + "' (line cut off?)";
                return false;
            }
        } else {
            const std::size_t start = i;
            int depth = 0;
            while (i < s.size() && (depth > 0 || (s[i] != ',' && s[i] != '}'))) {
                depth += (s[i] == '(' || s[i] == '[') - (s[i] == ')' || s[i] == ']');
                ++i;
            }
            value.assign(s.substr(start, i - start));
        }
        m_items.emplace_back(key, value);
        skipSpace(s, i);
        if (i >= s.size()) {
            error = "dict not closed (line cut off?)";
            return false;
        }
        if (s[i] == '}') {
            return true;
        }
        if (s[i] != ',') {
            error = "expected ',' or '}' at column " + std::to_string(i + 1);
            return false;
        }
        ++i;
    }
}

void DpoStdoutParser::parseLine(std::string_view line, int64_t lineNo, RunBuilder& out) {
    std::size_t at = line.find(kTrainMarker);
    std::size_t numberAt = 0;
    if (at != std::string_view::npos) {
        numberAt = at + kTrainMarker.size();
    } else if ((at = line.find(kEvalMarker)) != std::string_view::npos) {
        numberAt = at + kEvalMarker.size();
    } else {
        return;
    }
    const std::size_t colon = line.find(':', numberAt);
    std::string_view count = line.substr(
        numberAt, colon == std::string_view::npos ? std::string_view::npos : colon - numberAt);
    if (count.size() > 9 && count.substr(count.size() - 9) == " examples") {
        count.remove_suffix(9);
    }
    const std::optional<double> examples = parseNumber(count);
    if (colon == std::string_view::npos || !examples) {
        out.skip(lineNo, "expected '<N> examples: {...}' or '<N>: {...}' after the marker");
        return;
    }
    std::string error;
    if (!parseDict(line.substr(colon + 1), error)) {
        out.skip(lineNo, error);
        return;
    }
    if (!m_unitSet) {
        m_unitSet = true;
        out.run().stepUnit = StepUnit::Examples;
    }
    Point p;
    p.step = *examples;
    for (const auto& [key, text] : m_items) {
        if (key == "counters/examples") {
            continue;
        }
        if (const std::optional<double> v = parseNumber(text)) {
            p.value = *v;
            out.add(key, p);
        }
    }
}

} // namespace cl::logs
