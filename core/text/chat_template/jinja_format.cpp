// Python's two string formatting languages: printf-style `fmt % args` (also the format filter)
// and str.format. The common conversions are implemented exactly; a conversion or format spec
// outside them is a RenderError, never an approximation.

#include "core/text/chat_template/jinja_builtins.h"

#include "core/text/chat_template/jinja_error.h"
#include "core/text/chat_template/py_text.h"

#include <cmath>
#include <cstdio>

namespace cl::jinja {

namespace {

struct Spec {
    bool left = false, plus = false, space = false, alt = false, zero = false;
    int64_t width = -1;
    int64_t precision = -1;
};

std::string repeatChar(char32_t c, int64_t n) {
    return n > 0 ? py::encode(std::u32string(static_cast<size_t>(n), c)) : std::string();
}

/// Concatenation by appends (GCC 12 misreports `a + b + c` on short strings as overflows).
std::string join(std::initializer_list<std::string_view> parts) {
    std::string out;
    for (std::string_view p : parts) {
        out.append(p);
    }
    return out;
}

/// sign + prefix + digits padded to width the way printf-style formatting pads numbers.
std::string padNumber(std::string_view sign, std::string_view prefix, const std::string& digits,
                      const Spec& s) {
    const int64_t len = static_cast<int64_t>(sign.size() + prefix.size() + digits.size());
    if (s.width <= len) {
        return join({sign, prefix, digits});
    }
    const std::string fill(static_cast<size_t>(s.width - len), s.left || !s.zero ? ' ' : '0');
    if (s.left) {
        return join({sign, prefix, digits, fill});
    }
    if (s.zero) {
        return join({sign, prefix, fill, digits});
    }
    return join({fill, sign, prefix, digits});
}

std::string padText(const std::string& text, const Spec& s) {
    const int64_t len = py::length(text);
    if (s.width <= len) {
        return text;
    }
    const std::string pad(static_cast<size_t>(s.width - len), ' ');
    return s.left ? text + pad : pad + text;
}

std::string integerDigits(uint64_t magnitude, int base, bool upperCase) {
    if (magnitude == 0) {
        return "0";
    }
    std::string out;
    const char* digits = upperCase ? "0123456789ABCDEF" : "0123456789abcdef";
    while (magnitude) {
        out.insert(out.begin(), digits[magnitude % static_cast<uint64_t>(base)]);
        magnitude /= static_cast<uint64_t>(base);
    }
    return out;
}

std::string formatInteger(const Value& v, char type, const Spec& s) {
    int64_t i;
    if (v.isIntegral()) {
        i = v.asInt();
    } else if (v.type() == Value::Type::Float && (type == 'd' || type == 'i' || type == 'u')) {
        const double d = v.asDouble();
        if (std::isnan(d) || std::isinf(d) || std::fabs(d) >= 9.2e18) {
            throw RenderError("cannot convert float " + py::floatRepr(d) + " to integer");
        }
        i = static_cast<int64_t>(d);
    } else {
        throw RenderError(
            std::string("%") + type + " format: " +
            (type == 'd' || type == 'i' || type == 'u' ? "a real number" : "an integer") +
            " is required, not " + typeName(v));
    }
    const uint64_t magnitude =
        i < 0 ? uint64_t(0) - static_cast<uint64_t>(i) : static_cast<uint64_t>(i);
    const int base = type == 'x' || type == 'X' ? 16 : (type == 'o' ? 8 : 10);
    std::string digits = integerDigits(magnitude, base, type == 'X');
    if (s.precision > static_cast<int64_t>(digits.size())) {
        digits.insert(0, static_cast<size_t>(s.precision) - digits.size(), '0');
    }
    const char* sign = i < 0 ? "-" : (s.plus ? "+" : (s.space ? " " : ""));
    const char* prefix = "";
    if (s.alt && base != 10) {
        prefix = base == 16 ? (type == 'X' ? "0X" : "0x") : "0o";
    }
    return padNumber(sign, prefix, digits, s);
}

/// printf of one double, any length (the width and precision were bounded by the caller).
std::string cFormat(const std::string& fmt, double d) {
    const int n = std::snprintf(nullptr, 0, fmt.c_str(), d);
    if (n < 0) {
        throw RenderError("cannot format " + py::floatRepr(d));
    }
    std::string out(static_cast<size_t>(n) + 1, '\0');
    std::snprintf(out.data(), out.size(), fmt.c_str(), d);
    out.resize(static_cast<size_t>(n));
    return out;
}

std::string formatFloat(const Value& v, char type, const Spec& s) {
    if (!v.isNumber()) {
        throw RenderError("must be real number, not " + typeName(v));
    }
    std::string fmt = "%";
    if (s.left) {
        fmt += '-';
    }
    if (s.plus) {
        fmt += '+';
    }
    if (s.space) {
        fmt += ' ';
    }
    if (s.alt) {
        fmt += '#';
    }
    if (s.zero) {
        fmt += '0';
    }
    if (s.width >= 0) {
        fmt += std::to_string(s.width);
    }
    fmt += '.';
    fmt += std::to_string(s.precision >= 0 ? s.precision : 6);
    fmt += type;
    return cFormat(fmt, v.asDouble());
}

/// Reads a decimal width or precision; a value past the output bound is an error (Python
/// would build that string).
int64_t readCount(const std::string& text, size_t& i, const Runtime& rt) {
    int64_t v = 0;
    while (i < text.size() && text[i] >= '0' && text[i] <= '9') {
        v = v * 10 + (text[i++] - '0');
        checkSize(static_cast<size_t>(v), rt);
    }
    return v;
}

} // namespace

std::string percentFormat(const std::string& format, const Value& args, const Runtime& rt) {
    // CPython: a tuple gives positional arguments; any other object is one argument, and a
    // mapping (anything subscriptable but a tuple or str) may serve %(key)s.
    std::vector<Value> positional;
    bool single = true;
    if (args.type() == Value::Type::Sequence && args.seq().kind == SeqKind::Tuple) {
        positional = args.seq().items;
        single = false;
    } else {
        positional.push_back(args);
    }
    const bool mappingArg =
        !args.isString() && (args.type() == Value::Type::Dict || args.isUndefined() ||
                             (args.type() == Value::Type::Sequence && single));
    size_t next = 0;
    std::string out;
    size_t i = 0;
    auto nextArg = [&]() -> Value {
        if (next >= positional.size()) {
            throw RenderError("not enough arguments for format string");
        }
        return positional[next++];
    };
    while (i < format.size()) {
        const char c = format[i++];
        if (c != '%') {
            out.push_back(c);
            continue;
        }
        if (i >= format.size()) {
            throw RenderError("incomplete format");
        }
        Value arg;
        bool haveArg = false;
        if (format[i] == '(') {
            int depth = 1;
            const size_t start = ++i;
            while (i < format.size() && depth) {
                depth += format[i] == '(' ? 1 : (format[i] == ')' ? -1 : 0);
                ++i;
            }
            if (depth) {
                throw RenderError("incomplete format key");
            }
            if (args.type() != Value::Type::Dict) {
                throw RenderError("format requires a mapping");
            }
            const std::string key = format.substr(start, i - 1 - start);
            const Value* v = args.dict().find(key);
            if (!v) {
                throw RenderError("KeyError: " + py::repr(key));
            }
            arg = *v;
            haveArg = true;
        }
        Spec s;
        for (; i < format.size(); ++i) {
            const char f = format[i];
            if (f == '-') {
                s.left = true;
            } else if (f == '+') {
                s.plus = true;
            } else if (f == ' ') {
                s.space = true;
            } else if (f == '#') {
                s.alt = true;
            } else if (f == '0') {
                s.zero = true;
            } else {
                break;
            }
        }
        auto number = [&](int64_t& target) {
            if (i < format.size() && format[i] == '*') {
                const Value w = nextArg();
                if (!w.isIntegral()) {
                    throw RenderError("* wants int");
                }
                target = w.asInt();
                checkSize(static_cast<size_t>(target < 0 ? -target : target), rt);
                ++i;
                return;
            }
            if (i < format.size() && std::isdigit(static_cast<unsigned char>(format[i]))) {
                target = readCount(format, i, rt);
            }
        };
        number(s.width);
        if (s.width < -1) {
            s.left = true;
            s.width = -s.width;
        }
        if (i < format.size() && format[i] == '.') {
            ++i;
            s.precision = 0;
            number(s.precision);
        }
        while (i < format.size() && (format[i] == 'h' || format[i] == 'l' || format[i] == 'L')) {
            ++i;
        }
        if (i >= format.size()) {
            throw RenderError("incomplete format");
        }
        const char type = format[i++];
        if (type == '%') {
            out.push_back('%');
            continue;
        }
        if (!haveArg) {
            arg = nextArg();
        }
        std::string piece;
        switch (type) {
        case 's':
        case 'r':
        case 'a': {
            std::string text = type == 's' ? toStr(arg) : toRepr(arg);
            if (s.precision >= 0) {
                text = py::slice(text, std::nullopt, s.precision, std::nullopt);
            }
            piece = padText(text, s);
            break;
        }
        case 'd':
        case 'i':
        case 'u':
        case 'x':
        case 'X':
        case 'o':
            piece = formatInteger(arg, type, s);
            break;
        case 'e':
        case 'E':
        case 'f':
        case 'F':
        case 'g':
        case 'G':
            piece = formatFloat(arg, type, s);
            break;
        case 'c': {
            std::string ch;
            if (arg.isIntegral() && arg.asInt() >= 0 && arg.asInt() <= 0x10FFFF) {
                ch = py::encode(std::u32string(1, static_cast<char32_t>(arg.asInt())));
            } else if (arg.isString() && py::length(arg.str()) == 1) {
                ch = arg.str();
            } else {
                throw RenderError("%c requires an int or a unicode character");
            }
            piece = padText(ch, s);
            break;
        }
        default:
            throw RenderError(std::string("unsupported format character '") + type + "'");
        }
        out += piece;
        checkSize(out.size(), rt);
    }
    if (next < positional.size() && !mappingArg) {
        throw RenderError("not all arguments converted during string formatting");
    }
    return out;
}

namespace {

/// format(value, spec) for the format-spec mini-language subset chat templates use.
std::string formatSpec(const Value& value, const std::string& spec, const Runtime& rt) {
    if (spec.empty()) {
        return toStr(value);
    }
    const std::u32string u = py::decode(spec);
    size_t i = 0;
    char32_t fill = U' ';
    char32_t align = 0;
    auto isAlign = [](char32_t c) { return c == U'<' || c == U'>' || c == U'^' || c == U'='; };
    if (u.size() >= 2 && isAlign(u[1])) {
        fill = u[0];
        align = u[1];
        i = 2;
    } else if (!u.empty() && isAlign(u[0])) {
        align = u[0];
        i = 1;
    }
    char32_t sign = 0;
    if (i < u.size() && (u[i] == U'+' || u[i] == U'-' || u[i] == U' ')) {
        sign = u[i++];
    }
    bool alt = false;
    if (i < u.size() && u[i] == U'#') {
        alt = true;
        ++i;
    }
    if (i < u.size() && u[i] == U'0') {
        if (!align) {
            fill = U'0';
            align = U'=';
        }
        ++i;
    }
    int64_t width = -1;
    while (i < u.size() && u[i] >= U'0' && u[i] <= U'9') {
        width = std::max<int64_t>(width, 0) * 10 + (u[i++] - U'0');
        checkSize(static_cast<size_t>(width), rt);
    }
    char32_t grouping = 0;
    if (i < u.size() && (u[i] == U',' || u[i] == U'_')) {
        grouping = u[i++];
    }
    int64_t precision = -1;
    if (i < u.size() && u[i] == U'.') {
        ++i;
        precision = 0;
        while (i < u.size() && u[i] >= U'0' && u[i] <= U'9') {
            precision = precision * 10 + (u[i++] - U'0');
            checkSize(static_cast<size_t>(precision), rt);
        }
    }
    char32_t type = 0;
    if (i < u.size()) {
        type = u[i++];
    }
    if (i != u.size()) {
        throw RenderError("Invalid format specifier '" + spec + "'");
    }

    std::string body;
    const char* signText = "";
    char32_t defaultAlign = U'>';
    if (value.isString() && (type == 0 || type == U's')) {
        if (sign || alt || grouping || align == U'=') {
            throw RenderError("Invalid format specifier '" + spec + "' for a string");
        }
        body = precision >= 0 ? py::slice(value.str(), std::nullopt, precision, std::nullopt)
                              : value.str();
        defaultAlign = U'<';
    } else if (value.isIntegral() && (type == 0 || type == U'd' || type == U'x' || type == U'X' ||
                                      type == U'o' || type == U'b')) {
        if (precision >= 0) {
            throw RenderError("Precision not allowed in integer format specifier");
        }
        const int64_t v = value.asInt();
        const uint64_t mag =
            v < 0 ? uint64_t(0) - static_cast<uint64_t>(v) : static_cast<uint64_t>(v);
        const int base =
            type == U'x' || type == U'X' ? 16 : (type == U'o' ? 8 : (type == U'b' ? 2 : 10));
        body = integerDigits(mag, base, type == U'X');
        if (grouping) {
            if (base != 10 && grouping == U',') {
                throw RenderError("Cannot specify ',' with this format");
            }
            const size_t every = base == 10 ? 3 : 4;
            std::string grouped;
            for (size_t k = 0; k < body.size(); ++k) {
                if (k && (body.size() - k) % every == 0) {
                    grouped.push_back(static_cast<char>(grouping));
                }
                grouped.push_back(body[k]);
            }
            body = grouped;
        }
        if (alt && base != 10) {
            body = (base == 16 ? (type == U'X' ? "0X" : "0x") : (base == 8 ? "0o" : "0b")) + body;
        }
        signText = v < 0 ? "-" : (sign == U'+' ? "+" : (sign == U' ' ? " " : ""));
    } else if (value.isNumber() &&
               (type == U'f' || type == U'F' || type == U'e' || type == U'E' || type == U'g' ||
                type == U'G' || type == U'%' || (type == 0 && precision < 0))) {
        if (grouping) {
            throw RenderError("format spec grouping for floats is not supported");
        }
        const double d = value.asDouble() * (type == U'%' ? 100.0 : 1.0);
        if (type == 0) {
            body = py::floatRepr(std::fabs(d));
        } else {
            std::string f = alt ? "%#." : "%.";
            f += std::to_string(precision >= 0 ? precision : 6);
            f += static_cast<char>(type == U'%' ? U'f' : type);
            body = cFormat(f, std::fabs(d));
            if (type == U'%') {
                body += "%";
            }
        }
        signText = std::signbit(d) && !std::isnan(d)
                       ? "-"
                       : (sign == U'+' ? "+" : (sign == U' ' ? " " : ""));
    } else {
        throw RenderError("the format spec '" + spec + "' is not supported for " + typeName(value));
    }
    const int64_t len = py::length(signText) + py::length(body);
    if (!align) {
        align = defaultAlign;
    }
    if (width <= len) {
        return join({signText, body});
    }
    const int64_t padding = width - len;
    switch (align) {
    case U'<':
        return join({signText, body, repeatChar(fill, padding)});
    case U'^':
        return join({repeatChar(fill, padding / 2), signText, body,
                     repeatChar(fill, padding - padding / 2)});
    case U'=':
        return join({signText, repeatChar(fill, padding), body});
    default:
        return join({repeatChar(fill, padding), signText, body});
    }
}

} // namespace

std::string braceFormat(const std::string& format, const CallArgs& args, const Runtime& rt) {
    std::string out;
    size_t i = 0;
    int autoIndex = 0;
    bool manual = false;
    bool automatic = false;
    while (i < format.size()) {
        const char c = format[i];
        if (c == '}') {
            if (i + 1 < format.size() && format[i + 1] == '}') {
                out.push_back('}');
                i += 2;
                continue;
            }
            throw RenderError("Single '}' encountered in format string");
        }
        if (c != '{') {
            out.push_back(c);
            ++i;
            continue;
        }
        if (i + 1 < format.size() && format[i + 1] == '{') {
            out.push_back('{');
            i += 2;
            continue;
        }
        const size_t close = format.find('}', i + 1);
        if (close == std::string::npos) {
            throw RenderError("expected '}' before end of string");
        }
        const std::string field = format.substr(i + 1, close - i - 1);
        if (field.find('{') != std::string::npos) {
            throw RenderError("nested replacement fields in str.format are not supported");
        }
        i = close + 1;
        std::string name = field;
        std::string conversion;
        std::string spec;
        if (const size_t colon = name.find(':'); colon != std::string::npos) {
            spec = name.substr(colon + 1);
            name.erase(colon);
        }
        if (const size_t bang = name.find('!'); bang != std::string::npos) {
            conversion = name.substr(bang + 1);
            name.erase(bang);
            if (conversion != "r" && conversion != "s" && conversion != "a") {
                throw RenderError("Unknown conversion specifier " + conversion);
            }
        }
        size_t end = name.find_first_of(".[");
        const std::string first = name.substr(0, end);
        Value v;
        if (first.empty() ||
            std::all_of(first.begin(), first.end(), [](char d) { return d >= '0' && d <= '9'; })) {
            int index;
            if (first.empty()) {
                if (manual) {
                    throw RenderError("cannot switch from manual field specification to "
                                      "automatic field numbering");
                }
                automatic = true;
                index = autoIndex++;
            } else {
                if (automatic) {
                    throw RenderError("cannot switch from automatic field numbering to manual "
                                      "field specification");
                }
                manual = true;
                index = std::stoi(first.substr(0, 9));
            }
            if (index >= static_cast<int>(args.positional.size())) {
                throw RenderError("Replacement index " + std::to_string(index) +
                                  " out of range for positional args tuple");
            }
            v = args.positional[static_cast<size_t>(index)];
        } else {
            const Value* found = nullptr;
            for (const auto& [k, val] : args.keywords) {
                if (k == first) {
                    found = &val;
                }
            }
            if (!found) {
                throw RenderError("KeyError: " + py::repr(first));
            }
            v = *found;
        }
        while (end != std::string::npos && end < name.size()) {
            if (name[end] == '.') {
                const size_t next = name.find_first_of(".[", end + 1);
                v = getAttr(v, name.substr(end + 1, next == std::string::npos ? std::string::npos
                                                                              : next - end - 1));
                end = next;
            } else {
                const size_t closeBracket = name.find(']', end);
                if (closeBracket == std::string::npos) {
                    throw RenderError("Missing ']' in format string");
                }
                const std::string key = name.substr(end + 1, closeBracket - end - 1);
                const bool digits = !key.empty() && std::all_of(key.begin(), key.end(), [](char d) {
                    return d >= '0' && d <= '9';
                });
                v = getItem(v, digits ? Value::integer(std::stoll(key.substr(0, 18)))
                                      : Value::string(key));
                end = closeBracket + 1;
            }
            if (v.isUndefined()) {
                failUndefined(v);
            }
        }
        if (conversion == "s") {
            v = Value::string(toStr(v));
        } else if (!conversion.empty()) {
            v = Value::string(toRepr(v));
        }
        out += formatSpec(v, spec, rt);
        checkSize(out.size(), rt);
    }
    return out;
}

} // namespace cl::jinja
