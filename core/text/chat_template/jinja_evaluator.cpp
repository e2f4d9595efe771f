#include "core/text/chat_template/jinja_evaluator.h"

#include "core/text/chat_template/jinja_error.h"

#include <algorithm>

namespace cl::jinja {

const Value* Scope::find(const std::string& name) const {
    for (const Scope* s = this; s; s = s->parent.get()) {
        if (const auto it = s->vars.find(name); it != s->vars.end()) {
            return &it->second;
        }
    }
    return nullptr;
}

namespace {

using ast::Expr;
using ast::ExprKind;
using ast::Stmt;
using ast::StmtKind;
using ScopePtr = std::shared_ptr<Scope>;

enum class Flow { Normal, Break, Continue };

class Evaluator {
public:
    Evaluator(const RenderLimits& limits, Runtime runtime)
        : m_limits(limits), m_rt(std::move(runtime)) {
        m_rt.maxStringBytes = limits.maxOutputBytes;
    }

    ~Evaluator() {
        // A namespace can hold itself, or a loop whose lazy filter holds the scope the
        // namespace lives in: clear what such cycles keep alive.
        if (const auto top = m_top.lock()) {
            top->vars.clear();
        }
        for (const auto& weak : m_rt.namespaces) {
            if (const auto ns = weak.lock()) {
                ns->attrs.entries.clear();
            }
        }
        for (const auto& weak : m_loops) {
            if (const auto l = weak.lock()) {
                l->pull = nullptr;
                l->items.clear();
            }
        }
    }

    std::string run(const ast::Template& tmpl, const Dict& variables) {
        auto globals = std::make_shared<Scope>();
        for (const char* name : {"range", "namespace", "dict", "raise_exception", "strftime_now"}) {
            auto fn = std::make_shared<Callable>();
            fn->kind = Callable::Kind::Builtin;
            fn->name = name;
            globals->vars[name] = Value::callable(std::move(fn));
        }
        auto top = std::make_shared<Scope>(globals);
        for (const auto& [k, v] : variables.entries) {
            top->vars[k] = v;
        }
        m_top = top;
        std::string out;
        exec(tmpl.body, top, out);
        return out;
    }

private:
    // ---- statements ------------------------------------------------------------------------

    void append(std::string& out, const std::string& text) const {
        if (out.size() + text.size() > m_limits.maxOutputBytes) {
            throw RenderError("the rendering would exceed the output limit of " +
                              std::to_string(m_limits.maxOutputBytes) + " bytes");
        }
        out += text;
    }

    void countStep() {
        if (++m_steps > m_limits.maxIterations) {
            throw RenderError("the template ran more than " +
                              std::to_string(m_limits.maxIterations) +
                              " loop iterations and macro calls");
        }
    }

    Flow exec(const ast::Body& body, const ScopePtr& scope, std::string& out) {
        for (const auto& stmt : body) {
            const Flow f = execStmt(*stmt, scope, out);
            if (f != Flow::Normal) {
                return f;
            }
        }
        return Flow::Normal;
    }

    Flow execStmt(const Stmt& s, const ScopePtr& scope, std::string& out) {
        try {
            return execStmtUnchecked(s, scope, out);
        } catch (RenderError& e) {
            if (!e.line) {
                e.line = s.line;
            }
            throw;
        }
    }

    Flow execStmtUnchecked(const Stmt& s, const ScopePtr& scope, std::string& out) {
        switch (s.kind) {
        case StmtKind::Data:
            append(out, s.text);
            return Flow::Normal;
        case StmtKind::Print:
            append(out, toStr(eval(*s.expr, scope)));
            return Flow::Normal;
        case StmtKind::If:
            for (const auto& [test, body] : s.branches) {
                if (truthy(eval(*test, scope))) {
                    return exec(body, scope, out);
                }
            }
            return exec(s.elseBody, scope, out);
        case StmtKind::For:
            return execFor(s, scope, out);
        case StmtKind::Set:
            assign(s.target, eval(*s.expr, scope), scope);
            return Flow::Normal;
        case StmtKind::SetBlock: {
            // Jinja compiles set and filter blocks inline: a break or continue inside one
            // leaves the enclosing loop's iteration, dropping what the block captured.
            std::string captured;
            if (const Flow f = exec(s.body, std::make_shared<Scope>(scope), captured);
                f != Flow::Normal) {
                return f;
            }
            Value v = Value::string(std::move(captured));
            if (s.expr) {
                v = eval(*s.expr, scope, &v);
            }
            assign(s.target, std::move(v), scope);
            return Flow::Normal;
        }
        case StmtKind::Macro: {
            auto fn = std::make_shared<Callable>();
            fn->kind = Callable::Kind::Macro;
            fn->name = s.text;
            fn->macro = &s;
            fn->closure = scope;
            scope->vars[s.text] = Value::callable(std::move(fn));
            return Flow::Normal;
        }
        case StmtKind::With: {
            auto inner = std::make_shared<Scope>(scope);
            for (size_t i = 0; i < s.params.size(); ++i) {
                inner->vars[s.params[i]] = eval(*s.values[i], scope);
            }
            return exec(s.body, inner, out);
        }
        case StmtKind::FilterBlock: {
            std::string captured;
            if (const Flow f = exec(s.body, std::make_shared<Scope>(scope), captured);
                f != Flow::Normal) {
                return f;
            }
            const Value input = Value::string(std::move(captured));
            append(out, toStr(eval(*s.expr, scope, &input)));
            return Flow::Normal;
        }
        case StmtKind::Scope:
            return exec(s.body, std::make_shared<Scope>(scope), out);
        case StmtKind::Break:
            return Flow::Break;
        case StmtKind::Continue:
            return Flow::Continue;
        }
        return Flow::Normal;
    }

