#include "core/text/hf_decoder.h"

#include "core/text/byte_level.h"
#include "core/text/utf8.h"

#include <nlohmann/json.hpp>

#include <stdexcept>

namespace cl {

namespace {

const char* const kReplacementChar = "\xEF\xBF\xBD";

std::string replaceAll(const std::string& s, const std::string& from, const std::string& to) {
    if (from.empty()) {
        return s;
    }
    std::string out;
    size_t pos = 0;
    for (size_t hit = s.find(from); hit != std::string::npos; hit = s.find(from, pos)) {
        out.append(s, pos, hit - pos).append(to);
        pos = hit + from.size();
    }
    return out.append(s, pos, std::string::npos);
}

/// "<0x41>" -> 0x41, or -1 when token is not a byte token.
int byteToken(const std::string& t) {
    if (t.size() != 6 || t.compare(0, 3, "<0x") != 0 || t[5] != '>') {
        return -1;
    }
    int value = 0;
    for (size_t i = 3; i < 5; ++i) {
        const char c = t[i];
        int d = -1;
        if (c >= '0' && c <= '9') {
            d = c - '0';
        } else if (c >= 'A' && c <= 'F') {
            d = c - 'A' + 10;
        } else if (c >= 'a' && c <= 'f') {
            d = c - 'a' + 10;
        }
        if (d < 0) {
            return -1;
        }
        value = value * 16 + d;
    }
    return value;
}

/// Splits valid UTF-8 into characters.
std::vector<std::string> chars(const std::string& s) {
    std::vector<std::string> out;
    size_t pos = 0;
    while (pos < s.size()) {
        size_t len = utf8::sequenceLength(s, pos);
        len = len == 0 ? 1 : len;
        out.push_back(s.substr(pos, len));
        pos += len;
    }
    return out;
}

} // namespace

HfDecoder HfDecoder::fromJson(const nlohmann::json& j) {
    HfDecoder d;
    if (!j.is_null()) {
        d.parseInto(j, "decoder");
    }
    return d;
}

void HfDecoder::parseInto(const nlohmann::json& j, const std::string& where) {
    if (!j.is_object() || !j.contains("type") || !j.at("type").is_string()) {
        throw std::invalid_argument(where + " must be an object with a \"type\" string");
    }
    const std::string type = j.at("type").get<std::string>();
    Step step;
    if (type == "ByteLevel") {
        step.kind = Kind::ByteLevel;
    } else if (type == "ByteFallback") {
        step.kind = Kind::ByteFallback;
    } else if (type == "Fuse") {
        step.kind = Kind::Fuse;
    } else if (type == "Replace") {
        step.kind = Kind::Replace;
        const auto& pattern = j.contains("pattern") ? j.at("pattern") : nlohmann::json();
        if (!j.contains("content") || !j.at("content").is_string()) {
            throw std::invalid_argument(where + " (Replace) needs a content string");
        }
        step.b = j.at("content").get<std::string>();
        if (pattern.is_object() && pattern.contains("Regex") && pattern.at("Regex").is_string()) {
            step.a = pattern.at("Regex").get<std::string>();
            step.regex = RegexSplitter::compile(step.a, where + " (Replace)");
        } else if (pattern.is_object() && pattern.contains("String") &&
                   pattern.at("String").is_string()) {
            step.a = pattern.at("String").get<std::string>();
        } else {
            throw std::invalid_argument(where + " (Replace) needs a pattern {\"String\": ...} "
                                                "or {\"Regex\": ...}");
        }
    } else if (type == "Strip") {
        step.kind = Kind::Strip;
        step.a = j.value("content", std::string(" "));
        step.start = j.value("start", size_t(0));
        step.stop = j.value("stop", size_t(0));
    } else if (type == "Metaspace") {
        step.kind = Kind::Metaspace;
        step.a = j.value("replacement", std::string("\xE2\x96\x81"));
        if (j.contains("prepend_scheme") && j.at("prepend_scheme").is_string()) {
            step.prefix = j.at("prepend_scheme").get<std::string>() != "never";
        } else {
            step.prefix = j.value("add_prefix_space", true);
        }
    } else if (type == "Sequence") {
        if (!j.contains("decoders") || !j.at("decoders").is_array()) {
            throw std::invalid_argument(where + ".decoders is missing; expected a list");
        }
        size_t i = 0;
        for (const auto& child : j.at("decoders")) {
            parseInto(child, where + ".decoders[" + std::to_string(i++) + "]");
        }
        return;
    } else {
        throw std::invalid_argument(where + " has type '" + type +
                                    "', which is not supported (supported: ByteLevel, Replace, "
                                    "ByteFallback, Fuse, Strip, Metaspace, Sequence)");
    }
    m_steps.push_back(step);
}

void HfDecoder::applyStep(const Step& step, std::vector<std::string>& tokens) {
    switch (step.kind) {
    case Kind::ByteLevel: {
        // decoders/byte_level.rs: per token, the table's bytes when every char is in it, else
        // the token's own bytes; then one lossy UTF-8 decode of everything.
        std::string bytes;
        for (const std::string& t : tokens) {
            const auto decoded = byte_level::decodeToken(t);
            bytes += decoded ? *decoded : t;
        }
        tokens.assign(1, utf8::lossy(bytes));
        break;
    }
    case Kind::Replace:
        for (std::string& t : tokens) {
            if (!step.regex) {
                t = replaceAll(t, step.a, step.b);
                continue;
            }
            std::string out;
            for (const RegexSplitter::Piece& p : step.regex->findMatches(t)) {
                out += p.isMatch ? step.b : t.substr(p.begin, p.end - p.begin);
            }
            t = std::move(out);
        }
        break;
    case Kind::ByteFallback: {
        // decoders/byte_fallback.rs: runs of <0xXX> become their bytes if they form valid
        // UTF-8, else one U+FFFD per byte token.
        std::vector<std::string> out;
        std::string pending;
        size_t pendingCount = 0;
        auto flush = [&] {
            if (pendingCount == 0) {
                return;
            }
            if (utf8::firstInvalid(pending) == std::string::npos) {
                out.push_back(pending);
            } else {
                for (size_t i = 0; i < pendingCount; ++i) {
                    out.emplace_back(kReplacementChar);
                }
            }
            pending.clear();
            pendingCount = 0;
        };
        for (std::string& t : tokens) {
            const int b = byteToken(t);
            if (b >= 0) {
                pending.push_back(static_cast<char>(b));
                ++pendingCount;
            } else {
                flush();
                out.push_back(std::move(t));
            }
        }
        flush();
        tokens = std::move(out);
        break;
    }
    case Kind::Fuse: {
        std::string all;
        for (const std::string& t : tokens) {
            all += t;
        }
        tokens.assign(1, all);
        break;
    }
    case Kind::Strip:
        for (std::string& t : tokens) {
            std::vector<std::string> cs = chars(t);
            size_t startCut = 0;
            while (startCut < step.start && startCut < cs.size() && cs[startCut] == step.a) {
                ++startCut;
            }
            size_t stopCut = cs.size();
            size_t stripped = 0;
            while (stripped < step.stop && stopCut > startCut && cs[stopCut - 1] == step.a) {
                --stopCut;
                ++stripped;
            }
            std::string s;
            for (size_t i = startCut; i < stopCut; ++i) {
                s += cs[i];
            }
            t = std::move(s);
        }
        break;
    case Kind::Metaspace:
        // decoders of metaspace.rs: replacement -> ' ', except that the first token's
        // replacement characters vanish when a prefix was prepended.
        for (size_t i = 0; i < tokens.size(); ++i) {
            tokens[i] = replaceAll(tokens[i], step.a, i == 0 && step.prefix ? "" : " ");
        }
        break;
    }
}

std::string HfDecoder::decode(std::vector<std::string> tokens) const {
    if (m_steps.empty()) {
        std::string joined;
        for (size_t i = 0; i < tokens.size(); ++i) {
            joined += (i ? " " : "") + tokens[i];
        }
        return joined;
    }
    for (const Step& step : m_steps) {
        applyStep(step, tokens);
    }
    std::string text;
    for (const std::string& t : tokens) {
        text += t;
    }
    return text;
}

} // namespace cl
