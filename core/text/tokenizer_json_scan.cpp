// The fast path of tokenizer.json loading. Profiling the Gemma 3 file (issue #15) showed about
// half the load in building nlohmann's DOM for model.vocab (a std::map of 262k keys) and
// model.merges (514k small arrays), and freeing it again. Here those two lists are scanned
// straight into vectors; the other members (small) are cut out as raw text and parsed by
// nlohmann::json, so their handling and error messages stay the same.

#include "core/text/tokenizer_json_scan.h"

#include "core/text/utf8.h"

#include <cstring>

namespace cl {

namespace {

/// A forward-only reader over JSON text. Every method returns false on anything unexpected.
class Cursor {
public:
    explicit Cursor(std::string_view text) : m_p(text.data()), m_end(text.data() + text.size()) {}

    const char* pos() const { return m_p; }
    bool atEnd() {
        skipWs();
        return m_p == m_end;
    }
    bool peek(char c) {
        skipWs();
        return m_p < m_end && *m_p == c;
    }
    bool expect(char c) {
        if (!peek(c)) {
            return false;
        }
        ++m_p;
        return true;
    }

    /// A string (the cursor is on its opening quote), escapes decoded.
    bool string(std::string& out) {
        out.clear();
        if (!expect('"')) {
            return false;
        }
        while (m_p < m_end) {
            // Copy the run up to the next quote, backslash or control character at once.
            const char* run = m_p;
            while (m_p < m_end && *m_p != '"' && *m_p != '\\' &&
                   static_cast<unsigned char>(*m_p) >= 0x20) {
                ++m_p;
            }
            out.append(run, size_t(m_p - run));
            if (m_p == m_end || static_cast<unsigned char>(*m_p) < 0x20) {
                return false;
            }
            if (*m_p == '"') {
                ++m_p;
                return true;
            }
            if (++m_p == m_end) { // the backslash
                return false;
            }
            const char e = *m_p++;
            switch (e) {
            case '"':
                out += '"';
                break;
            case '\\':
                out += '\\';
                break;
            case '/':
                out += '/';
                break;
            case 'b':
                out += '\b';
                break;
            case 'f':
                out += '\f';
                break;
            case 'n':
                out += '\n';
                break;
            case 'r':
                out += '\r';
                break;
            case 't':
                out += '\t';
                break;
            case 'u': {
                uint32_t cp = 0;
                if (!hex4(cp)) {
                    return false;
                }
                if (cp >= 0xD800 && cp <= 0xDBFF) {
                    uint32_t low = 0;
                    if (m_end - m_p < 2 || m_p[0] != '\\' || m_p[1] != 'u') {
                        return false;
                    }
                    m_p += 2;
                    if (!hex4(low) || low < 0xDC00 || low > 0xDFFF) {
                        return false;
                    }
                    cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
                } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
                    return false;
                }
                utf8::append(out, char32_t(cp));
                break;
            }
            default:
                return false;
            }
        }
        return false;
    }

    /// An integer that fits int32 (no fraction, no exponent).
    bool int32(int32_t& out) {
        skipWs();
        bool negative = false;
        if (m_p < m_end && *m_p == '-') {
            negative = true;
            ++m_p;
        }
        int64_t value = 0;
        const char* digits = m_p;
        while (m_p < m_end && *m_p >= '0' && *m_p <= '9') {
            value = value * 10 + (*m_p - '0');
            if (value > int64_t(INT32_MAX) + 1) {
                return false;
            }
            ++m_p;
        }
        if (m_p == digits || (m_p < m_end && (*m_p == '.' || *m_p == 'e' || *m_p == 'E'))) {
            return false;
        }
        value = negative ? -value : value;
        if (value > INT32_MAX || value < INT32_MIN) {
            return false;
        }
        out = int32_t(value);
        return true;
    }

