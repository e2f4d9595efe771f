// Python's arithmetic and concatenation operators, as a template's + - * / // % ** run them in
// CPython: int stays int (an overflow is an error here: no big ints), / gives a float, // and %
// floor toward negative infinity, str + str concatenates, str * int repeats, and markupsafe's
// Markup escapes the plain string it is added to.

#include "core/text/chat_template/jinja_builtins.h"

#include "core/text/chat_template/jinja_error.h"

#include <cmath>

namespace cl::jinja {

namespace {

[[noreturn]] void unsupported(std::string_view op, const Value& a, const Value& b) {
    throw RenderError("unsupported operand type(s) for " + std::string(op) + ": '" + typeName(a) +
                      "' and '" + typeName(b) + "'");
}

[[noreturn]] void overflow() {
    throw RenderError("integer overflow (CreditLens templates compute with 64-bit integers)");
}

/// a op b on int64, an error on overflow (Python ints would grow instead).
template <class Op> Value checkedInt(int64_t a, int64_t b, Op op) {
    int64_t r = 0;
    if (op(a, b, &r)) {
        overflow();
    }
    return Value::integer(r);
}

Value repeat(const Value& seq, int64_t times, const Runtime& rt) {
    if (times <= 0) {
        return seq.isString() ? Value::string("", seq.markup()) : Value::list({}, seq.seq().kind);
    }
    if (seq.isString()) {
        const size_t total = seq.str().size() * static_cast<size_t>(times);
        if (!seq.str().empty() && total / seq.str().size() != static_cast<size_t>(times)) {
            checkSize(SIZE_MAX, rt);
        }
        checkSize(total, rt);
        std::string out;
        out.reserve(total);
        for (int64_t i = 0; i < times; ++i) {
            out += seq.str();
        }
        return Value::string(std::move(out), seq.markup());
    }
    const auto& items = seq.seq().items;
    checkSize(items.size() * static_cast<size_t>(times), rt);
    std::vector<Value> out;
    for (int64_t i = 0; i < times; ++i) {
        out.insert(out.end(), items.begin(), items.end());
    }
    return Value::list(std::move(out), seq.seq().kind);
}

bool isListOrTuple(const Value& v) {
    return v.type() == Value::Type::Sequence &&
           (v.seq().kind == SeqKind::List || v.seq().kind == SeqKind::Tuple);
}

Value add(const Value& a, const Value& b, const Runtime& rt) {
    if (a.isIntegral() && b.isIntegral()) {
        return checkedInt(a.asInt(), b.asInt(), [](int64_t x, int64_t y, int64_t* r) {
            return __builtin_add_overflow(x, y, r);
        });
    }
    if (a.isNumber() && b.isNumber()) {
        return Value::number(a.asDouble() + b.asDouble());
    }
    if (a.isString() && b.isString()) {
        // Markup + str escapes the str (and str + Markup too, via Markup.__radd__).
        const bool markup = a.markup() || b.markup();
        std::string left = markup && !a.markup() ? htmlEscape(a.str()) : a.str();
        const std::string& right = markup && !b.markup() ? htmlEscape(b.str()) : b.str();
        checkSize(left.size() + right.size(), rt);
        left += right;
        return Value::string(std::move(left), markup);
    }
    if (isListOrTuple(a) && isListOrTuple(b) && a.seq().kind == b.seq().kind) {
        std::vector<Value> items = a.seq().items;
        items.insert(items.end(), b.seq().items.begin(), b.seq().items.end());
        checkSize(items.size(), rt);
        return Value::list(std::move(items), a.seq().kind);
    }
    if (a.isString() || b.isString()) {
        throw RenderError("can only concatenate str (not \"" + typeName(a.isString() ? b : a) +
                          "\") to str");
    }
    unsupported("+", a, b);
}

Value multiply(const Value& a, const Value& b, const Runtime& rt) {
    if (a.isIntegral() && b.isIntegral()) {
        return checkedInt(a.asInt(), b.asInt(), [](int64_t x, int64_t y, int64_t* r) {
            return __builtin_mul_overflow(x, y, r);
        });
    }
    if (a.isNumber() && b.isNumber()) {
        return Value::number(a.asDouble() * b.asDouble());
    }
    if ((a.isString() || isListOrTuple(a)) && b.isIntegral()) {
        return repeat(a, b.asInt(), rt);
    }
    if (a.isIntegral() && (b.isString() || isListOrTuple(b))) {
        return repeat(b, a.asInt(), rt);
    }
    unsupported("*", a, b);
}

Value floorDivide(const Value& a, const Value& b) {
    if (a.isIntegral() && b.isIntegral()) {
        const int64_t x = a.asInt();
        const int64_t y = b.asInt();
        if (y == 0) {
            throw RenderError("integer division or modulo by zero");
        }
        if (x == INT64_MIN && y == -1) {
            overflow();
        }
        int64_t q = x / y;
        if ((x % y != 0) && ((x < 0) != (y < 0))) {
            --q;
        }
        return Value::integer(q);
    }
    if (a.isNumber() && b.isNumber()) {
        const double vx = a.asDouble();
        const double wx = b.asDouble();
        if (wx == 0) {
            throw RenderError("float floor division by zero");
        }
        // CPython's float_floor_div.
        double mod = std::fmod(vx, wx);
        double div = (vx - mod) / wx;
        if (mod != 0 && ((wx < 0) != (mod < 0))) {
            div -= 1.0;
        }
        double floordiv;
        if (div != 0) {
            floordiv = std::floor(div);
            if (div - floordiv > 0.5) {
                floordiv += 1.0;
            }
        } else {
            floordiv = std::copysign(0.0, vx / wx);
        }
        return Value::number(floordiv);
    }
    unsupported("//", a, b);
}

Value modulo(const Value& a, const Value& b) {
    if (a.isIntegral() && b.isIntegral()) {
        const int64_t y = b.asInt();
        if (y == 0) {
            throw RenderError("integer division or modulo by zero");
        }
        if (y == -1) {
            return Value::integer(0);
        }
        int64_t r = a.asInt() % y;
        if (r != 0 && ((r < 0) != (y < 0))) {
            r += y;
        }
        return Value::integer(r);
    }
    if (a.isNumber() && b.isNumber()) {
        const double y = b.asDouble();
        if (y == 0) {
            throw RenderError("float modulo");
        }
        double r = std::fmod(a.asDouble(), y);
        if (r != 0) {
            if ((r < 0) != (y < 0)) {
                r += y;
            }
        } else {
            r = std::copysign(0.0, y);
        }
        return Value::number(r);
    }
    unsupported("%", a, b);
}

Value power(const Value& a, const Value& b) {
    if (a.isIntegral() && b.isIntegral() && b.asInt() >= 0) {
        int64_t base = a.asInt();
        int64_t exp = b.asInt();
        int64_t result = 1;
        while (exp > 0) {
            if ((exp & 1) && __builtin_mul_overflow(result, base, &result)) {
                overflow();
            }
            exp >>= 1;
            if (exp > 0 && __builtin_mul_overflow(base, base, &base)) {
                overflow();
            }
        }
        return Value::integer(result);
    }
    if (a.isNumber() && b.isNumber()) {
        const double x = a.asDouble();
        const double y = b.asDouble();
        if (x == 0 && y < 0) {
            throw RenderError("0.0 cannot be raised to a negative power");
        }
        if (x < 0 && y != std::floor(y)) {
            throw RenderError("a negative number to a fractional power is complex");
        }
        return Value::number(std::pow(x, y));
    }
    unsupported("** or pow()", a, b);
}

} // namespace

Value binaryOp(std::string_view op, const Value& a, const Value& b, const Runtime& rt) {
    if (a.isUndefined()) {
        failUndefined(a);
    }
    if (b.isUndefined() && !(op == "%" && a.isString())) { // str % x never touches x's dunders
        failUndefined(b);
    }
    if (op == "+") {
        return add(a, b, rt);
    }
    if (op == "-") {
        if (a.isIntegral() && b.isIntegral()) {
            return checkedInt(a.asInt(), b.asInt(), [](int64_t x, int64_t y, int64_t* r) {
                return __builtin_sub_overflow(x, y, r);
            });
        }
        if (a.isNumber() && b.isNumber()) {
            return Value::number(a.asDouble() - b.asDouble());
        }
        unsupported("-", a, b);
    }
    if (op == "*") {
        return multiply(a, b, rt);
    }
    if (op == "/") {
        if (a.isNumber() && b.isNumber()) {
            if (b.asDouble() == 0) {
                throw RenderError("division by zero");
            }
            return Value::number(a.asDouble() / b.asDouble());
        }
        unsupported("/", a, b);
    }
    if (op == "//") {
        return floorDivide(a, b);
    }
    if (op == "%") {
        if (a.isString()) {
            if (a.markup()) {
                throw RenderError("'%' formatting of a Markup string is not supported");
            }
            return Value::string(percentFormat(a.str(), b, rt));
        }
        return modulo(a, b);
    }
    if (op == "**") {
        return power(a, b);
    }
    throw RenderError("unknown operator " + std::string(op));
}

Value unaryOp(std::string_view op, const Value& v) {
    if (v.isUndefined()) {
        failUndefined(v);
    }
    if (v.isIntegral()) {
        if (op == "-") {
            if (v.asInt() == INT64_MIN) {
                overflow();
            }
            return Value::integer(-v.asInt());
        }
        return Value::integer(v.asInt());
    }
    if (v.type() == Value::Type::Float) {
        return Value::number(op == "-" ? -v.asDouble() : v.asDouble());
    }
    throw RenderError("bad operand type for unary " + std::string(op) + ": '" + typeName(v) + "'");
}

} // namespace cl::jinja
