#include "core/logs/flat_json.h"

#include "core/text/utf8.h"

#include <charconv>
#include <limits>

namespace cl::logs {

namespace {

constexpr int kMaxDepth = 64;

bool hex4(const char* p, unsigned& out) {
    out = 0;
    for (int i = 0; i < 4; ++i) {
        const char c = p[i];
        out <<= 4;
        if (c >= '0' && c <= '9') {
            out |= unsigned(c - '0');
        } else if (c >= 'a' && c <= 'f') {
            out |= unsigned(c - 'a' + 10);
        } else if (c >= 'A' && c <= 'F') {
            out |= unsigned(c - 'A' + 10);
        } else {
            return false;
        }
    }
    return true;
}

} // namespace

bool FlatJsonScanner::parse(std::string_view text, std::string& error) {
    m_begin = text.data();
    m_p = m_begin;
    m_end = m_begin + text.size();
    m_error = &error;
    m_path.clear();
    m_count = 0;
    m_replacedSurrogates = 0;
    skipSpace();
    if (m_p == m_end || *m_p != '{') {
        return fail("expected a JSON object starting with '{'");
    }
    if (!parseObject(0)) {
        return false;
    }
    skipSpace();
    if (m_p != m_end) {
        return fail("unexpected text after the object");
    }
    return true;
}

bool FlatJsonScanner::fail(const char* what) {
    *m_error = std::string(what) + " at column " + std::to_string(m_p - m_begin + 1);
    return false;
}

void FlatJsonScanner::skipSpace() {
    while (m_p < m_end && (*m_p == ' ' || *m_p == '\t' || *m_p == '\r' || *m_p == '\n')) {
        ++m_p;
    }
}

JsonField& FlatJsonScanner::newField() {
    if (m_count == m_fields.size()) {
        m_fields.emplace_back();
    }
    JsonField& f = m_fields[m_count++];
    if (m_path.empty()) {
        f.key.swap(m_key); // the common flat case: no copy (m_key is refilled by the next key)
    } else {
        f.key.assign(m_path);
        f.key.append(m_key);
    }
    f.text.clear();
    f.number = 0;
    return f;
}

bool FlatJsonScanner::parseObject(int depth) {
    if (depth > kMaxDepth) {
        return fail("objects nested too deeply");
    }
    ++m_p; // '{'
    skipSpace();
    if (m_p < m_end && *m_p == '}') {
        ++m_p;
        return true;
    }
    while (true) {
        skipSpace();
        if (m_p == m_end || *m_p != '"') {
            return fail("expected a quoted key");
        }
        if (!parseString(m_key)) {
            return false;
        }
        skipSpace();
        if (m_p == m_end || *m_p != ':') {
            return fail("expected ':' after a key");
        }
        ++m_p;
        skipSpace();
        if (!parseValue(depth)) {
            return false;
        }
        skipSpace();
        if (m_p == m_end) {
            return fail("unterminated object (truncated line?)");
        }
        if (*m_p == ',') {
            ++m_p;
            continue;
        }
        if (*m_p == '}') {
            ++m_p;
            return true;
        }
        return fail("expected ',' or '}'");
    }
}

bool FlatJsonScanner::parseValue(int depth) {
    if (m_p == m_end) {
        return fail("missing value (truncated line?)");
    }
    const char c = *m_p;
    if (c == '"') {
        JsonField& f = newField();
        f.kind = JsonField::Kind::String;
        return parseString(f.text);
    }
    if (c == '{') {
        const std::size_t saved = m_path.size();
        m_path.append(m_key);
        m_path.push_back('/');
        const bool ok = parseObject(depth + 1);
        m_path.resize(saved);
        return ok;
    }
    if (c == '[') {
        return skipArray(depth + 1);
    }
    if (c == 't' || c == 'f' || c == 'n') {
        const bool isTrue = c == 't';
        if (!literal(isTrue ? "true" : c == 'f' ? "false" : "null")) {
            return fail("invalid literal");
        }
        JsonField& f = newField();
        f.kind = c == 'n' ? JsonField::Kind::Null : JsonField::Kind::Bool;
        f.number = isTrue ? 1 : 0;
        return true;
    }
    double v = 0;
    const bool word = c == 'N' || c == 'I' || (c == '-' && m_end - m_p > 1 && m_p[1] == 'I');
    if (word && literal("NaN")) {
        v = std::numeric_limits<double>::quiet_NaN();
    } else if (word && literal("Infinity")) {
        v = std::numeric_limits<double>::infinity();
    } else if (word && literal("-Infinity")) {
        v = -std::numeric_limits<double>::infinity();
    } else {
        if (c != '-' && (c < '0' || c > '9')) {
            return fail("expected a value");
        }
        const auto [ptr, ec] = std::from_chars(m_p, m_end, v);
        if (ptr == m_p || (ec != std::errc() && ec != std::errc::result_out_of_range)) {
            return fail("invalid number");
        }
        m_p = ptr;
    }
    JsonField& f = newField();
    f.kind = JsonField::Kind::Number;
    f.number = v;
    return true;
}

bool FlatJsonScanner::literal(std::string_view word) {
    if (static_cast<std::size_t>(m_end - m_p) >= word.size() &&
        std::string_view(m_p, word.size()) == word) {
        m_p += word.size();
        return true;
    }
    return false;
}

bool FlatJsonScanner::parseString(std::string& out) {
    out.clear();
    ++m_p; // opening quote
    while (true) {
        const char* start = m_p;
        while (m_p < m_end && *m_p != '"' && *m_p != '\\') {
            ++m_p;
        }
        out.append(start, m_p);
        if (m_p == m_end) {
            return fail("unterminated string (truncated line?)");
        }
        if (*m_p == '"') {
            ++m_p;
            return true;
        }
        if (m_end - m_p < 2) {
            return fail("unterminated escape");
        }
        const char e = m_p[1];
        m_p += 2;
        switch (e) {
        case '"':
            out.push_back('"');
            break;
        case '\\':
            out.push_back('\\');
            break;
        case '/':
            out.push_back('/');
            break;
        case 'b':
            out.push_back('\b');
            break;
        case 'f':
            out.push_back('\f');
            break;
        case 'n':
            out.push_back('\n');
            break;
        case 'r':
            out.push_back('\r');
            break;
        case 't':
            out.push_back('\t');
            break;
        case 'u': {
            unsigned cp = 0;
            if (m_end - m_p < 4 || !hex4(m_p, cp)) {
                return fail("invalid \\u escape");
            }
            m_p += 4;
            unsigned low = 0;
            if (cp >= 0xD800 && cp < 0xDC00 && m_end - m_p >= 6 && m_p[0] == '\\' &&
                m_p[1] == 'u' && hex4(m_p + 2, low) && low >= 0xDC00 && low < 0xE000) {
                cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
                m_p += 6;
            } else if (cp >= 0xD800 && cp < 0xE000) {
                cp = 0xFFFD; // an unpaired half has no UTF-8 form
                ++m_replacedSurrogates;
            }
            utf8::append(out, cp);
            break;
        }
        default:
            return fail("invalid escape in a string");
        }
    }
}

bool FlatJsonScanner::skipArray(int depth) {
    if (depth > kMaxDepth) {
        return fail("arrays nested too deeply");
    }
    ++m_p; // '['
    bool inString = false;
    // Arrays carry no scalar metrics; skip them, minding strings, but check that every bracket
    // closes the one it should (issue #18: "[1}" was accepted).
    std::string& open = m_brackets; // the closers expected, innermost last
    open.assign(1, ']');
    while (m_p < m_end) {
        const char c = *m_p++;
        if (inString) {
            if (c == '\\' && m_p < m_end) {
                ++m_p;
            } else if (c == '"') {
                inString = false;
            }
        } else if (c == '"') {
            inString = true;
        } else if (c == '[' || c == '{') {
            if (depth + static_cast<int>(open.size()) > kMaxDepth) {
                return fail("arrays nested too deeply");
            }
            open.push_back(c == '[' ? ']' : '}');
        } else if (c == ']' || c == '}') {
            if (c != open.back()) {
                --m_p;
                return fail(open.back() == ']' ? "expected ']' to close an array"
                                               : "expected '}' to close an object");
            }
            open.pop_back();
            if (open.empty()) {
                return true;
            }
        }
    }
    return fail("unterminated array (truncated line?)");
}

} // namespace cl::logs
