#include "core/text/chat_template/jinja_lexer.h"

#include "core/text/chat_template/jinja_error.h"
#include "core/text/chat_template/py_text.h"
#include "core/text/utf8.h"

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <limits>

namespace cl::jinja {

namespace {

/// Jinja normalises \r\n and \r to \n everywhere (text and string literals) and, with
/// keep_trailing_newline=False, drops one trailing newline.
std::string normalizeNewlines(const std::string& source) {
    std::string out;
    out.reserve(source.size());
    for (size_t i = 0; i < source.size(); ++i) {
        if (source[i] == '\r') {
            out.push_back('\n');
            if (i + 1 < source.size() && source[i + 1] == '\n') {
                ++i;
            }
        } else {
            out.push_back(source[i]);
        }
    }
    if (!out.empty() && out.back() == '\n') {
        out.pop_back();
    }
    return out;
}

bool isDigit(char c) {
    return c >= '0' && c <= '9';
}
bool isAsciiLetter(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

class Lexer {
public:
    Lexer(std::string source, const LexerOptions& options)
        : m_src(std::move(source)), m_opt(options) {
        for (size_t i = 0; i < m_src.size(); ++i) {
            if (m_src[i] == '\n') {
                m_newlines.push_back(i);
            }
        }
    }

    std::vector<Token> run() {
        size_t pos = 0;
        bool lineStarting = true; // Jinja: the previous match ended with a newline
        const size_t n = m_src.size();
        while (pos < n) {
            const size_t tag = findTagStart(pos);
            if (tag == std::string::npos) {
                emit(TokenType::Data, m_src.substr(pos), pos);
                break;
            }
            const char kind = m_src[tag + 1];
            size_t p = tag + 2;
            char sign = 0;
            if (p < n && (m_src[p] == '-' || m_src[p] == '+')) {
                sign = m_src[p++];
            }
            size_t rawBodyStart = 0;
            const bool raw = kind == '%' && matchRawBegin(p, rawBodyStart);

            std::string text = m_src.substr(pos, tag - pos);
            text = controlWhitespace(std::move(text), sign, kind != '{', lineStarting);
            emit(TokenType::Data, std::move(text), pos);

            if (raw) {
                pos = lexRaw(rawBodyStart, lineStarting);
            } else if (kind == '#') {
                pos = skipComment(p, tag, lineStarting);
            } else {
                pos = lexTag(kind == '%', tag, p, lineStarting);
            }
        }
        m_tokens.push_back({TokenType::End, "", lineAt(n)});
        return std::move(m_tokens);
    }

private:
    int lineAt(size_t pos) const {
        return 1 + static_cast<int>(std::lower_bound(m_newlines.begin(), m_newlines.end(), pos) -
                                    m_newlines.begin());
    }

    [[noreturn]] void fail(size_t pos, const std::string& message) const {
        throw SyntaxError(lineAt(pos), message);
    }

    void emit(TokenType type, std::string value, size_t pos) {
        if (type == TokenType::Data && value.empty()) {
            return;
        }
        m_tokens.push_back({type, std::move(value), lineAt(pos)});
    }

    /// Length of the Python-whitespace code point at pos, 0 when there is none.
    size_t spaceAt(size_t pos) const {
        if (pos >= m_src.size()) {
            return 0;
        }
        size_t len = utf8::sequenceLength(m_src, pos);
        if (len == 0) {
            return 0;
        }
        return py::isSpace(utf8::decodeAt(m_src, pos, len)) ? len : 0;
    }

    size_t skipSpaces(size_t pos) const {
        while (size_t len = spaceAt(pos)) {
            pos += len;
        }
        return pos;
    }

    bool startsWith(size_t pos, std::string_view s) const {
        return m_src.compare(pos, s.size(), s) == 0;
    }

    size_t findTagStart(size_t pos) const {
        for (size_t i = m_src.find('{', pos); i != std::string::npos; i = m_src.find('{', i + 1)) {
            if (i + 1 < m_src.size() &&
                (m_src[i + 1] == '{' || m_src[i + 1] == '%' || m_src[i + 1] == '#')) {
                return i;
            }
        }
        return std::string::npos;
    }

    /// `{%(-|+|)\s*raw\s*(-%}\s*|%})`, p just after the sign.
    bool matchRawBegin(size_t p, size_t& bodyStart) const {
        size_t q = skipSpaces(p);
        if (!startsWith(q, "raw")) {
            return false;
        }
        q = skipSpaces(q + 3);
        if (startsWith(q, "-%}")) {
            bodyStart = skipSpaces(q + 3);
            return true;
        }
        if (startsWith(q, "%}")) {
            bodyStart = q + 2;
            return true;
        }
        return false;
    }

    /// The text before a tag: `-` strips all whitespace before it; otherwise lstrip_blocks
    /// removes the indentation of a block or comment tag that starts its line.
    std::string controlWhitespace(std::string text, char sign, bool lstripApplies,
                                  bool lineStarting) const {
        if (sign == '-') {
            return py::strip(text, std::nullopt, false, true);
        }
        if (sign != '+' && m_opt.lstripBlocks && lstripApplies) {
            const size_t nl = text.rfind('\n');
            const size_t lpos = nl == std::string::npos ? 0 : nl + 1;
            if ((lpos > 0 || lineStarting) && lpos < text.size()) {
                const std::string tail = text.substr(lpos);
                const std::u32string u = py::decode(tail);
                if (std::all_of(u.begin(), u.end(), py::isSpace)) {
                    text.erase(lpos);
                }
            }
        }
        return text;
    }

    size_t lexRaw(size_t bodyStart, bool& lineStarting) {
        const bool beginEndedLine = bodyStart > 0 && m_src[bodyStart - 1] == '\n';
        for (size_t r = m_src.find("{%", bodyStart); r != std::string::npos;
             r = m_src.find("{%", r + 1)) {
            size_t q = r + 2;
            char sign = 0;
            if (q < m_src.size() && (m_src[q] == '-' || m_src[q] == '+')) {
                sign = m_src[q++];
            }
            q = skipSpaces(q);
            if (!startsWith(q, "endraw")) {
                continue;
            }
            q = skipSpaces(q + 6);
            size_t end;
            if (startsWith(q, "+%}")) {
                end = q + 3;
            } else if (startsWith(q, "-%}")) {
                end = skipSpaces(q + 3);
            } else if (startsWith(q, "%}")) {
                end = q + 2;
                if (m_opt.trimBlocks && end < m_src.size() && m_src[end] == '\n') {
                    ++end;
                }
            } else {
                continue;
            }
            std::string body = m_src.substr(bodyStart, r - bodyStart);
            emit(TokenType::Data, controlWhitespace(std::move(body), sign, true, beginEndedLine),
                 bodyStart);
            lineStarting = m_src[end - 1] == '\n';
            return end;
        }
        fail(bodyStart, "Missing end of raw directive");
    }

    size_t skipComment(size_t p, size_t tag, bool& lineStarting) {
        for (size_t r = p; r + 1 < m_src.size(); ++r) {
            size_t end = 0;
            if (startsWith(r, "+#}")) {
                end = r + 3;
            } else if (startsWith(r, "-#}")) {
                end = skipSpaces(r + 3);
            } else if (startsWith(r, "#}")) {
                end = r + 2;
                if (m_opt.trimBlocks && end < m_src.size() && m_src[end] == '\n') {
                    ++end;
                }
            } else {
                continue;
            }
            lineStarting = m_src[end - 1] == '\n';
            return end;
        }
        fail(tag, "Missing end of comment tag");
    }

    size_t lexTag(bool block, size_t tag, size_t p, bool& lineStarting) {
        emit(block ? TokenType::BlockBegin : TokenType::VariableBegin, block ? "{%" : "{{", tag);
        std::string balance;
        const size_t n = m_src.size();
        while (true) {
            if (p >= n) {
                fail(tag, std::string("unexpected end of template, expected the end of the ") +
                              (block ? "block tag ('%}')" : "print tag ('}}')"));
            }
            if (balance.empty()) {
                size_t end = 0;
                if (block) {
                    if (startsWith(p, "+%}")) {
                        end = p + 3;
                    } else if (startsWith(p, "-%}")) {
                        end = skipSpaces(p + 3);
                    } else if (startsWith(p, "%}")) {
                        end = p + 2;
                        if (m_opt.trimBlocks && end < n && m_src[end] == '\n') {
                            ++end;
                        }
                    }
                } else if (startsWith(p, "-}}")) {
                    end = skipSpaces(p + 3);
                } else if (startsWith(p, "}}")) {
                    end = p + 2;
                }
                if (end) {
                    emit(block ? TokenType::BlockEnd : TokenType::VariableEnd, "", p);
                    lineStarting = m_src[end - 1] == '\n';
                    return end;
                }
            }
            if (size_t q = skipSpaces(p); q != p) {
                p = q;
                continue;
            }
            if (size_t q = matchFloat(p)) {
                lexFloat(p, q);
                p = q;
            } else if (size_t q2 = matchInteger(p)) {
                lexInteger(p, q2);
                p = q2;
            } else if (size_t q3 = matchName(p)) {
                emit(TokenType::Name, m_src.substr(p, q3 - p), p);
                p = q3;
            } else if (m_src[p] == '\'' || m_src[p] == '"') {
                p = lexString(p);
            } else {
                p = lexOperator(p, balance);
            }
        }
    }

    /// `(\d+_)*\d+`: digits with single underscores between them; returns the end or pos.
    size_t digits(size_t pos, bool (*isDigitFn)(char) = isDigit) const {
        size_t q = pos;
        while (q < m_src.size() && isDigitFn(m_src[q])) {
            ++q;
            if (q + 1 < m_src.size() && m_src[q] == '_' && isDigitFn(m_src[q + 1])) {
                ++q;
            }
        }
        return q;
    }

    size_t exponent(size_t pos) const {
        if (pos >= m_src.size() || (m_src[pos] != 'e' && m_src[pos] != 'E')) {
            return 0;
        }
        size_t q = pos + 1;
        if (q < m_src.size() && (m_src[q] == '+' || m_src[q] == '-')) {
            ++q;
        }
        const size_t e = digits(q);
        return e > q ? e : 0;
    }

    size_t matchFloat(size_t pos) const {
        if (!isDigit(m_src[pos]) || (pos > 0 && m_src[pos - 1] == '.')) {
            return 0;
        }
        const size_t q = digits(pos);
        size_t frac = 0;
        if (q < m_src.size() && m_src[q] == '.' && q + 1 < m_src.size() && isDigit(m_src[q + 1])) {
            frac = digits(q + 1);
        }
        if (const size_t e = exponent(frac ? frac : q)) {
            return e;
        }
        return frac;
    }

    void lexFloat(size_t p, size_t q) {
        std::string text;
        for (size_t i = p; i < q; ++i) {
            if (m_src[i] != '_') {
                text.push_back(m_src[i]);
            }
        }
        Token t{TokenType::Float, text, lineAt(p)};
        t.floatValue = std::strtod(text.c_str(), nullptr);
        m_tokens.push_back(std::move(t));
    }

    size_t matchInteger(size_t pos) const {
        const char c = m_src[pos];
        if (!isDigit(c)) {
            return 0;
        }
        if (c == '0' && pos + 1 < m_src.size()) {
            const char k = static_cast<char>(m_src[pos + 1] | 0x20);
            auto prefixed = [&](bool (*ok)(char)) -> size_t {
                size_t q = pos + 2;
                size_t end = 0;
                while (q < m_src.size()) {
                    size_t r = q;
                    if (m_src[r] == '_') {
                        ++r;
                    }
                    if (r < m_src.size() && ok(m_src[r])) {
                        q = end = r + 1;
                    } else {
                        break;
                    }
                }
                return end;
            };
            size_t end = 0;
            if (k == 'b') {
                end = prefixed([](char x) { return x == '0' || x == '1'; });
            } else if (k == 'o') {
                end = prefixed([](char x) { return x >= '0' && x <= '7'; });
            } else if (k == 'x') {
                end = prefixed(
                    [](char x) { return isDigit(x) || ((x | 0x20) >= 'a' && (x | 0x20) <= 'f'); });
            }
            if (end) {
                return end;
            }
            // 0(_?0)*
            size_t q = pos + 1;
            while (q < m_src.size()) {
                if (m_src[q] == '0') {
                    ++q;
                } else if (m_src[q] == '_' && q + 1 < m_src.size() && m_src[q + 1] == '0') {
                    q += 2;
                } else {
                    break;
                }
            }
            return q;
        }
        return c == '0' ? pos + 1 : digits(pos);
    }

    void lexInteger(size_t p, size_t q) {
        std::string text;
        for (size_t i = p; i < q; ++i) {
            if (m_src[i] != '_') {
                text.push_back(m_src[i]);
            }
        }
        int base = 10;
        std::string body = text;
        if (text.size() > 1 && text[0] == '0' && !isDigit(text[1])) {
            const char k = static_cast<char>(text[1] | 0x20);
            base = k == 'b' ? 2 : (k == 'o' ? 8 : 16);
            body = text.substr(2);
        }
        errno = 0;
        const unsigned long long v = std::strtoull(body.c_str(), nullptr, base);
        if (errno == ERANGE || v > static_cast<unsigned long long>(INT64_MAX)) {
            fail(p, "the integer literal " + text + " is too large (64-bit integers only)");
        }
        Token t{TokenType::Integer, text, lineAt(p)};
        t.intValue = static_cast<int64_t>(v);
        m_tokens.push_back(std::move(t));
    }

    /// A Python identifier: ASCII letters, digits, _ and non-ASCII letters/digits/marks.
    size_t matchName(size_t pos) const {
        auto identChar = [&](size_t at, bool first, size_t& len) -> bool {
            const char c = m_src[at];
            len = 1;
            if (isAsciiLetter(c) || c == '_') {
                return true;
            }
            if (isDigit(c)) {
                return !first;
            }
            if (static_cast<unsigned char>(c) < 0x80) {
                return false;
            }
            len = utf8::sequenceLength(m_src, at);
            if (len == 0) {
                return false;
            }
            const char32_t cp = utf8::decodeAt(m_src, at, len);
            const std::string one = py::encode(std::u32string(1, cp));
            return py::isAlpha(one) || (!first && py::isAlnum(one)) || (!first && cp >= 0x300);
        };
        size_t q = pos;
        size_t len = 0;
        if (!identChar(q, true, len)) {
            return 0;
        }
        q += len;
        while (q < m_src.size() && identChar(q, false, len)) {
            q += len;
        }
        return q;
    }

    size_t lexString(size_t p) {
        const char quote = m_src[p];
        size_t i = p + 1;
        while (i < m_src.size() && m_src[i] != quote) {
            i += m_src[i] == '\\' ? 2 : 1;
        }
        if (i >= m_src.size()) {
            fail(p, std::string("unexpected char '") + quote + "' (unterminated string)");
        }
        Token t{TokenType::String, decodeString(p + 1, i), lineAt(p)};
        m_tokens.push_back(std::move(t));
        return i + 1;
    }

    /// Python's unicode-escape decoding of a string literal's body (Jinja applies it).
    std::string decodeString(size_t b, size_t e) const {
        std::string out;
        size_t i = b;
        auto hexValue = [&](size_t at, size_t count, const char* what) -> uint32_t {
            if (at + count > e) {
                fail(b, std::string("truncated ") + what + " escape in a string literal");
            }
            uint32_t v = 0;
            for (size_t k = 0; k < count; ++k) {
                const char c = m_src[at + k];
                int d;
                if (isDigit(c)) {
                    d = c - '0';
                } else if ((c | 0x20) >= 'a' && (c | 0x20) <= 'f') {
                    d = (c | 0x20) - 'a' + 10;
                } else {
                    fail(b, std::string("truncated ") + what + " escape in a string literal");
                }
                v = v * 16 + static_cast<uint32_t>(d);
            }
            return v;
        };
        auto appendCodePoint = [&](uint32_t cp) {
            if (cp > 0x10FFFF) {
                fail(b, "illegal Unicode character in a string literal");
            }
            if (cp >= 0xD800 && cp <= 0xDFFF) {
                fail(b, "a lone surrogate escape in a string literal is not supported");
            }
            utf8::append(out, cp);
        };
        while (i < e) {
            const char c = m_src[i];
            if (c != '\\') {
                out.push_back(c);
                ++i;
                continue;
            }
            const char k = m_src[i + 1];
            i += 2;
            switch (k) {
            case '\n':
                break; // line continuation
            case '\\':
                out.push_back('\\');
                break;
            case '\'':
                out.push_back('\'');
                break;
            case '"':
                out.push_back('"');
                break;
            case 'a':
                out.push_back('\a');
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
            case 'v':
                out.push_back('\v');
                break;
            case 'x':
                appendCodePoint(hexValue(i, 2, "\\xXX"));
                i += 2;
                break;
            case 'u':
                appendCodePoint(hexValue(i, 4, "\\uXXXX"));
                i += 4;
                break;
            case 'U':
                appendCodePoint(hexValue(i, 8, "\\UXXXXXXXX"));
                i += 8;
                break;
            case 'N':
                fail(b, "\\N{...} escapes in string literals are not supported");
            default:
                if (k >= '0' && k <= '7') {
                    uint32_t v = static_cast<uint32_t>(k - '0');
                    for (int d = 0; d < 2 && i < e && m_src[i] >= '0' && m_src[i] <= '7'; ++d) {
                        v = v * 8 + static_cast<uint32_t>(m_src[i++] - '0');
                    }
                    appendCodePoint(v);
                } else if (static_cast<unsigned char>(k) >= 0x80) {
                    // Jinja backslash-replaces non-ASCII first: "\é" reads as "\\xe9".
                    size_t len = utf8::sequenceLength(m_src, i - 1);
                    const char32_t cp = len ? utf8::decodeAt(m_src, i - 1, len) : 0xFFFD;
                    char buf[16];
                    if (cp <= 0xFF) {
                        std::snprintf(buf, sizeof buf, "\\x%02x", static_cast<unsigned>(cp));
                    } else if (cp <= 0xFFFF) {
                        std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned>(cp));
                    } else {
                        std::snprintf(buf, sizeof buf, "\\U%08x", static_cast<unsigned>(cp));
                    }
                    out += buf;
                    i = i - 1 + (len ? len : 1);
                } else {
                    out.push_back('\\'); // unknown escapes stay as written
                    out.push_back(k);
                }
            }
        }
        return out;
    }

    size_t lexOperator(size_t p, std::string& balance) {
        static const char* kTwo[] = {"//", "**", "==", "!=", ">=", "<="};
        for (const char* op : kTwo) {
            if (startsWith(p, op)) {
                emit(TokenType::Operator, op, p);
                return p + 2;
            }
        }
        const char c = m_src[p];
        if (std::string_view("+-/*%~[](){}><=.:|,;").find(c) == std::string_view::npos) {
            size_t len = utf8::sequenceLength(m_src, p);
            fail(p, "unexpected char '" + m_src.substr(p, len ? len : 1) + "'");
        }
        if (c == '(' || c == '[' || c == '{') {
            balance.push_back(c == '(' ? ')' : (c == '[' ? ']' : '}'));
        } else if (c == ')' || c == ']' || c == '}') {
            if (balance.empty()) {
                fail(p, std::string("unexpected '") + c + "'");
            }
            if (balance.back() != c) {
                fail(p, std::string("unexpected '") + c + "', expected '" + balance.back() + "'");
            }
            balance.pop_back();
        }
        emit(TokenType::Operator, std::string(1, c), p);
        return p + 1;
    }

    std::string m_src;
    LexerOptions m_opt;
    std::vector<size_t> m_newlines;
    std::vector<Token> m_tokens;
};

} // namespace

std::vector<Token> tokenize(const std::string& source, const LexerOptions& options) {
    return Lexer(normalizeNewlines(source), options).run();
}

} // namespace cl::jinja
