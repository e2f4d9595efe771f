// Jinja2's builtin filters (filters.py) with autoescape off, plus transformers' tojson. Each one
// follows the Python source it replaces; the comments say where that source does something a C++
// reader would not expect.

#include "core/text/chat_template/jinja_builtins.h"

#include "core/text/chat_template/jinja_error.h"
#include "core/text/chat_template/py_text.h"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <map>
#include <set>

namespace cl::jinja {

namespace {

using FilterFn = Value (*)(const Value&, const CallArgs&, Runtime&);

Value makeString(std::string s, bool markup, const Runtime& rt) {
    checkSize(s.size(), rt);
    return Value::string(std::move(s), markup);
}

/// soft_str: str(v), keeping a Markup a Markup.
Value softStr(const Value& v) {
    return v.isString() ? v : Value::string(toStr(v));
}

bool boolArg(const std::optional<Value>& v, bool dflt) {
    return v ? truthy(*v) : dflt;
}

int64_t intArg(const std::optional<Value>& v, int64_t dflt, const char* what) {
    if (!v || v->isNone()) {
        return dflt;
    }
    if (!v->isIntegral()) {
        throw RenderError(std::string(what) + " must be an integer, not " + typeName(*v));
    }
    return v->asInt();
}

std::optional<std::string> strArg(const std::optional<Value>& v) {
    if (!v || v->isNone()) {
        return std::nullopt;
    }
    return toStr(*v);
}

/// Jinja's make_attrgetter: "a.b.0" looks up item by item (digits are indexes).
Value attributeOf(const Value& item, const Value& attribute) {
    if (attribute.isIntegral()) {
        return getItem(item, attribute);
    }
    Value v = item;
    for (const std::string& part : py::split(toStr(attribute), std::string("."), -1)) {
        const bool digits = !part.empty() && std::all_of(part.begin(), part.end(), [](char c) {
            return c >= '0' && c <= '9';
        });
        v = getItem(v, digits ? Value::integer(std::stoll(part)) : Value::string(part));
    }
    return v;
}

/// ignore_case: strings compare lowercased unless case_sensitive.
Value sortKey(const Value& v, bool caseSensitive) {
    return !caseSensitive && v.isString() ? Value::string(py::lower(v.str())) : v;
}

bool lessThan(const Value& a, const Value& b) {
    return compare(a, b, "<") == -1;
}

/// Filters that are Python generator functions (map, select, unique, items, batch...) run
/// their body lazily: an error inside surfaces when the result is iterated.
template <class Fn> Value generator(Fn body) {
    try {
        return body();
    } catch (const RenderError& e) {
        return Value::failingIterator(e.what());
    }
}

std::vector<Value> mapAttribute(const std::vector<Value>& items,
                                const std::optional<Value>& attribute) {
    if (!attribute || attribute->isNone()) {
        return items;
    }
    std::vector<Value> out;
    out.reserve(items.size());
    for (const Value& item : items) {
        out.push_back(attributeOf(item, *attribute));
    }
    return out;
}

// ---- filters ----------------------------------------------------------------------------------

Value fAbs(const Value& v, const CallArgs& a, Runtime&) {
    bindArgs(a, "abs", {});
    if (v.isIntegral()) {
        const int64_t i = v.asInt();
        if (i == INT64_MIN) {
            throw RenderError("integer overflow in abs");
        }
        return Value::integer(i < 0 ? -i : i);
    }
    if (v.type() == Value::Type::Float) {
        return Value::number(std::fabs(v.asDouble()));
    }
    if (v.isUndefined()) {
        failUndefined(v);
    }
    throw RenderError("bad operand type for abs(): '" + typeName(v) + "'");
}

Value fAttr(const Value& v, const CallArgs& a, Runtime&) {
    const auto p = bindArgs(a, "attr", {"name"});
    if (!p[0]) {
        throw RenderError("attr() missing the attribute name");
    }
    const std::string name = toStr(*p[0]);
    // getattr only: no fallback to items (dict | attr("role") is undefined).
    if (v.type() == Value::Type::Dict) {
        const Value r = getAttr(v, name);
        if (r.type() == Value::Type::Callable) {
            return r;
        }
        return Value::undefined("'dict object' has no attribute '" + name + "'");
    }
    return getAttr(v, name);
}

Value fBatch(const Value& v, const CallArgs& a, Runtime&) {
    const auto p = bindArgs(a, "batch", {"linecount", "fill_with"});
    const int64_t n = intArg(p[0], 0, "batch linecount");
    if (n <= 0) {
        throw RenderError("batch linecount must be positive");
    }
    return generator([&] {
        std::vector<Value> rows, row;
        for (const Value& item : iterate(v)) {
            if (static_cast<int64_t>(row.size()) == n) {
                rows.push_back(Value::list(std::move(row)));
                row.clear();
            }
            row.push_back(item);
        }
        if (!row.empty()) {
            if (p[1] && !p[1]->isNone()) {
                while (static_cast<int64_t>(row.size()) < n) {
                    row.push_back(*p[1]);
                }
            }
            rows.push_back(Value::list(std::move(row)));
        }
        return Value::iterator(std::move(rows));
    });
}

Value fCapitalize(const Value& v, const CallArgs& a, Runtime& rt) {
    bindArgs(a, "capitalize", {});
    const Value s = softStr(v);
    return makeString(py::capitalize(s.str()), s.markup(), rt);
}

Value fCenter(const Value& v, const CallArgs& a, Runtime& rt) {
    const auto p = bindArgs(a, "center", {"width"});
    const int64_t width = intArg(p[0], 80, "center width");
    checkSize(static_cast<size_t>(std::max<int64_t>(width, 0)) * 4, rt);
    const Value s = softStr(v);
    return makeString(py::center(s.str(), width), s.markup(), rt);
}

Value fLength(const Value& v, const CallArgs& a, Runtime&) {
    bindArgs(a, "length", {});
    return Value::integer(length(v));
}

Value fDefault(const Value& v, const CallArgs& a, Runtime&) {
    const auto p = bindArgs(a, "default", {"default_value", "boolean"});
    const bool useOnFalse = boolArg(p[1], false);
    if (v.isUndefined() || (useOnFalse && !truthy(v))) {
        return p[0] ? *p[0] : Value::string("");
    }
    return v;
}

Value fDictsort(const Value& v, const CallArgs& a, Runtime&) {
    const auto p = bindArgs(a, "dictsort", {"case_sensitive", "by", "reverse"});
    if (v.type() != Value::Type::Dict) {
        throw RenderError("dictsort expects a mapping, got " + typeName(v));
    }
    const bool caseSensitive = boolArg(p[0], false);
    const std::string by = p[1] ? toStr(*p[1]) : "key";
    if (by != "key" && by != "value") {
        throw RenderError("You can only sort by either 'key' or 'value'");
    }
    const bool reverse = boolArg(p[2], false);
    std::vector<Value> items;
    for (const auto& [k, val] : v.dict().entries) {
        items.push_back(Value::list({Value::string(k), val}, SeqKind::Tuple));
    }
    const size_t pos = by == "key" ? 0 : 1;
    std::stable_sort(items.begin(), items.end(), [&](const Value& x, const Value& y) {
        const Value kx = sortKey(x.seq().items[pos], caseSensitive);
        const Value ky = sortKey(y.seq().items[pos], caseSensitive);
        return reverse ? lessThan(ky, kx) : lessThan(kx, ky);
    });
    return Value::list(std::move(items));
}

Value fEscape(const Value& v, const CallArgs& a, Runtime& rt) {
    bindArgs(a, "escape", {});
    if (v.isString() && v.markup()) {
        return v;
    }
    return makeString(htmlEscape(toStr(v)), true, rt);
}

Value fFirst(const Value& v, const CallArgs& a, Runtime&) {
    bindArgs(a, "first", {});
    if (v.type() == Value::Type::Iterator) {
        Iterator& it = v.iter();
        it.raiseDeferred();
        if (it.next < it.items.size()) {
            return it.items[it.next++];
        }
        return Value::undefined("No first item, sequence was empty.");
    }
    const std::vector<Value> items = iterate(v);
    if (items.empty()) {
        return Value::undefined("No first item, sequence was empty.");
    }
    return items.front();
}

/// Python's float(str): surrounding whitespace, underscores between digits, inf/nan.
std::optional<double> parseFloat(const std::string& text) {
    std::string s = py::strip(text, std::nullopt, true, true);
    std::string clean;
    for (size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '_') {
            if (i == 0 || i + 1 == s.size() ||
                !std::isdigit(static_cast<unsigned char>(s[i - 1])) ||
                !std::isdigit(static_cast<unsigned char>(s[i + 1]))) {
                return std::nullopt;
            }
            continue;
        }
        clean.push_back(s[i]);
    }
    if (clean.empty() || clean.find_first_of("xXpP") != std::string::npos) {
        return std::nullopt;
    }
    const std::string lower = py::lower(clean);
    const std::string body = (lower[0] == '+' || lower[0] == '-') ? lower.substr(1) : lower;
    if (body == "inf" || body == "infinity" || body == "nan") {
        const double d = body == "nan" ? NAN : INFINITY;
        return lower[0] == '-' ? -d : d;
    }
    char* end = nullptr;
    errno = 0;
    const double d = std::strtod(clean.c_str(), &end);
    if (end != clean.c_str() + clean.size()) {
        return std::nullopt;
    }
    return d;
}

/// Python's int(str, base): whitespace, sign, underscores, 0x/0o/0b prefixes for their base.
std::optional<int64_t> parseInt(const std::string& text, int base) {
    std::string s = py::strip(text, std::nullopt, true, true);
    bool negative = false;
    if (!s.empty() && (s[0] == '+' || s[0] == '-')) {
        negative = s[0] == '-';
        s.erase(0, 1);
    }
    if (s.size() > 1 && s[0] == '0') {
        const char k = static_cast<char>(s[1] | 0x20);
        const int prefixBase = k == 'x' ? 16 : (k == 'o' ? 8 : (k == 'b' ? 2 : 0));
        if (prefixBase && (base == prefixBase || base == 0)) {
            base = prefixBase;
            s.erase(0, 2);
            if (!s.empty() && s[0] == '_') {
                s.erase(0, 1);
            }
        }
    }
    if (base == 0) {
        base = 10;
    }
    std::string clean;
    for (size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '_') {
            if (i == 0 || i + 1 == s.size() || s[i + 1] == '_') {
                return std::nullopt;
            }
            continue;
        }
        clean.push_back(s[i]);
    }
    if (clean.empty()) {
        return std::nullopt;
    }
    char* end = nullptr;
    errno = 0;
    const long long v = std::strtoll(clean.c_str(), &end, base);
    if (end != clean.c_str() + clean.size() || errno == ERANGE || clean[0] == '-' ||
        clean[0] == '+' || std::isspace(static_cast<unsigned char>(clean[0]))) {
        return std::nullopt;
    }
    return negative ? -v : v;
}