    /// Binds a target in `scope` (the innermost one: set never writes to an outer scope,
    /// except through a namespace).
    void assign(const ast::Target& target, Value value, const ScopePtr& scope) {
        switch (target.kind) {
        case ast::Target::Kind::Name:
            scope->vars[target.name] = std::move(value);
            return;
        case ast::Target::Kind::Tuple: {
            const std::vector<Value> items = iterate(value);
            if (items.size() != target.names.size()) {
                throw RenderError(items.size() > target.names.size()
                                      ? "too many values to unpack (expected " +
                                            std::to_string(target.names.size()) + ")"
                                      : "not enough values to unpack (expected " +
                                            std::to_string(target.names.size()) + ", got " +
                                            std::to_string(items.size()) + ")");
            }
            for (size_t i = 0; i < items.size(); ++i) {
                scope->vars[target.names[i]] = items[i];
            }
            return;
        }
        case ast::Target::Kind::NamespaceAttr: {
            const Value* ns = scope->find(target.name);
            if (!ns || ns->type() != Value::Type::Namespace) {
                throw RenderError("cannot assign attribute on non-namespace object");
            }
            ns->nameSpace().set(target.attr, std::move(value));
            return;
        }
        }
    }

    Flow execFor(const Stmt& s, const ScopePtr& scope, std::string& out) {
        std::vector<Value> source = iterate(eval(*s.expr, scope));
        auto state = std::make_shared<LoopState>();
        if (!s.filter) {
            state->items = std::move(source);
            state->exhausted = true;
        } else {
            track(m_loops, state);
            // Filtered lazily, as Jinja does: the `if` sees the loop variable, while `loop`
            // there is still the enclosing loop's.
            state->pull = [this, &s, scope, src = std::move(source),
                           at = size_t(0)](Value& next) mutable {
                while (at < src.size()) {
                    Value item = src[at++];
                    auto probe = std::make_shared<Scope>(scope);
                    assign(s.target, item, probe);
                    if (truthy(eval(*s.filter, probe))) {
                        next = std::move(item);
                        return true;
                    }
                }
                return false;
            };
        }
        const Value loopValue = Value::loop(state);
        // Jinja runs `else` unless some iteration reached the end of the body: an iteration
        // left by break or continue does not count.
        bool completed = false;
        for (size_t i = 0; state->ensure(i + 1); ++i) {
            countStep();
            state->index0 = i;
            auto iteration = std::make_shared<Scope>(scope);
            assign(s.target, state->items[i], iteration);
            iteration->vars["loop"] = loopValue;
            const Flow f = exec(s.body, iteration, out);
            if (f == Flow::Break) {
                break;
            }
            completed = completed || f == Flow::Normal;
        }
        if (!completed && !s.elseBody.empty()) {
            return exec(s.elseBody, std::make_shared<Scope>(scope), out);
        }
        return Flow::Normal;
    }

    // ---- expressions -----------------------------------------------------------------------

    /// Evaluates e; `blockInput` is the value a filter block or set block feeds to the filter
    /// chain whose innermost input is empty.
    Value eval(const Expr& e, const ScopePtr& scope, const Value* blockInput = nullptr) {
        try {
            return evalUnchecked(e, scope, blockInput);
        } catch (RenderError& err) {
            if (!err.line) {
                err.line = e.line;
            }
            throw;
        }
    }

    CallArgs evalArgs(const Expr& e, size_t firstArg, const ScopePtr& scope) {
        CallArgs args;
        for (size_t i = firstArg; i < e.children.size(); ++i) {
            args.positional.push_back(eval(*e.children[i], scope));
        }
        for (const auto& [k, v] : e.keywords) {
            args.keywords.emplace_back(k, eval(*v, scope));
        }
        return args;
    }

