#pragma once
// The values a chat template computes with. Jinja runs on Python objects, and HF's renderings
// depend on Python's behaviour of them: truthiness ("" and [] are false, a generator is true),
// str() (None prints "None", 1.0 prints "1.0", lists print their reprs), equality across int
// and float, and Jinja's Undefined (prints nothing, fails on attribute access). This file is
// that behaviour; the evaluator only combines it.

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace cl::jinja {

namespace ast {
struct Stmt;
}
struct Scope;
class Value;

/// What kind of Python sequence a Sequence stands for: they differ in str() and tojson.
enum class SeqKind : uint8_t { List, Tuple, Range, DictKeys, DictValues, DictItems };

/// A Python dict with string keys, in insertion order (json.dumps keeps that order).
struct Dict {
    std::vector<std::pair<std::string, Value>> entries;
    int depth = 1; // nesting depth of containers (bounded: see kMaxNesting)
    const Value* find(std::string_view key) const;
    void set(const std::string& key, Value value);
};

struct Sequence;
struct Iterator;
struct Namespace;
struct LoopState;
struct Callable;

class Value {
public:
    enum class Type : uint8_t {
        Undefined, ///< Jinja's Undefined; carries the message it fails with
        None,
        Bool,
        Int,
        Float,
        String, ///< UTF-8; markup() marks markupsafe.Markup (from | safe / | escape)
        Sequence,
        Dict,
        Iterator, ///< a one-shot generator (select, map, reverse, ...)
        Namespace,
        Loop,
        Callable
    };

    Value() = default; ///< undefined
    static Value undefined(std::string message);
    static Value none();
    static Value boolean(bool b);
    static Value integer(int64_t i);
    static Value number(double d);
    static Value string(std::string s, bool markup = false);
    static Value list(std::vector<Value> items, SeqKind kind = SeqKind::List);
    static Value range(int64_t start, int64_t stop, int64_t step);
    static Value dict(Dict d);
    static Value iterator(std::vector<Value> items, std::string typeName = "generator");
    /// A generator whose iteration fails with `error`.
    static Value failingIterator(std::string error);
    static Value nameSpace(std::shared_ptr<Namespace> ns);
    static Value loop(std::shared_ptr<LoopState> state);
    static Value callable(std::shared_ptr<const Callable> fn);

    Type type() const { return m_type; }
    bool isUndefined() const { return m_type == Type::Undefined; }
    bool isNone() const { return m_type == Type::None; }
    bool isString() const { return m_type == Type::String; }
    bool isInt() const { return m_type == Type::Int; }
    bool isBool() const { return m_type == Type::Bool; }
    bool isNumber() const {
        return m_type == Type::Int || m_type == Type::Float || m_type == Type::Bool;
    }
    bool isIntegral() const { return m_type == Type::Int || m_type == Type::Bool; }

    bool asBool() const { return m_bool; }
    int64_t asInt() const { return m_type == Type::Bool ? int64_t(m_bool) : m_int; }
    double asDouble() const;
    const std::string& str() const { return *m_text; }
    bool markup() const { return m_bool && m_type == Type::String; }
    const std::string& undefinedMessage() const;
    const Sequence& seq() const;
    const Dict& dict() const;
    Iterator& iter() const;
    Namespace& nameSpace() const;
    LoopState& loop() const;
    const Callable& callable() const;
    /// Identity of a reference object (for Python's `is` and == on namespaces, generators...).
    const void* identity() const { return m_obj.get(); }

private:
    Type m_type = Type::Undefined;
    bool m_bool = false; // Bool value, or the markup flag of a String
    int64_t m_int = 0;
    double m_float = 0;
    std::shared_ptr<const std::string> m_text; // String text, Undefined message
    std::shared_ptr<void> m_obj;               // Sequence, Dict, Iterator, ...
};

struct Sequence {
    SeqKind kind = SeqKind::List;
    std::vector<Value> items;
    int depth = 1;
    int64_t start = 0, stop = 0, step = 1; // Range only, for str()
};

/// A generator: iterating it consumes it, as in Python.
struct Iterator {
    std::vector<Value> items;
    size_t next = 0;
    std::string typeName;
    /// A Python generator runs its body only when iterated: an error it met while being
    /// built here is raised then, not when the filter was applied.
    std::string deferredError;
    void raiseDeferred() const;
};

/// Jinja's namespace(): the one mutable object a template can make (`set ns.attr = ...`).
struct Namespace {
    Dict attrs;
    /// ns.attr = value, keeping the nesting depth bounded (a namespace may even hold itself).
    void set(const std::string& name, Value value);
};

/// Containers may nest at most this deep: deeper values (built in a loop) would overflow the
/// stack of the recursive printers and destructors. Python stops near 1000 too.
constexpr int kMaxNesting = 1000;
/// The nesting depth of v (0 for a scalar).
int nestingDepth(const Value& v);
/// Counts one level of recursion in a printer/comparer; throws past kMaxNesting (cycles).
struct RecursionGuard {
    RecursionGuard();
    ~RecursionGuard();
    RecursionGuard(const RecursionGuard&) = delete;
    RecursionGuard& operator=(const RecursionGuard&) = delete;
};

/// The `loop` variable. Items that pass the loop's `if` filter are pulled lazily, as Jinja's
/// LoopContext does, so loop.last and loop.length evaluate the filter when they are asked.
struct LoopState {
    std::vector<Value> items;         // accepted items pulled so far
    std::function<bool(Value&)> pull; // fetches the next accepted item; false at the end
    bool exhausted = false;
    size_t index0 = 0;
    bool hasChanged = false;
    std::vector<Value> lastChanged; // arguments of the last loop.changed()
    bool ensure(size_t count);      // true when at least count items exist
    int64_t length();
};

/// Something a template can call: a global (range, namespace...), a macro, or a method bound
/// to its receiver (s.strip, d.items).
struct Callable {
    enum class Kind { Builtin, Macro, Method };
    Kind kind = Kind::Builtin;
    std::string name;
    Value receiver;                   // Method
    const ast::Stmt* macro = nullptr; // Macro
    /// Macro: the scope it was defined in. Weak, because that scope holds the macro: a strong
    /// reference would keep every loop iteration that defines a macro alive until the end.
    std::weak_ptr<Scope> closure;
};

/// Remembers `p` in a list of weak references that is pruned of dead entries as it grows
/// (the render clears what is still alive at its end, to break reference cycles).
template <class T> void track(std::vector<std::weak_ptr<T>>& list, const std::shared_ptr<T>& p) {
    if (list.size() >= 64 && (list.size() & (list.size() - 1)) == 0) {
        std::erase_if(list, [](const std::weak_ptr<T>& w) { return w.expired(); });
    }
    list.push_back(p);
}

/// Positional and keyword arguments of a call, filter or test.
struct CallArgs {
    std::vector<Value> positional;
    std::vector<std::pair<std::string, Value>> keywords;
};

/// Binds args to a Python signature (parameter names in order); throws a RenderError naming
/// `function` on an extra or unknown argument. Missing parameters are nullopt.
std::vector<std::optional<Value>> bindArgs(const CallArgs& args, std::string_view function,
                                           std::initializer_list<std::string_view> names);

// ---- Python behaviour ----------------------------------------------------------------------

/// bool(v).
bool truthy(const Value& v);
/// str(v), as {{ v }} prints it. Throws RenderError for what Python would print as an address.
std::string toStr(const Value& v);
/// repr(v) (str of a list prints its items this way).
std::string toRepr(const Value& v);
/// type(v).__name__ ("str", "dict", "NoneType", ...).
std::string typeName(const Value& v);
/// Jinja's object_type_repr, used in undefined messages ("dict object", "None").
std::string objectTypeRepr(const Value& v);
/// v1 == v2.
bool equals(const Value& a, const Value& b);
/// Sign of a - b for <, <=, >, >=; throws RenderError naming op for unorderable types.
int compare(const Value& a, const Value& b, std::string_view op);
/// list(v): the items a for loop sees. Consumes generators; throws for non-iterables.
std::vector<Value> iterate(const Value& v);
/// len(v); throws RenderError when Python's len() would.
int64_t length(const Value& v);
/// Python `needle in haystack`.
bool contains(const Value& haystack, const Value& needle);
/// Throws the UndefinedError of an undefined value.
[[noreturn]] void failUndefined(const Value& v);
/// markupsafe.escape(str(v)).
std::string htmlEscape(std::string_view text);

/// Jinja's environment.getattr / getitem under the sandbox: obj.name tries Python attributes
/// (methods) before items; obj[key] tries items before attributes; misses are Undefined.
Value getAttr(const Value& obj, const std::string& name);
Value getItem(const Value& obj, const Value& key);
/// obj[start:stop:step].
Value getSlice(const Value& obj, const std::optional<int64_t>& start,
               const std::optional<int64_t>& stop, const std::optional<int64_t>& step);

/// Python json.dumps settings, as transformers' tojson filter passes them.
struct JsonStyle {
    std::optional<std::string> indent; // nullopt: one line
    std::string itemSeparator = ", ";
    std::string keySeparator = ": ";
    bool sortKeys = false;
    bool ensureAscii = false;
};
/// json.dumps(v): throws RenderError for what is not JSON serializable (Undefined, ...).
std::string toJson(const Value& v, const JsonStyle& style);

} // namespace cl::jinja