Value fFloat(const Value& v, const CallArgs& a, Runtime&) {
    const auto p = bindArgs(a, "float", {"default"});
    const Value dflt = p[0] ? *p[0] : Value::number(0.0);
    if (v.isUndefined()) {
        failUndefined(v); // float(Undefined) raises, and do_float does not catch it
    }
    if (v.isNumber()) {
        return Value::number(v.asDouble());
    }
    if (v.isString()) {
        if (const auto d = parseFloat(v.str())) {
            return Value::number(*d);
        }
    }
    return dflt;
}

Value fInt(const Value& v, const CallArgs& a, Runtime&) {
    const auto p = bindArgs(a, "int", {"default", "base"});
    const Value dflt = p[0] ? *p[0] : Value::integer(0);
    const int64_t base = intArg(p[1], 10, "int base");
    if (v.isUndefined()) {
        failUndefined(v);
    }
    if (v.isIntegral()) {
        return Value::integer(v.asInt());
    }
    if (v.type() == Value::Type::Float) {
        const double d = v.asDouble();
        if (std::isnan(d) || std::isinf(d) || std::fabs(d) >= 9.2e18) {
            return dflt;
        }
        return Value::integer(static_cast<int64_t>(d));
    }
    if (v.isString()) {
        if (const auto i = parseInt(v.str(), static_cast<int>(base))) {
            return Value::integer(*i);
        }
        if (const auto d = parseFloat(v.str())) {
            if (!std::isnan(*d) && !std::isinf(*d) && std::fabs(*d) < 9.2e18) {
                return Value::integer(static_cast<int64_t>(*d));
            }
        }
    }
    return dflt;
}