    std::optional<int64_t> sliceBound(const ast::ExprPtr& e, const ScopePtr& scope, bool& valid) {
        if (!e) {
            return std::nullopt;
        }
        const Value v = eval(*e, scope);
        if (v.isNone()) {
            return std::nullopt;
        }
        if (!v.isIntegral()) {
            valid = false; // a TypeError in Python
            return std::nullopt;
        }
        return v.asInt();
    }

    Value evalUnchecked(const Expr& e, const ScopePtr& scope, const Value* blockInput) {
        switch (e.kind) {
        case ExprKind::Const:
            return e.constant;
        case ExprKind::Name:
            if (const Value* v = scope->find(e.name)) {
                return *v;
            }
            return Value::undefined("'" + e.name + "' is undefined");
        case ExprKind::GetAttr:
            return getAttr(eval(*e.children[0], scope), e.name);
        case ExprKind::GetItem: {
            const Value obj = eval(*e.children[0], scope);
            return getItem(obj, eval(*e.children[1], scope));
        }
        case ExprKind::Slice: {
            const Value obj = eval(*e.children[0], scope);
            bool valid = true;
            const auto start = sliceBound(e.children[1], scope, valid);
            const auto stop = sliceBound(e.children[2], scope, valid);
            const auto step = sliceBound(e.children[3], scope, valid);
            if (!valid) {
                if (obj.isUndefined()) {
                    failUndefined(obj);
                }
                throw RenderError("slice indices must be integers or None");
            }
            return getSlice(obj, start, stop, step);
        }
        case ExprKind::Call:
            return evalCall(e, scope);
        case ExprKind::Filter: {
            const Value input = e.children[0] ? eval(*e.children[0], scope, blockInput)
                                              : (blockInput ? *blockInput : Value());
            return applyFilter(e.name, input, evalArgs(e, 1, scope), m_rt);
        }
        case ExprKind::Test: {
            const Value input = eval(*e.children[0], scope);
            return Value::boolean(applyTest(e.name, input, evalArgs(e, 1, scope), m_rt));
        }
        case ExprKind::Not:
            return Value::boolean(!truthy(eval(*e.children[0], scope)));
        case ExprKind::Neg:
            return unaryOp("-", eval(*e.children[0], scope));
        case ExprKind::Pos:
            return unaryOp("+", eval(*e.children[0], scope));
        case ExprKind::Binary: {
            const Value a = eval(*e.children[0], scope);
            return binaryOp(e.name, a, eval(*e.children[1], scope), m_rt);
        }
        case ExprKind::And: {
            Value a = eval(*e.children[0], scope);
            return truthy(a) ? eval(*e.children[1], scope) : a;
        }
        case ExprKind::Or: {
            Value a = eval(*e.children[0], scope);
            return truthy(a) ? a : eval(*e.children[1], scope);
        }
        case ExprKind::Compare: {
            Value left = eval(*e.children[0], scope);
            for (size_t i = 0; i < e.ops.size(); ++i) {
                Value right = eval(*e.children[i + 1], scope);
                if (!compareOp(e.ops[i], left, right)) {
                    return Value::boolean(false);
                }
                left = std::move(right);
            }
            return Value::boolean(true);
        }
        case ExprKind::CondExpr:
            if (truthy(eval(*e.children[0], scope))) {
                return eval(*e.children[1], scope);
            }
            if (e.children[2]) {
                return eval(*e.children[2], scope);
            }
            return Value::undefined("the inline if-expression on line " + std::to_string(e.line) +
                                    " evaluated to false and no else section was defined.");
        case ExprKind::List:
        case ExprKind::Tuple: {
            std::vector<Value> items;
            items.reserve(e.children.size());
            for (const auto& c : e.children) {
                items.push_back(eval(*c, scope));
            }
            return Value::list(std::move(items),
                               e.kind == ExprKind::List ? SeqKind::List : SeqKind::Tuple);
        }
        case ExprKind::Dict: {
            Dict d;
            for (size_t i = 0; i + 1 < e.children.size(); i += 2) {
                const Value key = eval(*e.children[i], scope);
                if (!key.isString()) {
                    throw RenderError("dict keys other than strings are not supported (got " +
                                      typeName(key) + ")");
                }
                d.set(key.str(), eval(*e.children[i + 1], scope));
            }
            return Value::dict(std::move(d));
        }
        case ExprKind::Concat: {
            // `~` joins str() of each side; with autoescape off the result is a plain str.
            std::string out;
            for (const auto& c : e.children) {
                out += toStr(eval(*c, scope));
                checkSize(out.size(), m_rt);
            }
            return Value::string(std::move(out));
        }
        }
        throw RenderError("unknown expression");
    }

