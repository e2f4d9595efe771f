// Methods templates call on values (message.content.strip(), message.get('x'), loop.cycle())
// and the global functions of transformers' environment (range, namespace, dict,
// raise_exception, strftime_now). Mutating methods (list.append, dict.update) are absent on
// purpose: HF's ImmutableSandboxedEnvironment refuses them too.

#include "core/text/chat_template/jinja_builtins.h"

#include "core/text/chat_template/jinja_error.h"
#include "core/text/chat_template/py_text.h"

#include <chrono>
#include <cstdio>
#include <set>

namespace cl::jinja {

namespace {

constexpr int64_t kMaxRange = 100000; // Jinja's sandbox MAX_RANGE

const std::set<std::string, std::less<>> kStrMethods = {
    "capitalize", "center",       "count",        "endswith",  "find",    "format",
    "index",      "isalnum",      "isalpha",      "isdecimal", "isdigit", "islower",
    "isspace",    "isupper",      "join",         "ljust",     "lower",   "lstrip",
    "partition",  "removeprefix", "removesuffix", "replace",   "rfind",   "rindex",
    "rjust",      "rpartition",   "rsplit",       "rstrip",    "split",   "splitlines",
    "startswith", "strip",        "swapcase",     "title",     "upper",   "zfill"};
const std::set<std::string, std::less<>> kDictMethods = {"get", "items", "keys", "values"};
const std::set<std::string, std::less<>> kSeqMethods = {"count", "index"};
const std::set<std::string, std::less<>> kLoopMethods = {"cycle", "changed"};
const std::set<std::string, std::less<>> kGlobals = {"range", "namespace", "dict",
                                                     "raise_exception", "strftime_now"};

std::optional<std::string> optStr(const std::optional<Value>& v, const char* what) {
    if (!v || v->isNone()) {
        return std::nullopt;
    }
    if (!v->isString()) {
        throw RenderError(std::string(what) + " arg must be None or str");
    }
    return v->str();
}

std::string needStr(const std::optional<Value>& v, const char* what) {
    if (!v || !v->isString()) {
        throw RenderError(std::string(what) + " needs a str argument");
    }
    return v->str();
}

int64_t optInt(const std::optional<Value>& v, int64_t dflt) {
    if (!v) {
        return dflt;
    }
    if (!v->isIntegral()) {
        throw RenderError("'" + typeName(*v) + "' object cannot be interpreted as an integer");
    }
    return v->asInt();
}

char32_t fillChar(const std::optional<Value>& v) {
    if (!v) {
        return U' ';
    }
    const std::u32string u = v->isString() ? py::decode(v->str()) : std::u32string();
    if (u.size() != 1) {
        throw RenderError("The fill character must be exactly one character long");
    }
    return u[0];
}

Value strList(const std::vector<std::string>& parts, bool markup) {
    std::vector<Value> out;
    out.reserve(parts.size());
    for (const auto& p : parts) {
        out.push_back(Value::string(p, markup));
    }
    return Value::list(std::move(out));
}

/// startswith/endswith accept a str or a tuple of str.
bool affixMatch(const std::string& s, const Value& affix, bool atStart) {
    auto one = [&](const Value& a) {
        if (!a.isString()) {
            throw RenderError(std::string(atStart ? "startswith" : "endswith") +
                              " first arg must be str or a tuple of str, not " + typeName(a));
        }
        const std::string& t = a.str();
        return t.size() <= s.size() && (atStart ? s.compare(0, t.size(), t) == 0
                                                : s.compare(s.size() - t.size(), t.size(), t) == 0);
    };
    if (affix.type() == Value::Type::Sequence && affix.seq().kind == SeqKind::Tuple) {
        for (const Value& a : affix.seq().items) {
            if (one(a)) {
                return true;
            }
        }
        return false;
    }
    return one(affix);
}

Value strMethod(const Value& self, const std::string& name, const CallArgs& a, Runtime& rt) {
    const std::string& s = self.str();
    const bool markup = self.markup();
    auto str = [&](std::string text) {
        checkSize(text.size(), rt);
        return Value::string(std::move(text), markup);
    };
    if (name == "strip" || name == "lstrip" || name == "rstrip") {
        const auto p = bindArgs(a, name, {"chars"});
        return str(py::strip(s, optStr(p[0], name.c_str()), name != "rstrip", name != "lstrip"));
    }
    if (name == "split" || name == "rsplit") {
        const auto p = bindArgs(a, name, {"sep", "maxsplit"});
        const auto sep = optStr(p[0], name.c_str());
        if (sep && sep->empty()) {
            throw RenderError("empty separator");
        }
        const int64_t maxsplit = optInt(p[1], -1);
        return strList(name == "split" ? py::split(s, sep, maxsplit) : py::rsplit(s, sep, maxsplit),
                       markup);
    }
    if (name == "splitlines") {
        const auto p = bindArgs(a, name, {"keepends"});
        return strList(py::splitlines(s, p[0] && truthy(*p[0])), markup);
    }
    if (name == "startswith" || name == "endswith") {
        const auto p = bindArgs(a, name, {"prefix"});
        if (!p[0]) {
            throw RenderError(name + "() takes at least 1 argument (0 given)");
        }
        return Value::boolean(affixMatch(s, *p[0], name == "startswith"));
    }
    if (name == "upper" || name == "lower" || name == "title" || name == "capitalize" ||
        name == "swapcase") {
        bindArgs(a, name, {});
        if (name == "upper") {
            return str(py::upper(s));
        }
        if (name == "lower") {
            return str(py::lower(s));
        }
        if (name == "title") {
            return str(py::title(s));
        }
        return str(name == "capitalize" ? py::capitalize(s) : py::swapcase(s));
    }
    if (name == "replace") {
        const auto p = bindArgs(a, name, {"old", "new", "count"});
        const std::string oldText = needStr(p[0], "replace");
        const std::string newText = needStr(p[1], "replace");
        if (newText.size() > oldText.size()) {
            checkSize(s.size() + (newText.size() - oldText.size()) *
                                     static_cast<size_t>(py::count(s, oldText)),
                      rt);
        }
        return str(py::replace(s, oldText, newText, optInt(p[2], -1)));
    }
    if (name == "format") {
        if (markup) {
            throw RenderError("format on a Markup string is not supported");
        }
        return str(braceFormat(s, a, rt));
    }
    if (name == "find" || name == "rfind" || name == "index" || name == "rindex") {
        const auto p = bindArgs(a, name, {"sub"});
        const int64_t at = py::find(s, needStr(p[0], name.c_str()), name[0] == 'r');
        if (at < 0 && (name == "index" || name == "rindex")) {
            throw RenderError("substring not found");
        }
        return Value::integer(at);
    }
    if (name == "count") {
        const auto p = bindArgs(a, name, {"sub"});
        return Value::integer(py::count(s, needStr(p[0], "count")));
    }
    if (name == "join") {
        const auto p = bindArgs(a, name, {"iterable"});
        if (!p[0]) {
            throw RenderError("join() takes exactly one argument (0 given)");
        }
        std::string out;
        bool first = true;
        for (const Value& item : iterate(*p[0])) {
            if (!item.isString()) {
                throw RenderError("sequence item: expected str instance, " + typeName(item) +
                                  " found");
            }
            if (!first) {
                out += s;
            }
            first = false;
            out += markup && !item.markup() ? htmlEscape(item.str()) : item.str();
            checkSize(out.size(), rt);
        }
        return str(std::move(out));
    }
    if (name == "isalnum" || name == "isalpha" || name == "isdecimal" || name == "isdigit" ||
        name == "islower" || name == "isspace" || name == "isupper") {
        bindArgs(a, name, {});
        if (name == "isalnum") {
            return Value::boolean(py::isAlnum(s));
        }
        if (name == "isalpha") {
            return Value::boolean(py::isAlpha(s));
        }
        if (name == "isdecimal") {
            return Value::boolean(py::isDecimal(s));
        }
        if (name == "isdigit") {
            return Value::boolean(py::isDigit(s));
        }
        if (name == "islower") {
            return Value::boolean(py::isLower(s));
        }
        if (name == "isspace") {
            return Value::boolean(py::isSpaceStr(s));
        }
        return Value::boolean(py::isUpper(s));
    }
    if (name == "removeprefix" || name == "removesuffix") {
        const auto p = bindArgs(a, name, {"affix"});
        const std::string affix = needStr(p[0], name.c_str());
        if (affixMatch(s, Value::string(affix), name == "removeprefix")) {
            return str(name == "removeprefix" ? s.substr(affix.size())
                                              : s.substr(0, s.size() - affix.size()));
        }
        return self;
    }
    if (name == "center" || name == "ljust" || name == "rjust") {
        const auto p = bindArgs(a, name, {"width", "fillchar"});
        const int64_t width = optInt(p[0], 0);
        checkSize(static_cast<size_t>(std::max<int64_t>(width, 0)) * 4, rt);
        const char32_t fill = fillChar(p[1]);
        return str(name == "center"
                       ? py::center(s, width, fill)
                       : (name == "ljust" ? py::ljust(s, width, fill) : py::rjust(s, width, fill)));
    }
    if (name == "zfill") {
        const auto p = bindArgs(a, name, {"width"});
        const int64_t width = optInt(p[0], 0);
        checkSize(static_cast<size_t>(std::max<int64_t>(width, 0)), rt);
        const int64_t len = py::length(s);
        if (width <= len) {
            return self;
        }
        std::string out = s;
        const size_t at = (!s.empty() && (s[0] == '+' || s[0] == '-')) ? 1 : 0;
        out.insert(at, static_cast<size_t>(width - len), '0');
        return str(std::move(out));
    }
    if (name == "partition" || name == "rpartition") {
        const auto p = bindArgs(a, name, {"sep"});
        const std::string sep = needStr(p[0], name.c_str());
        if (sep.empty()) {
            throw RenderError("empty separator");
        }
        const size_t at = name == "partition" ? s.find(sep) : s.rfind(sep);
        std::vector<Value> parts;
        if (at == std::string::npos) {
            parts = name == "partition" ? std::vector<Value>{self, Value::string("", markup),
                                                             Value::string("", markup)}
                                        : std::vector<Value>{Value::string("", markup),
                                                             Value::string("", markup), self};
        } else {
            parts = {Value::string(s.substr(0, at), markup), Value::string(sep, markup),
                     Value::string(s.substr(at + sep.size()), markup)};
        }
        return Value::list(std::move(parts), SeqKind::Tuple);
    }
    throw RenderError("the method str." + name + "() is not supported");
}

Value dictMethod(const Value& self, const std::string& name, const CallArgs& a) {
    const Dict& d = self.dict();
    if (name == "get") {
        const auto p = bindArgs(a, "get", {"key", "default"});
        if (!p[0]) {
            throw RenderError("get expected at least 1 argument, got 0");
        }
        if (p[0]->isString()) {
            if (const Value* v = d.find(p[0]->str())) {
                return *v;
            }
        }
        return p[1] ? *p[1] : Value::none();
    }
    bindArgs(a, name, {});
    std::vector<Value> items;
    for (const auto& [k, v] : d.entries) {
        if (name == "keys") {
            items.push_back(Value::string(k));
        } else if (name == "values") {
            items.push_back(v);
        } else {
            items.push_back(Value::list({Value::string(k), v}, SeqKind::Tuple));
        }
    }
    if (name == "keys") {
        return Value::list(std::move(items), SeqKind::DictKeys);
    }
    if (name == "values") {
        return Value::list(std::move(items), SeqKind::DictValues);
    }
    if (name == "items") {
        return Value::list(std::move(items), SeqKind::DictItems);
    }
    throw RenderError("the method dict." + name + "() is not supported");
}

Value seqMethod(const Value& self, const std::string& name, const CallArgs& a) {
    const auto p = bindArgs(a, name, {"value"});
    if (!p[0]) {
        throw RenderError(name + "() takes exactly one argument (0 given)");
    }
    const auto& items = self.seq().items;
    if (name == "count") {
        int64_t n = 0;
        for (const Value& x : items) {
            n += equals(x, *p[0]);
        }
        return Value::integer(n);
    }
    for (size_t i = 0; i < items.size(); ++i) {
        if (equals(items[i], *p[0])) {
            return Value::integer(static_cast<int64_t>(i));
        }
    }
    throw RenderError(toRepr(*p[0]) + " is not in list");
}

Value loopMethod(const Value& self, const std::string& name, const CallArgs& a) {
    LoopState& l = self.loop();
    if (!a.keywords.empty()) {
        throw RenderError("loop." + name + "() takes no keyword arguments");
    }
    if (name == "cycle") {
        if (a.positional.empty()) {
            throw RenderError("no items for cycling given");
        }
        return a.positional[l.index0 % a.positional.size()];
    }
    // changed(*values): true when values differ from the previous call's.
    const bool differs =
        !l.hasChanged || l.lastChanged.size() != a.positional.size() ||
        !std::equal(a.positional.begin(), a.positional.end(), l.lastChanged.begin(), equals);
    l.hasChanged = true;
    l.lastChanged = a.positional;
    return Value::boolean(differs);
}

/// dict(*args, **kwargs) as namespace() and dict() build it.
Dict buildDict(const CallArgs& a, const char* function) {
    Dict d;
    if (a.positional.size() > 1) {
        throw RenderError(std::string(function) + " expected at most 1 positional argument");
    }
    if (!a.positional.empty()) {
        const Value& src = a.positional[0];
        if (src.type() == Value::Type::Dict) {
            d = src.dict();
        } else if (src.type() == Value::Type::Namespace) {
            throw RenderError(std::string(function) + "(): a namespace is not a mapping");
        } else {
            for (const Value& pair : iterate(src)) {
                const std::vector<Value> kv = iterate(pair);
                if (kv.size() != 2) {
                    throw RenderError("dictionary update sequence element has length " +
                                      std::to_string(kv.size()) + "; 2 is required");
                }
                if (!kv[0].isString()) {
                    throw RenderError("dict keys other than strings are not supported");
                }
                d.set(kv[0].str(), kv[1]);
            }
        }
    }
    for (const auto& [k, v] : a.keywords) {
        d.set(k, v);
    }
    return d;
}

std::tm localNow(const Runtime& rt, long& microseconds) {
    if (rt.localTime) {
        microseconds = 0;
        return rt.localTime();
    }
    const auto now = std::chrono::system_clock::now();
    const std::time_t t = std::chrono::system_clock::to_time_t(now);
    microseconds = static_cast<long>(
        std::chrono::duration_cast<std::chrono::microseconds>(now.time_since_epoch()).count() %
        1000000);
    std::tm tm{};
    localtime_r(&t, &tm);
    return tm;
}

/// datetime.now().strftime(fmt): C strftime, except %f (microseconds) and %z/%Z, which are
/// empty for Python's naive datetime.
std::string strftimeNow(const std::string& fmt, const Runtime& rt) {
    long micros = 0;
    const std::tm tm = localNow(rt, micros);
    std::string out;
    for (size_t i = 0; i < fmt.size(); ++i) {
        if (fmt[i] != '%' || i + 1 >= fmt.size()) {
            out.push_back(fmt[i]);
            continue;
        }
        std::string directive = "%";
        size_t j = i + 1;
        while (j < fmt.size() &&
               std::string_view("-_0^#EO").find(fmt[j]) != std::string_view::npos) {
            directive.push_back(fmt[j++]);
        }
        if (j >= fmt.size()) {
            out += fmt.substr(i);
            break;
        }
        const char c = fmt[j];
        directive.push_back(c);
        i = j;
        if (c == 'f') {
            char buf[16];
            std::snprintf(buf, sizeof buf, "%06ld", micros);
            out += buf;
        } else if (c == 'z' || c == 'Z') {
            // naive datetime: empty
        } else {
            char buf[256];
            const size_t n = std::strftime(buf, sizeof buf, directive.c_str(), &tm);
            out.append(buf, n);
        }
        checkSize(out.size(), rt);
    }
    return out;
}

} // namespace

bool hasMethod(std::string_view name) {
    return kStrMethods.count(name) || kDictMethods.count(name) || kSeqMethods.count(name) ||
           kLoopMethods.count(name);
}

bool hasGlobal(std::string_view name) {
    return kGlobals.count(name) > 0;
}

Value callMethod(const Value& receiver, const std::string& name, const CallArgs& args,
                 Runtime& rt) {
    switch (receiver.type()) {
    case Value::Type::String:
        if (kStrMethods.count(name)) {
            if (receiver.markup()) {
                // Markup's methods escape their str arguments.
                CallArgs escaped = args;
                for (Value& v : escaped.positional) {
                    if (v.isString() && !v.markup()) {
                        v = Value::string(htmlEscape(v.str()), true);
                    }
                }
                return strMethod(receiver, name, escaped, rt);
            }
            return strMethod(receiver, name, args, rt);
        }
        break;
    case Value::Type::Dict:
        if (kDictMethods.count(name)) {
            return dictMethod(receiver, name, args);
        }
        break;
    case Value::Type::Sequence:
        if (kSeqMethods.count(name) &&
            (receiver.seq().kind == SeqKind::List || receiver.seq().kind == SeqKind::Tuple ||
             receiver.seq().kind == SeqKind::Range)) {
            return seqMethod(receiver, name, args);
        }
        break;
    case Value::Type::Loop:
        if (kLoopMethods.count(name)) {
            return loopMethod(receiver, name, args);
        }
        break;
    default:
        break;
    }
    throw RenderError("the method " + typeName(receiver) + "." + name + "() is not supported");
}

Value callGlobal(const std::string& name, const CallArgs& args, Runtime& rt) {
    if (name == "raise_exception") {
        const auto p = bindArgs(args, name, {"message"});
        throw RaisedError(p[0] ? toStr(*p[0]) : "");
    }
    if (name == "strftime_now") {
        const auto p = bindArgs(args, name, {"format"});
        if (!p[0] || !p[0]->isString()) {
            throw RenderError("strftime_now() needs a format string");
        }
        return Value::string(strftimeNow(p[0]->str(), rt));
    }
    if (name == "namespace") {
        auto ns = std::make_shared<Namespace>();
        ns->attrs = Value::dict(buildDict(args, "namespace")).dict(); // with its depth
        track(rt.namespaces, ns);
        return Value::nameSpace(std::move(ns));
    }
    if (name == "dict") {
        return Value::dict(buildDict(args, "dict"));
    }
    if (name == "range") {
        if (!args.keywords.empty()) {
            throw RenderError("range() takes no keyword arguments");
        }
        const auto& p = args.positional;
        if (p.empty() || p.size() > 3) {
            throw RenderError("range expected 1 to 3 arguments, got " + std::to_string(p.size()));
        }
        for (const Value& v : p) {
            if (!v.isIntegral()) {
                throw RenderError("'" + typeName(v) +
                                  "' object cannot be interpreted as an integer");
            }
        }
        const int64_t start = p.size() == 1 ? 0 : p[0].asInt();
        const int64_t stop = p.size() == 1 ? p[0].asInt() : p[1].asInt();
        const int64_t step = p.size() == 3 ? p[2].asInt() : 1;
        if (step == 0) {
            throw RenderError("range() arg 3 must not be zero");
        }
        const long double count = step > 0 ? (static_cast<long double>(stop) - start) / step
                                           : (static_cast<long double>(start) - stop) / -step;
        if (count > kMaxRange) {
            throw RenderError("Range too big. The sandbox blocks ranges larger than MAX_RANGE (" +
                              std::to_string(kMaxRange) + ").");
        }
        return Value::range(start, stop, step);
    }
    throw RenderError("the function '" + name + "()' is not supported");
}

} // namespace cl::jinja
