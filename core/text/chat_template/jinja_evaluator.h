#pragma once
// Runs a parsed template: scopes (a for iteration, macro call, with/set/filter block each get
// their own, `if` does not, as in Jinja2), statements, expressions, and the sandbox bounds
// (output size, macro call depth, loop iterations). Templates cannot touch files or the system:
// the only effects are the returned text and a RaisedError.

#include "core/text/chat_template/jinja_ast.h"
#include "core/text/chat_template/jinja_builtins.h"

#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>

namespace cl::jinja {

/// One level of variables. Lookups walk up to the globals.
struct Scope {
    explicit Scope(std::shared_ptr<Scope> parent = nullptr) : parent(std::move(parent)) {}
    const Value* find(const std::string& name) const;
    std::unordered_map<std::string, Value> vars;
    std::shared_ptr<Scope> parent;
};

struct RenderLimits {
    size_t maxOutputBytes = 16u << 20;   ///< also bounds every intermediate string
    int maxCallDepth = 100;              ///< nested macro calls
    uint64_t maxIterations = 10'000'000; ///< loop iterations and macro calls, all together
};

/// Renders `tmpl` with `variables` (messages, bos_token...). Throws RenderError (with the line
/// of the failing node) or RaisedError.
std::string render(const ast::Template& tmpl, const Dict& variables, const RenderLimits& limits,
                   Runtime runtime);

} // namespace cl::jinja
