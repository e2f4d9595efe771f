#include "core/text/chat_template/jinja_value.h"

#include "core/text/chat_template/jinja_error.h"
#include "core/text/chat_template/py_text.h"
#include "core/text/utf8.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <set>

namespace cl::jinja {

namespace {

using namespace std::string_literals;

// Python attributes of the builtin types. An attribute that exists wins over an item of the
// same name (`message.items` is dict.items, not message["items"]), as in Jinja's getattr.
const std::set<std::string, std::less<>> kStrAttributes = {
    "capitalize",   "casefold",    "center",    "count",      "encode",       "endswith",
    "expandtabs",   "find",        "format",    "format_map", "index",        "isalnum",
    "isalpha",      "isascii",     "isdecimal", "isdigit",    "isidentifier", "islower",
    "isnumeric",    "isprintable", "isspace",   "istitle",    "isupper",      "join",
    "ljust",        "lower",       "lstrip",    "maketrans",  "partition",    "removeprefix",
    "removesuffix", "replace",     "rfind",     "rindex",     "rjust",        "rpartition",
    "rsplit",       "rstrip",      "split",     "splitlines", "startswith",   "strip",
    "swapcase",     "title",       "translate", "upper",      "zfill"};
const std::set<std::string, std::less<>> kDictAttributes = {
    "clear", "copy",    "fromkeys",   "get",    "items", "keys",
    "pop",   "popitem", "setdefault", "update", "values"};
const std::set<std::string, std::less<>> kListAttributes = {"append", "clear",   "copy",   "count",
                                                            "extend", "index",   "insert", "pop",
                                                            "remove", "reverse", "sort"};
const std::set<std::string, std::less<>> kNumberAttributes = {
    "as_integer_ratio", "bit_count", "bit_length", "conjugate", "denominator", "from_bytes", "imag",
    "numerator",        "real",      "to_bytes",   "fromhex",   "hex",         "is_integer"};

Value boundMethod(const Value& receiver, const std::string& name) {
    auto fn = std::make_shared<Callable>();
    fn->kind = Callable::Kind::Method;
    fn->name = name;
    fn->receiver = receiver;
    return Value::callable(std::move(fn));
}

Value missingAttribute(const Value& obj, const std::string& name) {
    std::string message = "'";
    message += objectTypeRepr(obj);
    message += "' has no attribute '";
    message += name;
    message += "'";
    return Value::undefined(std::move(message));
}

Value missingElement(const Value& obj, const Value& key) {
    return Value::undefined(objectTypeRepr(obj) + " has no element " + toRepr(key));
}

std::string seqTypeName(SeqKind kind) {
    switch (kind) {
    case SeqKind::List:
        return "list";
    case SeqKind::Tuple:
        return "tuple";
    case SeqKind::Range:
        return "range";
    case SeqKind::DictKeys:
        return "dict_keys";
    case SeqKind::DictValues:
        return "dict_values";
    case SeqKind::DictItems:
        return "dict_items";
    }
    return "list";
}

std::string joinReprs(const std::vector<Value>& items) {
    std::string out;
    for (size_t i = 0; i < items.size(); ++i) {
        if (i) {
            out += ", ";
        }
        out += toRepr(items[i]);
    }
    return out;
}

std::string dictRepr(const Dict& d) {
    std::string out = "{";
    for (size_t i = 0; i < d.entries.size(); ++i) {
        if (i) {
            out += ", ";
        }
        out += py::repr(d.entries[i].first) + ": " + toRepr(d.entries[i].second);
    }
    return out + "}";
}

bool sequencesEqual(const std::vector<Value>& a, const std::vector<Value>& b) {
    if (a.size() != b.size()) {
        return false;
    }
    for (size_t i = 0; i < a.size(); ++i) {
        if (!equals(a[i], b[i])) {
            return false;
        }
    }
    return true;
}

// Set equality of dict views (dict_keys / dict_items compare as sets).
bool sameMembers(const std::vector<Value>& a, const std::vector<Value>& b) {
    if (a.size() != b.size()) {
        return false;
    }
    for (const Value& x : a) {
        if (std::none_of(b.begin(), b.end(), [&](const Value& y) { return equals(x, y); })) {
            return false;
        }
    }
    return true;
}

// Exact comparison of an int with a float, as Python does (no rounding of big ints).
int compareIntFloat(int64_t i, double f) {
    if (std::isnan(f)) {
        return 2; // unordered
    }
    const long double li = static_cast<long double>(i);
    const long double lf = static_cast<long double>(f);
    return li < lf ? -1 : (li > lf ? 1 : 0);
}

void appendJsonString(std::string& out, std::string_view s, bool ensureAscii) {
    out.push_back('"');
    char buf[16];
    size_t pos = 0;
    while (pos < s.size()) {
        const unsigned char b = static_cast<unsigned char>(s[pos]);
        if (b < 0x80) {
            switch (b) {
            case '"':
                out += "\\\"";
                break;
            case '\\':
                out += "\\\\";
                break;
            case '\n':
                out += "\\n";
                break;
            case '\r':
                out += "\\r";
                break;
            case '\t':
                out += "\\t";
                break;
            case '\b':
                out += "\\b";
                break;
            case '\f':
                out += "\\f";
                break;
            default:
                if (b < 0x20) {
                    std::snprintf(buf, sizeof buf, "\\u%04x", b);
                    out += buf;
                } else {
                    out.push_back(static_cast<char>(b));
                }
            }
            ++pos;
            continue;
        }
        size_t len = utf8::sequenceLength(s, pos);
        if (len == 0) {
            len = 1;
        }
        if (!ensureAscii) {
            out.append(s.substr(pos, len));
        } else {
            const char32_t c = utf8::decodeAt(s, pos, len);
            if (c >= 0x10000) {
                const char32_t v = c - 0x10000;
                std::snprintf(buf, sizeof buf, "\\u%04x\\u%04x", 0xD800 + (v >> 10),
                              0xDC00 + (v & 0x3FF));
            } else {
                std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned>(c));
            }
            out += buf;
        }
        pos += len;
    }
    out.push_back('"');
}

void appendJson(std::string& out, const Value& v, const JsonStyle& style, int depth) {
    const RecursionGuard guard;
    auto newline = [&](int level) {
        if (style.indent) {
            out.push_back('\n');
            for (int i = 0; i < level; ++i) {
                out += *style.indent;
            }
        }
    };
    switch (v.type()) {
    case Value::Type::None:
        out += "null";
        return;
    case Value::Type::Bool:
        out += v.asBool() ? "true" : "false";
        return;
    case Value::Type::Int:
        out += std::to_string(v.asInt());
        return;
    case Value::Type::Float: {
        const double d = v.asDouble();
        if (std::isnan(d)) {
            out += "NaN";
        } else if (std::isinf(d)) {
            out += d < 0 ? "-Infinity" : "Infinity";
        } else {
            out += py::floatRepr(d);
        }
        return;
    }
    case Value::Type::String:
        appendJsonString(out, v.str(), style.ensureAscii);
        return;
    case Value::Type::Sequence: {
        const Sequence& s = v.seq();
        if (s.kind != SeqKind::List && s.kind != SeqKind::Tuple) {
            break;
        }
        if (s.items.empty()) {
            out += "[]";
            return;
        }
        out.push_back('[');
        for (size_t i = 0; i < s.items.size(); ++i) {
            if (i) {
                out += style.itemSeparator;
            }
            newline(depth + 1);
            appendJson(out, s.items[i], style, depth + 1);
        }
        newline(depth);
        out.push_back(']');
        return;
    }
    case Value::Type::Dict: {
        std::vector<const std::pair<std::string, Value>*> entries;
        for (const auto& e : v.dict().entries) {
            entries.push_back(&e);
        }
        if (style.sortKeys) {
            std::stable_sort(entries.begin(), entries.end(),
                             [](auto* a, auto* b) { return a->first < b->first; });
        }
        if (entries.empty()) {
            out += "{}";
            return;
        }
        out.push_back('{');
        for (size_t i = 0; i < entries.size(); ++i) {
            if (i) {
                out += style.itemSeparator;
            }
            newline(depth + 1);
            appendJsonString(out, entries[i]->first, style.ensureAscii);
            out += style.keySeparator;
            appendJson(out, entries[i]->second, style, depth + 1);
        }
        newline(depth);
        out.push_back('}');
        return;
    }
    default:
        break;
    }
    throw RenderError("Object of type " + typeName(v) + " is not JSON serializable");
}

} // namespace