    /// Skips one value of any kind; the text is validated later by whoever parses it.
    bool skipValue() {
        skipWs();
        if (m_p == m_end) {
            return false;
        }
        if (*m_p == '"') {
            ++m_p;
            while (m_p < m_end && *m_p != '"') {
                m_p += *m_p == '\\' ? 2 : 1;
            }
            if (m_p >= m_end) {
                return false;
            }
            ++m_p;
            return true;
        }
        if (*m_p == '{' || *m_p == '[') {
            int depth = 0;
            while (m_p < m_end) {
                const char c = *m_p;
                if (c == '"') {
                    if (!skipValue()) {
                        return false;
                    }
                    continue;
                }
                ++m_p;
                if (c == '{' || c == '[') {
                    ++depth;
                } else if (c == '}' || c == ']') {
                    if (--depth == 0) {
                        return true;
                    }
                }
            }
            return false;
        }
        // number, true, false, null
        const char* start = m_p;
        while (m_p < m_end && std::strchr(",}] \t\r\n", *m_p) == nullptr) {
            ++m_p;
        }
        return m_p > start;
    }

private:
    void skipWs() {
        while (m_p < m_end && (*m_p == ' ' || *m_p == '\n' || *m_p == '\r' || *m_p == '\t')) {
            ++m_p;
        }
    }
    bool hex4(uint32_t& out) {
        if (m_end - m_p < 4) {
            return false;
        }
        out = 0;
        for (int i = 0; i < 4; ++i) {
            const char c = *m_p++;
            out <<= 4;
            if (c >= '0' && c <= '9') {
                out |= uint32_t(c - '0');
            } else if (c >= 'a' && c <= 'f') {
                out |= uint32_t(c - 'a' + 10);
            } else if (c >= 'A' && c <= 'F') {
                out |= uint32_t(c - 'A' + 10);
            } else {
                return false;
            }
        }
        return true;
    }

    const char* m_p;
    const char* m_end;
};

/// Iterates the members of an object: fn(key, cursor positioned on the value) -> bool.
template <class Fn> bool eachMember(Cursor& c, Fn&& fn) {
    if (!c.expect('{')) {
        return false;
    }
    if (c.expect('}')) {
        return true;
    }
    std::string key;
    do {
        if (!c.string(key) || !c.expect(':') || !fn(key)) {
            return false;
        }
    } while (c.expect(','));
    return c.expect('}');
}

bool scanVocab(Cursor& c, std::vector<std::pair<std::string, int32_t>>& vocab) {
    if (!c.expect('{')) {
        return false;
    }
    if (c.expect('}')) {
        return true;
    }
    std::string token;
    do {
        int32_t id = 0;
        if (!c.string(token) || !c.expect(':') || !c.int32(id)) {
            return false;
        }
        vocab.emplace_back(token, id);
    } while (c.expect(','));
    return c.expect('}');
}

bool scanMerges(Cursor& c, std::vector<std::pair<std::string, std::string>>& merges) {
    if (!c.expect('[')) {
        return false;
    }
    if (c.expect(']')) {
        return true;
    }
    std::string a, b;
    do {
        if (c.peek('[')) {
            c.expect('[');
            if (!c.string(a) || !c.expect(',') || !c.string(b) || !c.expect(']')) {
                return false;
            }
            merges.emplace_back(a, b);
            continue;
        }
        if (!c.string(a)) {
            return false;
        }
        if (a.rfind("#version", 0) == 0) {
            continue;
        }
        const size_t space = a.find(' ');
        if (space == std::string::npos || a.find(' ', space + 1) != std::string::npos) {
            return false;
        }
        merges.emplace_back(a.substr(0, space), a.substr(space + 1));
    } while (c.expect(','));
    return c.expect(']');
}

/// Parses the raw text of one value with nlohmann (false when it is not valid JSON).
bool parseRaw(const char* begin, const char* end, nlohmann::json& out) {
    out = nlohmann::json::parse(begin, end, nullptr, false);
    return !out.is_discarded();
}

} // namespace

std::optional<ScannedTokenizerJson> scanTokenizerJson(std::string_view text) {
    ScannedTokenizerJson out;
    out.rest = nlohmann::json::object();
    bool sawModel = false;
    Cursor c(text);
    const bool ok = eachMember(c, [&](const std::string& key) {
        if (key != "model" || !c.peek('{')) {
            const char* begin = c.pos();
            return c.skipValue() && parseRaw(begin, c.pos(), out.rest[key]);
        }
        sawModel = true;
        nlohmann::json model = nlohmann::json::object();
        bool sawVocab = false, sawMerges = false;
        const bool modelOk = eachMember(c, [&](const std::string& mkey) {
            if (mkey == "vocab" && c.peek('{')) {
                sawVocab = true;
                model[mkey] = nlohmann::json::object();
                return scanVocab(c, out.vocab);
            }
            if (mkey == "merges" && c.peek('[')) {
                sawMerges = true;
                model[mkey] = nlohmann::json::array();
                return scanMerges(c, out.merges);
            }
            const char* begin = c.pos();
            return c.skipValue() && parseRaw(begin, c.pos(), model[mkey]);
        });
        out.rest["model"] = std::move(model);
        return modelOk && sawVocab && sawMerges;
    });
    if (!ok || !sawModel || !c.atEnd()) {
        return std::nullopt;
    }
    return out;
}

} // namespace cl