Value fIndent(const Value& v, const CallArgs& a, Runtime& rt) {
    const auto p = bindArgs(a, "indent", {"width", "first", "blank"});
    std::string indention;
    if (p[0] && p[0]->isString()) {
        indention = p[0]->str();
    } else {
        indention = std::string(
            static_cast<size_t>(std::max<int64_t>(intArg(p[0], 4, "indent width"), 0)), ' ');
    }
    const bool first = boolArg(p[1], false);
    const bool blank = boolArg(p[2], false);
    if (!v.isString()) {
        if (v.isUndefined()) {
            failUndefined(v);
        }
        // do_indent does `s += "\n"` on the value itself.
        throw RenderError("indent expects a string, got " + typeName(v));
    }
    const Value& s = v;
    const std::string text = s.str() + "\n"; // Jinja appends one, for splitlines
    const std::vector<std::string> lines = py::splitlines(text, false);
    std::string rv;
    if (blank) {
        for (size_t i = 0; i < lines.size(); ++i) {
            if (i) {
                rv += "\n" + indention;
            }
            rv += lines[i];
        }
    } else {
        rv = lines.empty() ? "" : lines[0];
        for (size_t i = 1; i < lines.size(); ++i) {
            rv += "\n";
            if (!lines[i].empty()) {
                rv += indention;
            }
            rv += lines[i];
        }
    }
    if (first) {
        rv = indention + rv;
    }
    return makeString(std::move(rv), s.markup(), rt);
}