// ---- nesting bounds --------------------------------------------------------------------------

namespace {
thread_local int tRecursion = 0;

int maxChildDepth(const std::vector<Value>& items) {
    int d = 0;
    for (const Value& v : items) {
        d = std::max(d, nestingDepth(v));
    }
    return d;
}

void checkDepth(int depth) {
    if (depth > kMaxNesting) {
        throw RenderError("values nested more than " + std::to_string(kMaxNesting) +
                          " levels deep");
    }
}
} // namespace

RecursionGuard::RecursionGuard() {
    if (++tRecursion > 2 * kMaxNesting) {
        --tRecursion;
        throw RenderError("maximum recursion depth exceeded (a value that contains itself?)");
    }
}

RecursionGuard::~RecursionGuard() {
    --tRecursion;
}

int nestingDepth(const Value& v) {
    switch (v.type()) {
    case Value::Type::Sequence:
        return v.seq().depth;
    case Value::Type::Dict:
        return v.dict().depth;
    case Value::Type::Namespace:
        return v.nameSpace().attrs.depth;
    case Value::Type::Iterator:
        return 1 + maxChildDepth(v.iter().items);
    default:
        return 0;
    }
}

void Namespace::set(const std::string& name, Value value) {
    const int depth = std::max(attrs.depth, 1 + nestingDepth(value));
    checkDepth(depth);
    attrs.set(name, std::move(value));
    attrs.depth = depth;
}