    bool compareOp(const std::string& op, const Value& a, const Value& b) {
        if (op == "==") {
            return equals(a, b);
        }
        if (op == "!=") {
            return !equals(a, b);
        }
        if (op == "in") {
            return contains(b, a);
        }
        if (op == "notin") {
            return !contains(b, a);
        }
        const int c = compare(a, b, op);
        if (op == "<") {
            return c == -1;
        }
        if (op == "<=") {
            return c == -1 || c == 0;
        }
        if (op == ">") {
            return c == 1;
        }
        return c == 1 || c == 0; // >=
    }

    Value evalCall(const Expr& e, const ScopePtr& scope) {
        const Value fn = eval(*e.children[0], scope);
        CallArgs args = evalArgs(e, 1, scope);
        if (fn.isUndefined()) {
            failUndefined(fn);
        }
        if (fn.type() != Value::Type::Callable) {
            throw RenderError("'" + typeName(fn) + "' object is not callable");
        }
        const Callable& c = fn.callable();
        switch (c.kind) {
        case Callable::Kind::Builtin:
            return callGlobal(c.name, args, m_rt);
        case Callable::Kind::Method:
            return callMethod(c.receiver, c.name, args, m_rt);
        case Callable::Kind::Macro:
            return callMacro(c, std::move(args));
        }
        throw RenderError("unknown callable");
    }

    Value callMacro(const Callable& fn, CallArgs args) {
        const Stmt& m = *fn.macro;
        if (m_callDepth >= m_limits.maxCallDepth) {
            throw RenderError("macro calls are nested more than " +
                              std::to_string(m_limits.maxCallDepth) + " deep");
        }
        countStep();
        auto closure = fn.closure.lock();
        if (!closure) {
            throw RenderError("macro '" + m.text +
                              "' is called after the loop iteration that defined it ended");
        }
        auto scope = std::make_shared<Scope>(std::move(closure));
        const size_t nParams = m.params.size();
        const size_t firstDefault = nParams - m.defaults.size();
        std::vector<bool> bound(nParams, false);
        if (args.positional.size() > nParams && !m.usesVarargs) {
            throw RenderError("macro '" + m.text + "' takes not more than " +
                              std::to_string(nParams) + " argument(s)");
        }
        std::vector<Value> extra;
        for (size_t i = 0; i < args.positional.size(); ++i) {
            if (i < nParams) {
                scope->vars[m.params[i]] = std::move(args.positional[i]);
                bound[i] = true;
            } else {
                extra.push_back(std::move(args.positional[i]));
            }
        }
        Dict extraKeywords;
        for (auto& [k, v] : args.keywords) {
            const auto it = std::find(m.params.begin(), m.params.end(), k);
            if (it != m.params.end()) {
                const size_t i = static_cast<size_t>(it - m.params.begin());
                if (bound[i]) {
                    throw RenderError("macro '" + m.text + "' got multiple values for argument '" +
                                      k + "'");
                }
                scope->vars[k] = std::move(v);
                bound[i] = true;
            } else if (m.usesKwargs) {
                extraKeywords.set(k, std::move(v));
            } else {
                throw RenderError("macro '" + m.text + "' takes no keyword argument '" + k + "'");
            }
        }
        for (size_t i = 0; i < nParams; ++i) {
            if (bound[i]) {
                continue;
            }
            scope->vars[m.params[i]] =
                i >= firstDefault
                    ? eval(*m.defaults[i - firstDefault], scope)
                    : Value::undefined("parameter '" + m.params[i] + "' was not provided");
        }
        if (m.usesVarargs) {
            scope->vars["varargs"] = Value::list(std::move(extra), SeqKind::Tuple);
        }
        if (m.usesKwargs) {
            scope->vars["kwargs"] = Value::dict(std::move(extraKeywords));
        }
        ++m_callDepth;
        std::string out;
        try {
            exec(m.body, scope, out);
        } catch (...) {
            --m_callDepth;
            throw;
        }
        --m_callDepth;
        return Value::string(std::move(out));
    }

    RenderLimits m_limits;
    Runtime m_rt;
    uint64_t m_steps = 0;
    int m_callDepth = 0;
    std::weak_ptr<Scope> m_top;
    std::vector<std::weak_ptr<LoopState>> m_loops;
};

} // namespace

std::string render(const ast::Template& tmpl, const Dict& variables, const RenderLimits& limits,
                   Runtime runtime) {
    Evaluator ev(limits, std::move(runtime));
    return ev.run(tmpl, variables);
}

} // namespace cl::jinja