Value fItems(const Value& v, const CallArgs& a, Runtime&) {
    bindArgs(a, "items", {});
    if (v.isUndefined()) {
        return Value::iterator({});
    }
    if (v.type() != Value::Type::Dict) {
        return Value::failingIterator("Can only get item pairs from a mapping.");
    }
    std::vector<Value> items;
    for (const auto& [k, val] : v.dict().entries) {
        items.push_back(Value::list({Value::string(k), val}, SeqKind::Tuple));
    }
    return Value::iterator(std::move(items));
}

Value fJoin(const Value& v, const CallArgs& a, Runtime& rt) {
    const auto p = bindArgs(a, "join", {"d", "attribute"});
    const std::string sep = p[0] ? toStr(*p[0]) : "";
    std::string out;
    bool firstItem = true;
    for (const Value& item : mapAttribute(iterate(v), p[1])) {
        if (!firstItem) {
            out += sep;
        }
        firstItem = false;
        out += toStr(item);
        checkSize(out.size(), rt);
    }
    return Value::string(std::move(out)); // autoescape off: a plain str
}

Value fLast(const Value& v, const CallArgs& a, Runtime&) {
    bindArgs(a, "last", {});
    if (v.type() == Value::Type::Iterator) {
        throw RenderError("'" + v.iter().typeName + "' object is not reversible");
    }
    const std::vector<Value> items = iterate(v);
    if (items.empty()) {
        return Value::undefined("No last item, sequence was empty.");
    }
    return items.back();
}