// ---- Dict, LoopState, Value ------------------------------------------------------------------

const Value* Dict::find(std::string_view key) const {
    for (const auto& [k, v] : entries) {
        if (k == key) {
            return &v;
        }
    }
    return nullptr;
}

void Dict::set(const std::string& key, Value value) {
    for (auto& [k, v] : entries) {
        if (k == key) {
            v = std::move(value);
            return;
        }
    }
    entries.emplace_back(key, std::move(value));
}

bool LoopState::ensure(size_t count) {
    while (items.size() < count && !exhausted) {
        Value next;
        if (pull && pull(next)) {
            items.push_back(std::move(next));
        } else {
            exhausted = true;
        }
    }
    return items.size() >= count;
}

int64_t LoopState::length() {
    ensure(SIZE_MAX);
    return static_cast<int64_t>(items.size());
}

Value Value::undefined(std::string message) {
    Value v;
    v.m_text = std::make_shared<const std::string>(std::move(message));
    return v;
}

Value Value::none() {
    Value v;
    v.m_type = Type::None;
    return v;
}

Value Value::boolean(bool b) {
    Value v;
    v.m_type = Type::Bool;
    v.m_bool = b;
    return v;
}

Value Value::integer(int64_t i) {
    Value v;
    v.m_type = Type::Int;
    v.m_int = i;
    return v;
}

Value Value::number(double d) {
    Value v;
    v.m_type = Type::Float;
    v.m_float = d;
    return v;
}

Value Value::string(std::string s, bool markup) {
    Value v;
    v.m_type = Type::String;
    v.m_bool = markup;
    v.m_text = std::make_shared<const std::string>(std::move(s));
    return v;
}

Value Value::list(std::vector<Value> items, SeqKind kind) {
    auto s = std::make_shared<Sequence>();
    s->kind = kind;
    s->depth = 1 + maxChildDepth(items);
    checkDepth(s->depth);
    s->items = std::move(items);
    Value v;
    v.m_type = Type::Sequence;
    v.m_obj = std::move(s);
    return v;
}

Value Value::range(int64_t start, int64_t stop, int64_t step) {
    auto s = std::make_shared<Sequence>();
    s->kind = SeqKind::Range;
    s->start = start;
    s->stop = stop;
    s->step = step;
    // Count first: stepping past stop could overflow int64.
    const __int128 span = step > 0 ? __int128(stop) - start : __int128(start) - stop;
    const __int128 absStep = step > 0 ? __int128(step) : -__int128(step);
    const int64_t count = span <= 0 ? 0 : static_cast<int64_t>((span + absStep - 1) / absStep);
    for (int64_t k = 0; k < count; ++k) {
        s->items.push_back(Value::integer(static_cast<int64_t>(start + __int128(k) * step)));
    }
    Value v;
    v.m_type = Type::Sequence;
    v.m_obj = std::move(s);
    return v;
}

