// Jinja2's builtin tests (tests.py): `x is defined`, `x is string`, `x is divisibleby 3`...
// Python's type checks decide them, so bool is a number but not an integer, and Undefined is
// iterable and a sequence, as in Jinja.

#include "core/text/chat_template/jinja_builtins.h"

#include "core/text/chat_template/jinja_error.h"
#include "core/text/chat_template/py_text.h"

#include <map>

namespace cl::jinja {

namespace {

using TestFn = bool (*)(const Value&, const CallArgs&, Runtime&);

Value testOperand(const CallArgs& a, const char* test) {
    const auto p = bindArgs(a, test, {"other"});
    if (!p[0]) {
        throw RenderError(std::string("the test '") + test + "' needs an argument");
    }
    return *p[0];
}

bool tDefined(const Value& v, const CallArgs& a, Runtime&) {
    bindArgs(a, "defined", {});
    return !v.isUndefined();
}
bool tUndefined(const Value& v, const CallArgs& a, Runtime&) {
    bindArgs(a, "undefined", {});
    return v.isUndefined();
}
bool tNone(const Value& v, const CallArgs& a, Runtime&) {
    bindArgs(a, "none", {});
    return v.isNone();
}
bool tBoolean(const Value& v, const CallArgs& a, Runtime&) {
    bindArgs(a, "boolean", {});
    return v.isBool();
}
bool tTrue(const Value& v, const CallArgs& a, Runtime&) {
    bindArgs(a, "true", {});
    return v.isBool() && v.asBool();
}
bool tFalse(const Value& v, const CallArgs& a, Runtime&) {
    bindArgs(a, "false", {});
    return v.isBool() && !v.asBool();
}
bool tInteger(const Value& v, const CallArgs& a, Runtime&) {
    bindArgs(a, "integer", {});
    return v.isInt();
}
bool tFloat(const Value& v, const CallArgs& a, Runtime&) {
    bindArgs(a, "float", {});
    return v.type() == Value::Type::Float;
}
bool tNumber(const Value& v, const CallArgs& a, Runtime&) {
    bindArgs(a, "number", {});
    return v.isNumber();
}
bool tString(const Value& v, const CallArgs& a, Runtime&) {
    bindArgs(a, "string", {});
    return v.isString();
}
bool tMapping(const Value& v, const CallArgs& a, Runtime&) {
    bindArgs(a, "mapping", {});
    return v.type() == Value::Type::Dict;
}
bool tIterable(const Value& v, const CallArgs& a, Runtime&) {
    bindArgs(a, "iterable", {});
    switch (v.type()) {
    case Value::Type::Undefined: // Undefined defines __iter__
    case Value::Type::String:
    case Value::Type::Sequence:
    case Value::Type::Dict:
    case Value::Type::Iterator:
    case Value::Type::Loop:
        return true;
    default:
        return false;
    }
}
bool tSequence(const Value& v, const CallArgs& a, Runtime&) {
    bindArgs(a, "sequence", {});
    switch (v.type()) {
    case Value::Type::Undefined: // has __len__ and __getitem__
    case Value::Type::String:
    case Value::Type::Dict:
        return true;
    case Value::Type::Sequence: {
        const SeqKind k = v.seq().kind;
        return k == SeqKind::List || k == SeqKind::Tuple || k == SeqKind::Range;
    }
    default:
        return false;
    }
}
bool tCallable(const Value& v, const CallArgs& a, Runtime&) {
    bindArgs(a, "callable", {});
    // Undefined defines __call__ (it raises), so Python's callable() says yes.
    return v.type() == Value::Type::Callable || v.type() == Value::Type::Loop ||
           v.isUndefined();
}
bool tEscaped(const Value& v, const CallArgs& a, Runtime&) {
    bindArgs(a, "escaped", {});
    return v.isString() && v.markup();
}
bool tLower(const Value& v, const CallArgs& a, Runtime&) {
    bindArgs(a, "lower", {});
    return py::isLower(toStr(v));
}
bool tUpper(const Value& v, const CallArgs& a, Runtime&) {
    bindArgs(a, "upper", {});
    return py::isUpper(toStr(v));
}

bool tOdd(const Value& v, const CallArgs& a, Runtime& rt) {
    bindArgs(a, "odd", {});
    return equals(binaryOp("%", v, Value::integer(2), rt), Value::integer(1));
}
bool tEven(const Value& v, const CallArgs& a, Runtime& rt) {
    bindArgs(a, "even", {});
    return equals(binaryOp("%", v, Value::integer(2), rt), Value::integer(0));
}
bool tDivisibleby(const Value& v, const CallArgs& a, Runtime& rt) {
    return equals(binaryOp("%", v, testOperand(a, "divisibleby"), rt), Value::integer(0));
}
bool tEq(const Value& v, const CallArgs& a, Runtime&) {
    return equals(v, testOperand(a, "eq"));
}
bool tNe(const Value& v, const CallArgs& a, Runtime&) {
    return !equals(v, testOperand(a, "ne"));
}
bool tLt(const Value& v, const CallArgs& a, Runtime&) {
    return compare(v, testOperand(a, "lt"), "<") == -1;
}
bool tLe(const Value& v, const CallArgs& a, Runtime&) {
    const int c = compare(v, testOperand(a, "le"), "<=");
    return c == -1 || c == 0;
}
bool tGt(const Value& v, const CallArgs& a, Runtime&) {
    return compare(v, testOperand(a, "gt"), ">") == 1;
}
bool tGe(const Value& v, const CallArgs& a, Runtime&) {
    const int c = compare(v, testOperand(a, "ge"), ">=");
    return c == 1 || c == 0;
}
bool tIn(const Value& v, const CallArgs& a, Runtime&) {
    return contains(testOperand(a, "in"), v);
}
/// `is sameas`: Python identity, decidable here for None, True, False and small ints.
bool tSameas(const Value& v, const CallArgs& a, Runtime&) {
    const Value other = testOperand(a, "sameas");
    auto singleton = [](const Value& x) { return x.isNone() || x.isBool(); };
    if (singleton(v) || singleton(other)) {
        return v.type() == other.type() && (v.isNone() || v.asBool() == other.asBool());
    }
    if (v.isInt() && other.isInt() && v.asInt() >= -5 && v.asInt() <= 256) {
        return v.asInt() == other.asInt(); // CPython caches these
    }
    if (v.identity() && v.identity() == other.identity() && !v.isString()) {
        return true;
    }
    throw RenderError("'is sameas' is only supported against none, true, false or a small int");
}

const std::map<std::string, TestFn, std::less<>>& tests() {
    static const std::map<std::string, TestFn, std::less<>> table = {
        {"boolean", tBoolean},
        {"callable", tCallable},
        {"defined", tDefined},
        {"divisibleby", tDivisibleby},
        {"eq", tEq},
        {"equalto", tEq},
        {"escaped", tEscaped},
        {"even", tEven},
        {"false", tFalse},
        {"float", tFloat},
        {"ge", tGe},
        {"gt", tGt},
        {"greaterthan", tGt},
        {"in", tIn},
        {"integer", tInteger},
        {"iterable", tIterable},
        {"le", tLe},
        {"lessthan", tLt},
        {"lower", tLower},
        {"lt", tLt},
        {"mapping", tMapping},
        {"ne", tNe},
        {"none", tNone},
        {"number", tNumber},
        {"odd", tOdd},
        {"sameas", tSameas},
        {"sequence", tSequence},
        {"string", tString},
        {"true", tTrue},
        {"undefined", tUndefined},
        {"upper", tUpper},
    };
    return table;
}

} // namespace

bool hasTest(std::string_view name) {
    return tests().count(name) > 0;
}

bool applyTest(const std::string& name, const Value& input, const CallArgs& args, Runtime& rt) {
    const auto it = tests().find(name);
    if (it == tests().end()) {
        throw RenderError("the Jinja test '" + name + "' is not supported");
    }
    return it->second(input, args, rt);
}

} // namespace cl::jinja