Value fList(const Value& v, const CallArgs& a, Runtime&) {
    bindArgs(a, "list", {});
    return Value::list(iterate(v));
}

Value fLower(const Value& v, const CallArgs& a, Runtime& rt) {
    bindArgs(a, "lower", {});
    const Value s = softStr(v);
    return makeString(py::lower(s.str()), s.markup(), rt);
}

Value fUpper(const Value& v, const CallArgs& a, Runtime& rt) {
    bindArgs(a, "upper", {});
    const Value s = softStr(v);
    return makeString(py::upper(s.str()), s.markup(), rt);
}

Value fMap(const Value& v, const CallArgs& a, Runtime& rt) {
    if (!truthy(v)) {
        return Value::iterator({}); // `if value:` guards the generator's body
    }
    return generator([&] {
        std::vector<Value> out;
        const std::vector<Value> items = iterate(v);
        if (a.positional.empty()) {
            const Value* attribute = nullptr;
            Value dflt = Value::none();
            for (const auto& [k, val] : a.keywords) {
                if (k == "attribute") {
                    attribute = &val;
                } else if (k == "default") {
                    dflt = val;
                } else {
                    throw RenderError("map: unexpected keyword argument '" + k + "'");
                }
            }
            if (!attribute) {
                throw RenderError("map requires a filter argument");
            }
            for (const Value& item : items) {
                Value r = attributeOf(item, *attribute);
                if (r.isUndefined() && !dflt.isNone()) {
                    r = dflt;
                }
                out.push_back(std::move(r));
            }
            return Value::iterator(std::move(out));
        }
        const std::string name = toStr(a.positional[0]);
        if (!hasFilter(name)) {
            throw RenderError("the Jinja filter '" + name + "' is not supported");
        }
        CallArgs rest;
        rest.positional.assign(a.positional.begin() + 1, a.positional.end());
        rest.keywords = a.keywords;
        for (const Value& item : items) {
            out.push_back(applyFilter(name, item, rest, rt));
        }
        return Value::iterator(std::move(out));
    });
}

Value aggregate(const Value& v, const CallArgs& a, Runtime&, bool wantMax) {
    const auto p = bindArgs(a, wantMax ? "max" : "min", {"case_sensitive", "attribute"});
    const bool caseSensitive = boolArg(p[0], false);
    const std::vector<Value> items = iterate(v);
    if (items.empty()) {
        return Value::undefined("No aggregated item, sequence was empty.");
    }
    const std::vector<Value> keys = mapAttribute(items, p[1]);
    size_t best = 0;
    for (size_t i = 1; i < items.size(); ++i) {
        const Value ki = sortKey(keys[i], caseSensitive);
        const Value kb = sortKey(keys[best], caseSensitive);
        if (wantMax ? lessThan(kb, ki) : lessThan(ki, kb)) {
            best = i;
        }
    }
    return items[best];
}

Value fMax(const Value& v, const CallArgs& a, Runtime& rt) {
    return aggregate(v, a, rt, true);
}
Value fMin(const Value& v, const CallArgs& a, Runtime& rt) {
    return aggregate(v, a, rt, false);
}

/// select/reject/selectattr/rejectattr: keep items whose test (or truthiness) is `keep`.
Value selectItems(const Value& v, const CallArgs& a, Runtime& rt, bool byAttribute, bool keep) {
    if (!truthy(v)) {
        return Value::iterator({}); // `if value:` guards the generator's body
    }
    return generator([&] {
        size_t next = 0;
        std::optional<Value> attribute;
        if (byAttribute) {
            if (a.positional.empty()) {
                throw RenderError("Missing parameter for attribute name");
            }
            attribute = a.positional[next++];
        }
        std::string test;
        CallArgs testArgs;
        if (a.positional.size() > next) {
            test = toStr(a.positional[next++]);
            if (!hasTest(test)) {
                throw RenderError("the Jinja test '" + test + "' is not supported");
            }
            testArgs.positional.assign(a.positional.begin() + static_cast<std::ptrdiff_t>(next),
                                       a.positional.end());
            testArgs.keywords = a.keywords;
        }
        std::vector<Value> out;
        for (const Value& item : iterate(v)) {
            const Value subject = attribute ? attributeOf(item, *attribute) : item;
            const bool pass =
                test.empty() ? truthy(subject) : applyTest(test, subject, testArgs, rt);
            if (pass == keep) {
                out.push_back(item);
            }
        }
        return Value::iterator(std::move(out));
    });
}