Value Value::dict(Dict d) {
    int depth = 0;
    for (const auto& e : d.entries) {
        depth = std::max(depth, nestingDepth(e.second));
    }
    d.depth = depth + 1;
    checkDepth(d.depth);
    Value v;
    v.m_type = Type::Dict;
    v.m_obj = std::make_shared<Dict>(std::move(d));
    return v;
}

Value Value::iterator(std::vector<Value> items, std::string typeName) {
    checkDepth(1 + maxChildDepth(items));
    auto it = std::make_shared<Iterator>();
    it->items = std::move(items);
    it->typeName = std::move(typeName);
    Value v;
    v.m_type = Type::Iterator;
    v.m_obj = std::move(it);
    return v;
}

Value Value::failingIterator(std::string error) {
    Value v = iterator({});
    v.iter().deferredError = std::move(error);
    return v;
}

void Iterator::raiseDeferred() const {
    if (!deferredError.empty()) {
        throw RenderError(deferredError);
    }
}

Value Value::nameSpace(std::shared_ptr<Namespace> ns) {
    Value v;
    v.m_type = Type::Namespace;
    v.m_obj = std::move(ns);
    return v;
}

Value Value::loop(std::shared_ptr<LoopState> state) {
    Value v;
    v.m_type = Type::Loop;
    v.m_obj = std::move(state);
    return v;
}

Value Value::callable(std::shared_ptr<const Callable> fn) {
    Value v;
    v.m_type = Type::Callable;
    v.m_obj = std::const_pointer_cast<Callable>(std::move(fn));
    return v;
}

double Value::asDouble() const {
    switch (m_type) {
    case Type::Float:
        return m_float;
    case Type::Int:
        return static_cast<double>(m_int);
    case Type::Bool:
        return m_bool ? 1.0 : 0.0;
    default:
        return 0.0;
    }
}

const std::string& Value::undefinedMessage() const {
    static const std::string generic = "undefined value";
    return m_text ? *m_text : generic;
}

const Sequence& Value::seq() const {
    return *static_cast<const Sequence*>(m_obj.get());
}
const Dict& Value::dict() const {
    return *static_cast<const Dict*>(m_obj.get());
}
Iterator& Value::iter() const {
    return *static_cast<Iterator*>(m_obj.get());
}
Namespace& Value::nameSpace() const {
    return *static_cast<Namespace*>(m_obj.get());
}
LoopState& Value::loop() const {
    return *static_cast<LoopState*>(m_obj.get());
}
const Callable& Value::callable() const {
    return *static_cast<const Callable*>(m_obj.get());
}

// ---- arguments -------------------------------------------------------------------------------

std::vector<std::optional<Value>> bindArgs(const CallArgs& args, std::string_view function,
                                           std::initializer_list<std::string_view> names) {
    const std::vector<std::string_view> params(names);
    std::vector<std::optional<Value>> out(params.size());
    if (args.positional.size() > params.size()) {
        throw RenderError(std::string(function) + "() takes at most " +
                          std::to_string(params.size()) + " argument(s) (" +
                          std::to_string(args.positional.size()) + " given)");
    }
    for (size_t i = 0; i < args.positional.size(); ++i) {
        out[i] = args.positional[i];
    }
    for (const auto& [key, value] : args.keywords) {
        const auto it = std::find(params.begin(), params.end(), key);
        if (it == params.end()) {
            throw RenderError(std::string(function) + "() got an unexpected keyword argument '" +
                              key + "'");
        }
        auto& slot = out[static_cast<size_t>(it - params.begin())];
        if (slot) {
            throw RenderError(std::string(function) + "() got multiple values for argument '" +
                              key + "'");
        }
        slot = value;
    }
    return out;
}

// ---- Python behaviour ------------------------------------------------------------------------

bool truthy(const Value& v) {
    switch (v.type()) {
    case Value::Type::Undefined:
    case Value::Type::None:
        return false;
    case Value::Type::Bool:
        return v.asBool();
    case Value::Type::Int:
        return v.asInt() != 0;
    case Value::Type::Float:
        return v.asDouble() != 0.0;
    case Value::Type::String:
        return !v.str().empty();
    case Value::Type::Sequence:
        return !v.seq().items.empty();
    case Value::Type::Dict:
        return !v.dict().entries.empty();
    default:
        return true; // generators, namespaces, callables: plain objects
    }
}

