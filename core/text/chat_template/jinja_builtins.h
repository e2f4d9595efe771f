#pragma once
// The filters, tests, methods and global functions a template may call, with Python's and
// Jinja2's semantics (filters.py, tests.py, str methods, transformers' tojson/strftime_now).
// The parser asks has*() so that anything else is refused at load time.

#include "core/text/chat_template/jinja_value.h"

#include <cstddef>
#include <ctime>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace cl::jinja {

/// What builtins need from the render: the string size bound and the clock.
struct Runtime {
    size_t maxStringBytes = 16u << 20;
    std::function<std::tm()> localTime; ///< strftime_now's clock; empty = the real local time
    /// Every namespace() made, so the render can break the reference cycles a namespace
    /// holding itself (or a loop that holds it) forms.
    std::vector<std::weak_ptr<Namespace>> namespaces;
};

bool hasFilter(std::string_view name);
bool hasTest(std::string_view name);
bool hasMethod(std::string_view name); ///< a method name we implement on some type
bool hasGlobal(std::string_view name); ///< range, namespace, dict, raise_exception, ...

/// Throws RenderError when a computed string passes the size bound.
void checkSize(size_t bytes, const Runtime& rt);

Value applyFilter(const std::string& name, const Value& input, const CallArgs& args, Runtime& rt);
bool applyTest(const std::string& name, const Value& input, const CallArgs& args, Runtime& rt);
/// receiver.name(args) for str, dict, list and loop methods.
Value callMethod(const Value& receiver, const std::string& name, const CallArgs& args, Runtime& rt);
/// A global function; raise_exception throws RaisedError.
Value callGlobal(const std::string& name, const CallArgs& args, Runtime& rt);

/// Python's binary operators + - * / // % ** on two values (str % args is percentFormat).
Value binaryOp(std::string_view op, const Value& a, const Value& b, const Runtime& rt);
/// -v and +v.
Value unaryOp(std::string_view op, const Value& v);

/// Python's printf-style `format % args` (the % operator on strings and the format filter).
std::string percentFormat(const std::string& format, const Value& args, const Runtime& rt);
/// Python's str.format(*args, **kwargs).
std::string braceFormat(const std::string& format, const CallArgs& args, const Runtime& rt);

} // namespace cl::jinja