Value fSelect(const Value& v, const CallArgs& a, Runtime& rt) {
    return selectItems(v, a, rt, false, true);
}
Value fReject(const Value& v, const CallArgs& a, Runtime& rt) {
    return selectItems(v, a, rt, false, false);
}
Value fSelectattr(const Value& v, const CallArgs& a, Runtime& rt) {
    return selectItems(v, a, rt, true, true);
}
Value fRejectattr(const Value& v, const CallArgs& a, Runtime& rt) {
    return selectItems(v, a, rt, true, false);
}

Value fReplace(const Value& v, const CallArgs& a, Runtime& rt) {
    const auto p = bindArgs(a, "replace", {"old", "new", "count"});
    if (!p[0] || !p[1]) {
        throw RenderError("replace() needs the old and the new text");
    }
    const int64_t count = intArg(p[2], -1, "replace count");
    const std::string oldText = toStr(*p[0]);
    const std::string newText = toStr(*p[1]);
    const std::string s = toStr(v);
    if (!oldText.empty() && newText.size() > oldText.size()) {
        checkSize(s.size() + (newText.size() - oldText.size()) *
                                 static_cast<size_t>(py::count(s, oldText)),
                  rt);
    }
    return makeString(py::replace(s, oldText, newText, count), false, rt);
}

Value fReverse(const Value& v, const CallArgs& a, Runtime&) {
    bindArgs(a, "reverse", {});
    if (v.isString()) {
        return Value::string(py::slice(v.str(), std::nullopt, std::nullopt, -1), v.markup());
    }
    std::vector<Value> items = iterate(v);
    std::reverse(items.begin(), items.end());
    if (v.type() == Value::Type::Iterator) {
        return Value::list(std::move(items)); // reversed(generator) fails; Jinja makes a list
    }
    return Value::iterator(std::move(items),
                           typeName(v) == "list" ? "list_reverseiterator" : "reversed");
}

Value fRound(const Value& v, const CallArgs& a, Runtime&) {
    const auto p = bindArgs(a, "round", {"precision", "method"});
    const int64_t precision = intArg(p[0], 0, "round precision");
    const std::string method = p[1] ? toStr(*p[1]) : "common";
    if (method != "common" && method != "ceil" && method != "floor") {
        throw RenderError("method must be 'common', 'ceil' or 'floor'");
    }
    if (!v.isNumber()) {
        if (v.isUndefined()) {
            failUndefined(v);
        }
        throw RenderError("type " + typeName(v) + " doesn't define __round__ method");
    }
    if (method == "common") {
        if (v.isIntegral()) {
            if (precision >= 0) {
                return Value::integer(v.asInt()); // round(int, n) is that int
            }
            throw RenderError("round() of an integer to negative digits is not supported");
        }
        const double d = v.asDouble();
        if (std::isnan(d) || std::isinf(d)) {
            return Value::number(d);
        }
        if (precision < 0 || precision > 300) {
            throw RenderError("round() precision out of the supported range");
        }
        // printf rounds the exact binary value half-to-even, as CPython's round does.
        char buf[512];
        std::snprintf(buf, sizeof buf, "%.*f", static_cast<int>(precision), d);
        return Value::number(std::strtod(buf, nullptr));
    }
    const double scale = std::pow(10.0, static_cast<double>(precision));
    const double x = v.asDouble() * scale;
    return Value::number((method == "ceil" ? std::ceil(x) : std::floor(x)) / scale);
}