std::string toStr(const Value& v) {
    switch (v.type()) {
    case Value::Type::Undefined:
        return "";
    case Value::Type::String:
        return v.str();
    case Value::Type::Iterator:
        throw RenderError("cannot print a " + v.iter().typeName +
                          " (Python would print its address); convert it with | list");
    case Value::Type::Callable:
        if (v.callable().kind == Callable::Kind::Macro) {
            return "<Macro '" + v.callable().name + "'>";
        }
        throw RenderError("cannot print the function '" + v.callable().name +
                          "' (Python would print its address)");
    default:
        return toRepr(v);
    }
}

std::string toRepr(const Value& v) {
    const RecursionGuard guard;
    switch (v.type()) {
    case Value::Type::Undefined:
        return "Undefined";
    case Value::Type::None:
        return "None";
    case Value::Type::Bool:
        return v.asBool() ? "True" : "False";
    case Value::Type::Int:
        return std::to_string(v.asInt());
    case Value::Type::Float:
        return py::floatRepr(v.asDouble());
    case Value::Type::String:
        return v.markup() ? "Markup(" + py::repr(v.str()) + ")" : py::repr(v.str());
    case Value::Type::Sequence: {
        const Sequence& s = v.seq();
        switch (s.kind) {
        case SeqKind::List:
            return "[" + joinReprs(s.items) + "]";
        case SeqKind::Tuple:
            return s.items.size() == 1 ? "(" + toRepr(s.items[0]) + ",)"
                                       : "(" + joinReprs(s.items) + ")";
        case SeqKind::Range:
            return "range(" + std::to_string(s.start) + ", " + std::to_string(s.stop) +
                   (s.step != 1 ? ", " + std::to_string(s.step) : "") + ")";
        default:
            return seqTypeName(s.kind) + "([" + joinReprs(s.items) + "])";
        }
    }
    case Value::Type::Dict:
        return dictRepr(v.dict());
    case Value::Type::Namespace:
        return "<Namespace " + dictRepr(v.nameSpace().attrs) + ">";
    case Value::Type::Loop: {
        LoopState& l = v.loop();
        return "<LoopContext " + std::to_string(l.index0 + 1) + "/" + std::to_string(l.length()) +
               ">";
    }
    default:
        return toStr(v);
    }
}

std::string typeName(const Value& v) {
    switch (v.type()) {
    case Value::Type::Undefined:
        return "Undefined";
    case Value::Type::None:
        return "NoneType";
    case Value::Type::Bool:
        return "bool";
    case Value::Type::Int:
        return "int";
    case Value::Type::Float:
        return "float";
    case Value::Type::String:
        return v.markup() ? "Markup" : "str";
    case Value::Type::Sequence:
        return seqTypeName(v.seq().kind);
    case Value::Type::Dict:
        return "dict";
    case Value::Type::Iterator:
        return v.iter().typeName;
    case Value::Type::Namespace:
        return "Namespace";
    case Value::Type::Loop:
        return "LoopContext";
    case Value::Type::Callable:
        switch (v.callable().kind) {
        case Callable::Kind::Macro:
            return "Macro";
        case Callable::Kind::Method:
            return "builtin_function_or_method";
        default:
            return "function";
        }
    }
    return "object";
}

std::string objectTypeRepr(const Value& v) {
    if (v.isNone()) {
        return "None";
    }
    if (v.isString() && v.markup()) {
        return "markupsafe.Markup object";
    }
    return typeName(v) + " object";
}

bool equals(const Value& a, const Value& b) {
    const RecursionGuard guard;
    using T = Value::Type;
    if (a.isNumber() && b.isNumber()) {
        if (a.isIntegral() && b.isIntegral()) {
            return a.asInt() == b.asInt();
        }
        if (a.type() == T::Float && b.type() == T::Float) {
            return a.asDouble() == b.asDouble();
        }
        return a.isIntegral() ? compareIntFloat(a.asInt(), b.asDouble()) == 0
                              : compareIntFloat(b.asInt(), a.asDouble()) == 0;
    }
    if (a.type() != b.type()) {
        return false;
    }
    switch (a.type()) {
    case T::Undefined:
    case T::None:
        return true;
    case T::String:
        return a.str() == b.str();
    case T::Sequence: {
        const Sequence& x = a.seq();
        const Sequence& y = b.seq();
        if (x.kind != y.kind) {
            return false;
        }
        if (x.kind == SeqKind::DictValues) {
            return &x == &y;
        }
        if (x.kind == SeqKind::DictKeys || x.kind == SeqKind::DictItems) {
            return sameMembers(x.items, y.items);
        }
        return sequencesEqual(x.items, y.items);
    }
    case T::Dict: {
        const Dict& x = a.dict();
        const Dict& y = b.dict();
        if (x.entries.size() != y.entries.size()) {
            return false;
        }
        for (const auto& [k, v] : x.entries) {
            const Value* other = y.find(k);
            if (!other || !equals(v, *other)) {
                return false;
            }
        }
        return true;
    }
    default:
        return a.identity() == b.identity();
    }
}

int compare(const Value& a, const Value& b, std::string_view op) {
    const RecursionGuard guard;
    if (a.isUndefined()) {
        failUndefined(a);
    }
    if (b.isUndefined()) {
        failUndefined(b);
    }
    if (a.isNumber() && b.isNumber()) {
        int c;
        if (a.isIntegral() && b.isIntegral()) {
            c = a.asInt() < b.asInt() ? -1 : (a.asInt() > b.asInt() ? 1 : 0);
        } else if (a.isIntegral()) {
            c = compareIntFloat(a.asInt(), b.asDouble());
        } else if (b.isIntegral()) {
            c = -compareIntFloat(b.asInt(), a.asDouble());
            c = c == -2 ? 2 : c;
        } else {
            const double x = a.asDouble();
            const double y = b.asDouble();
            c = std::isnan(x) || std::isnan(y) ? 2 : (x < y ? -1 : (x > y ? 1 : 0));
        }
        return c; // 2 = unordered (NaN): every comparison is false
    }
    if (a.isString() && b.isString()) {
        const int c = a.str().compare(b.str()); // UTF-8 byte order = code point order
        return c < 0 ? -1 : (c > 0 ? 1 : 0);
    }
    if (a.type() == Value::Type::Sequence && b.type() == Value::Type::Sequence &&
        a.seq().kind == b.seq().kind &&
        (a.seq().kind == SeqKind::List || a.seq().kind == SeqKind::Tuple)) {
        const auto& x = a.seq().items;
        const auto& y = b.seq().items;
        for (size_t i = 0; i < x.size() && i < y.size(); ++i) {
            if (!equals(x[i], y[i])) {
                return compare(x[i], y[i], op);
            }
        }
        return x.size() < y.size() ? -1 : (x.size() > y.size() ? 1 : 0);
    }
    throw RenderError("'" + std::string(op) + "' not supported between instances of '" +
                      typeName(a) + "' and '" + typeName(b) + "'");
}

std::vector<Value> iterate(const Value& v) {
    switch (v.type()) {
    case Value::Type::Undefined:
        return {};
    case Value::Type::String: {
        std::vector<Value> out;
        for (char32_t c : py::decode(v.str())) {
            out.push_back(Value::string(py::encode(std::u32string(1, c))));
        }
        return out;
    }
    case Value::Type::Sequence:
        return v.seq().items;
    case Value::Type::Dict: {
        std::vector<Value> out;
        for (const auto& e : v.dict().entries) {
            out.push_back(Value::string(e.first));
        }
        return out;
    }
    case Value::Type::Iterator: {
        Iterator& it = v.iter();
        it.raiseDeferred();
        std::vector<Value> out(it.items.begin() + static_cast<std::ptrdiff_t>(it.next),
                               it.items.end());
        it.next = it.items.size();
        return out;
    }
    default:
        throw RenderError("'" + typeName(v) + "' object is not iterable");
    }
}

int64_t length(const Value& v) {
    switch (v.type()) {
    case Value::Type::Undefined:
        return 0;
    case Value::Type::String:
        return py::length(v.str());
    case Value::Type::Sequence:
        return static_cast<int64_t>(v.seq().items.size());
    case Value::Type::Dict:
        return static_cast<int64_t>(v.dict().entries.size());
    default:
        throw RenderError("object of type '" + typeName(v) + "' has no len()");
    }
}

namespace {

/// Python's hash(): lists, dicts and dict views have none; a tuple is hashable when its
/// items are.
bool hashable(const Value& v) {
    const RecursionGuard guard;
    if (v.type() == Value::Type::Dict) {
        return false;
    }
    if (v.type() == Value::Type::Sequence) {
        const Sequence& s = v.seq();
        if (s.kind == SeqKind::Tuple) {
            return std::all_of(s.items.begin(), s.items.end(), hashable);
        }
        return s.kind == SeqKind::Range;
    }
    return true;
}

void requireHashable(const Value& v) {
    if (!hashable(v)) {
        throw RenderError("unhashable type: '" + typeName(v) + "'");
    }
}

} // namespace