Value fSafe(const Value& v, const CallArgs& a, Runtime&) {
    bindArgs(a, "safe", {});
    return Value::string(toStr(v), true);
}

Value fSort(const Value& v, const CallArgs& a, Runtime&) {
    const auto p = bindArgs(a, "sort", {"reverse", "case_sensitive", "attribute"});
    const bool reverse = boolArg(p[0], false);
    const bool caseSensitive = boolArg(p[1], false);
    std::vector<Value> items = iterate(v);
    const std::vector<Value> keys = mapAttribute(items, p[2]);
    std::vector<size_t> order(items.size());
    for (size_t i = 0; i < order.size(); ++i) {
        order[i] = i;
    }
    std::stable_sort(order.begin(), order.end(), [&](size_t x, size_t y) {
        const Value kx = sortKey(keys[x], caseSensitive);
        const Value ky = sortKey(keys[y], caseSensitive);
        return reverse ? lessThan(ky, kx) : lessThan(kx, ky);
    });
    std::vector<Value> out;
    out.reserve(items.size());
    for (size_t i : order) {
        out.push_back(items[i]);
    }
    return Value::list(std::move(out));
}

Value fString(const Value& v, const CallArgs& a, Runtime&) {
    bindArgs(a, "string", {});
    return softStr(v);
}

Value fSum(const Value& v, const CallArgs& a, Runtime& rt) {
    const auto p = bindArgs(a, "sum", {"attribute", "start"});
    Value total = p[1] ? *p[1] : Value::integer(0);
    for (const Value& item : mapAttribute(iterate(v), p[0])) {
        total = binaryOp("+", total, item, rt);
    }
    return total;
}

/// Jinja's title filter is not str.title: it uppercases the first character after
/// whitespace, '-', '(', '{', '[' or '<' and lowercases the rest.
Value fTitle(const Value& v, const CallArgs& a, Runtime& rt) {
    bindArgs(a, "title", {});
    const std::u32string u = py::decode(toStr(v));
    std::string out;
    size_t i = 0;
    auto isSep = [](char32_t c) {
        return py::isSpace(c) || c == U'-' || c == U'(' || c == U'{' || c == U'[' || c == U'<';
    };
    while (i < u.size()) {
        size_t j = i;
        const bool sep = isSep(u[i]);
        while (j < u.size() && isSep(u[j]) == sep) {
            ++j;
        }
        const std::u32string_view piece(u.data() + i, j - i);
        if (sep) {
            out += py::encode(piece);
        } else {
            out +=
                py::upper(py::encode(piece.substr(0, 1))) + py::lower(py::encode(piece.substr(1)));
        }
        i = j;
    }
    return makeString(std::move(out), false, rt);
}

/// transformers' tojson: json.dumps(x, ensure_ascii=False, indent, separators, sort_keys).
Value fTojson(const Value& v, const CallArgs& a, Runtime& rt) {
    const auto p = bindArgs(a, "tojson", {"ensure_ascii", "indent", "separators", "sort_keys"});
    JsonStyle style;
    style.ensureAscii = boolArg(p[0], false);
    if (p[1] && !p[1]->isNone()) {
        if (p[1]->isString()) {
            style.indent = p[1]->str();
        } else if (p[1]->isIntegral()) {
            style.indent =
                std::string(static_cast<size_t>(std::max<int64_t>(p[1]->asInt(), 0)), ' ');
        } else {
            throw RenderError("tojson indent must be an integer or a string");
        }
        style.itemSeparator = ","; // json.dumps' default when indent is given
    }
    if (p[2] && !p[2]->isNone()) {
        const std::vector<Value> seps = iterate(*p[2]);
        if (seps.size() != 2 || !seps[0].isString() || !seps[1].isString()) {
            throw RenderError("tojson separators must be a pair of strings");
        }
        style.itemSeparator = seps[0].str();
        style.keySeparator = seps[1].str();
    }
    style.sortKeys = boolArg(p[3], false);
    return makeString(toJson(v, style), false, rt);
}