bool contains(const Value& haystack, const Value& needle) {
    switch (haystack.type()) {
    case Value::Type::Undefined:
        return false;
    case Value::Type::String:
        if (!needle.isString()) {
            throw RenderError("'in <string>' requires string as left operand, not " +
                              typeName(needle));
        }
        return haystack.str().find(needle.str()) != std::string::npos;
    case Value::Type::Sequence: {
        if (haystack.seq().kind == SeqKind::DictKeys || haystack.seq().kind == SeqKind::DictItems) {
            requireHashable(needle);
        }
        const auto& items = haystack.seq().items;
        return std::any_of(items.begin(), items.end(),
                           [&](const Value& x) { return equals(x, needle); });
    }
    case Value::Type::Dict:
        requireHashable(needle);
        return needle.isString() && haystack.dict().find(needle.str()) != nullptr;
    case Value::Type::Iterator: {
        Iterator& it = haystack.iter();
        it.raiseDeferred();
        while (it.next < it.items.size()) {
            if (equals(it.items[it.next++], needle)) {
                return true;
            }
        }
        return false;
    }
    default:
        throw RenderError("argument of type '" + typeName(haystack) + "' is not iterable");
    }
}

void failUndefined(const Value& v) {
    throw RenderError(v.undefinedMessage());
}

std::string htmlEscape(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (char c : text) {
        switch (c) {
        case '&':
            out += "&amp;";
            break;
        case '<':
            out += "&lt;";
            break;
        case '>':
            out += "&gt;";
            break;
        case '"':
            out += "&#34;";
            break;
        case '\'':
            out += "&#39;";
            break;
        default:
            out.push_back(c);
        }
    }
    return out;
}

// ---- attribute and item access ---------------------------------------------------------------

namespace {

Value loopAttribute(const Value& obj, const std::string& name) {
    LoopState& l = obj.loop();
    const int64_t i = static_cast<int64_t>(l.index0);
    if (name == "index0") {
        return Value::integer(i);
    }
    if (name == "index") {
        return Value::integer(i + 1);
    }
    if (name == "first") {
        return Value::boolean(i == 0);
    }
    if (name == "last") {
        return Value::boolean(!l.ensure(l.index0 + 2));
    }
    if (name == "length") {
        return Value::integer(l.length());
    }
    if (name == "revindex") {
        return Value::integer(l.length() - i);
    }
    if (name == "revindex0") {
        return Value::integer(l.length() - i - 1);
    }
    if (name == "previtem") {
        return i > 0 ? l.items[l.index0 - 1] : Value::undefined("there is no previous item");
    }
    if (name == "nextitem") {
        return l.ensure(l.index0 + 2) ? l.items[l.index0 + 1]
                                      : Value::undefined("there is no next item");
    }
    if (name == "depth") {
        return Value::integer(1);
    }
    if (name == "depth0") {
        return Value::integer(0);
    }
    if (name == "cycle" || name == "changed") {
        return boundMethod(obj, name);
    }
    return missingAttribute(obj, name);
}

bool isDunder(const std::string& name) {
    return name.size() > 4 && name.compare(0, 2, "__") == 0 &&
           name.compare(name.size() - 2, 2, "__") == 0;
}

std::optional<int64_t> indexOf(const Value& key) {
    if (key.isIntegral()) {
        return key.asInt();
    }
    return std::nullopt;
}

} // namespace