Value fTrim(const Value& v, const CallArgs& a, Runtime& rt) {
    const auto p = bindArgs(a, "trim", {"chars"});
    const Value s = softStr(v);
    return makeString(py::strip(s.str(), strArg(p[0]), true, true), s.markup(), rt);
}

Value fUnique(const Value& v, const CallArgs& a, Runtime&) {
    const auto p = bindArgs(a, "unique", {"case_sensitive", "attribute"});
    const bool caseSensitive = boolArg(p[0], false);
    return generator([&] {
        const std::vector<Value> items = iterate(v);
        const std::vector<Value> keys = mapAttribute(items, p[1]);
        std::vector<Value> seenKeys, out;
        for (size_t i = 0; i < items.size(); ++i) {
            const Value k = sortKey(keys[i], caseSensitive);
            if (std::none_of(seenKeys.begin(), seenKeys.end(),
                             [&](const Value& s) { return equals(s, k); })) {
                seenKeys.push_back(k);
                out.push_back(items[i]);
            }
        }
        return Value::iterator(std::move(out));
    });
}

Value fFormat(const Value& v, const CallArgs& a, Runtime& rt) {
    if (!a.positional.empty() && !a.keywords.empty()) {
        throw RenderError("can't handle positional and keyword arguments at the same time");
    }
    if (v.isString() && v.markup()) {
        throw RenderError("format on a Markup string is not supported");
    }
    Value args;
    if (!a.keywords.empty()) {
        Dict d;
        for (const auto& [k, val] : a.keywords) {
            d.set(k, val);
        }
        args = Value::dict(std::move(d));
    } else {
        args = Value::list(a.positional, SeqKind::Tuple);
    }
    return makeString(percentFormat(toStr(v), args, rt), false, rt);
}

const std::map<std::string, FilterFn, std::less<>>& filters() {
    static const std::map<std::string, FilterFn, std::less<>> table = {
        {"abs", fAbs},
        {"attr", fAttr},
        {"batch", fBatch},
        {"capitalize", fCapitalize},
        {"center", fCenter},
        {"count", fLength},
        {"d", fDefault},
        {"default", fDefault},
        {"dictsort", fDictsort},
        {"e", fEscape},
        {"escape", fEscape},
        {"first", fFirst},
        {"float", fFloat},
        {"format", fFormat},
        {"indent", fIndent},
        {"int", fInt},
        {"items", fItems},
        {"join", fJoin},
        {"last", fLast},
        {"length", fLength},
        {"list", fList},
        {"lower", fLower},
        {"map", fMap},
        {"max", fMax},
        {"min", fMin},
        {"reject", fReject},
        {"rejectattr", fRejectattr},
        {"replace", fReplace},
        {"reverse", fReverse},
        {"round", fRound},
        {"safe", fSafe},
        {"select", fSelect},
        {"selectattr", fSelectattr},
        {"sort", fSort},
        {"string", fString},
        {"sum", fSum},
        {"title", fTitle},
        {"tojson", fTojson},
        {"trim", fTrim},
        {"unique", fUnique},
        {"upper", fUpper},
    };
    return table;
}

} // namespace

void checkSize(size_t bytes, const Runtime& rt) {
    if (bytes > rt.maxStringBytes) {
        throw RenderError("the rendering would exceed the output limit of " +
                          std::to_string(rt.maxStringBytes) + " bytes");
    }
}

bool hasFilter(std::string_view name) {
    return filters().count(name) > 0;
}

Value applyFilter(const std::string& name, const Value& input, const CallArgs& args, Runtime& rt) {
    const auto it = filters().find(name);
    if (it == filters().end()) {
        throw RenderError("the Jinja filter '" + name + "' is not supported");
    }
    return it->second(input, args, rt);
}

} // namespace cl::jinja