Value getAttr(const Value& obj, const std::string& name) {
    if (obj.isUndefined()) {
        failUndefined(obj);
    }
    if (isDunder(name)) {
        return Value::undefined("access to attribute '" + name + "' of '" + typeName(obj) +
                                "' object is unsafe.");
    }
    switch (obj.type()) {
    case Value::Type::String:
        return kStrAttributes.count(name) ? boundMethod(obj, name) : missingAttribute(obj, name);
    case Value::Type::Dict:
        if (kDictAttributes.count(name)) {
            return boundMethod(obj, name);
        }
        if (const Value* v = obj.dict().find(name)) {
            return *v;
        }
        return missingAttribute(obj, name);
    case Value::Type::Sequence:
        if (obj.seq().kind == SeqKind::Range &&
            (name == "start" || name == "stop" || name == "step")) {
            throw RenderError("the attribute range." + name + " is not supported");
        }
        if (obj.seq().kind == SeqKind::DictKeys || obj.seq().kind == SeqKind::DictValues ||
            obj.seq().kind == SeqKind::DictItems) {
            return missingAttribute(obj, name);
        }
        return kListAttributes.count(name) ? boundMethod(obj, name) : missingAttribute(obj, name);
    case Value::Type::Namespace:
        if (const Value* v = obj.nameSpace().attrs.find(name)) {
            return *v;
        }
        return missingAttribute(obj, name);
    case Value::Type::Loop:
        return loopAttribute(obj, name);
    case Value::Type::Int:
    case Value::Type::Float:
    case Value::Type::Bool:
        if (kNumberAttributes.count(name)) {
            throw RenderError("the attribute '" + name + "' of numbers is not supported");
        }
        return missingAttribute(obj, name);
    default:
        return missingAttribute(obj, name);
    }
}

Value getItem(const Value& obj, const Value& key) {
    if (obj.isUndefined()) {
        failUndefined(obj);
    }
    switch (obj.type()) {
    case Value::Type::String:
        if (const auto i = indexOf(key)) {
            const std::u32string u = py::decode(obj.str());
            const int64_t n = static_cast<int64_t>(u.size());
            const int64_t at = *i < 0 ? *i + n : *i;
            if (at < 0 || at >= n) {
                return missingElement(obj, key);
            }
            return Value::string(py::encode(std::u32string(1, u[static_cast<size_t>(at)])),
                                 obj.markup());
        }
        break;
    case Value::Type::Sequence: {
        const Sequence& s = obj.seq();
        if (s.kind == SeqKind::List || s.kind == SeqKind::Tuple || s.kind == SeqKind::Range) {
            if (const auto i = indexOf(key)) {
                const int64_t n = static_cast<int64_t>(s.items.size());
                const int64_t at = *i < 0 ? *i + n : *i;
                if (at < 0 || at >= n) {
                    return missingElement(obj, key);
                }
                return s.items[static_cast<size_t>(at)];
            }
        }
        break;
    }
    case Value::Type::Dict:
        if (key.isString()) {
            if (const Value* v = obj.dict().find(key.str())) {
                return *v;
            }
        }
        break;
    default:
        break;
    }
    // obj[key] failed: Jinja tries the attribute of that name.
    if (key.isString()) {
        return getAttr(obj, key.str());
    }
    return missingElement(obj, key);
}

Value getSlice(const Value& obj, const std::optional<int64_t>& start,
               const std::optional<int64_t>& stop, const std::optional<int64_t>& step) {
    if (obj.isUndefined()) {
        failUndefined(obj);
    }
    if (step && *step == 0) {
        throw RenderError("slice step cannot be zero");
    }
    if (obj.isString()) {
        return Value::string(py::slice(obj.str(), start, stop, step), obj.markup());
    }
    if (obj.type() == Value::Type::Sequence) {
        const Sequence& s = obj.seq();
        if (s.kind == SeqKind::List || s.kind == SeqKind::Tuple || s.kind == SeqKind::Range) {
            const auto idx =
                py::sliceIndices(static_cast<int64_t>(s.items.size()), start, stop, step);
            if (s.kind == SeqKind::Range) {
                // range(...)[a:b:c] is again a range (CPython's compute_slice): keep its repr.
                const auto [b, e, st] =
                    py::adjustSlice(static_cast<int64_t>(s.items.size()), start, stop, step);
                return Value::range(s.start + b * s.step, s.start + e * s.step, st * s.step);
            }
            std::vector<Value> items;
            items.reserve(idx.size());
            for (int64_t i : idx) {
                items.push_back(s.items[static_cast<size_t>(i)]);
            }
            return Value::list(std::move(items), s.kind);
        }
    }
    // Jinja compiles slices to plain Python subscription (no getitem fallback): an error.
    throw RenderError("'" + typeName(obj) + "' object is not subscriptable");
}

std::string toJson(const Value& v, const JsonStyle& style) {
    std::string out;
    appendJson(out, v, style, 0);
    return out;
}

} // namespace cl::jinja
