#include "core/text/chat_template/jinja_parser.h"

#include "core/text/chat_template/jinja_builtins.h"
#include "core/text/chat_template/jinja_error.h"

#include <algorithm>
#include <set>

namespace cl::jinja {

namespace {

using ast::Body;
using ast::Expr;
using ast::ExprKind;
using ast::ExprPtr;
using ast::Stmt;
using ast::StmtKind;
using ast::StmtPtr;

constexpr int kMaxNesting = 200;    // parser recursion (brackets, nested statements)
constexpr int kMaxExprHeight = 500; // expression trees, e.g. a + b + c + ... chains

/// Jinja tags that exist but that this interpreter refuses, with the reason shown.
const char* refusedTagReason(const std::string& tag) {
    if (tag == "include" || tag == "import" || tag == "from" || tag == "extends") {
        return " (a chat template cannot load other templates)";
    }
    if (tag == "block" || tag == "call" || tag == "autoescape" || tag == "do" || tag == "trans" ||
        tag == "pluralize") {
        return "";
    }
    return nullptr;
}

class Parser {
public:
    explicit Parser(std::vector<Token> tokens) : m_tokens(std::move(tokens)) {}

    ast::Template run() {
        ast::Template t;
        t.body = subparse({});
        for (const auto& [name, line] : m_calledNames) {
            if (!hasGlobal(name) && !m_boundNames.count(name)) {
                throw SyntaxError(line, "the function '" + name + "()' is not supported");
            }
        }
        return t;
    }

private:
    // ---- token stream --------------------------------------------------------------------

    const Token& cur() const { return m_tokens[m_pos]; }
    const Token& look() const { return m_tokens[m_pos + 1 < m_tokens.size() ? m_pos + 1 : m_pos]; }
    void next() {
        if (m_pos + 1 < m_tokens.size()) {
            ++m_pos;
        }
    }
    bool isName(std::string_view v) const {
        return cur().type == TokenType::Name && cur().value == v;
    }
    bool isOp(std::string_view v) const {
        return cur().type == TokenType::Operator && cur().value == v;
    }
    bool skipName(std::string_view v) {
        if (isName(v)) {
            next();
            return true;
        }
        return false;
    }
    bool skipOp(std::string_view v) {
        if (isOp(v)) {
            next();
            return true;
        }
        return false;
    }

    [[noreturn]] void fail(const std::string& message, int line = 0) const {
        throw SyntaxError(line ? line : cur().line, message);
    }

    static std::string describe(const Token& t) {
        switch (t.type) {
        case TokenType::Data:
            return "template data";
        case TokenType::VariableBegin:
            return "begin of print statement";
        case TokenType::VariableEnd:
            return "end of print statement";
        case TokenType::BlockBegin:
            return "begin of statement block";
        case TokenType::BlockEnd:
            return "end of statement block";
        case TokenType::End:
            return "end of template";
        case TokenType::String:
            return "string";
        default:
            return t.value;
        }
    }

    void expectOp(std::string_view op) {
        if (!skipOp(op)) {
            fail("expected '" + std::string(op) + "', got '" + describe(cur()) + "'");
        }
    }
    void expectType(TokenType type, const char* what) {
        if (cur().type != type) {
            fail(std::string("expected ") + what + ", got '" + describe(cur()) + "'");
        }
        next();
    }
    std::string expectName() {
        if (cur().type != TokenType::Name) {
            fail("expected a name, got '" + describe(cur()) + "'");
        }
        std::string v = cur().value;
        next();
        return v;
    }

    struct DepthGuard {
        explicit DepthGuard(Parser& p) : p(p) {
            if (++p.m_depth > kMaxNesting) {
                p.fail("the template is nested too deeply (more than " +
                       std::to_string(kMaxNesting) + " levels)");
            }
        }
        ~DepthGuard() { --p.m_depth; }
        Parser& p;
    };

    /// Computes e's height from its children; a left-deep chain (1 + 1 + ... or x.a.a...) is
    /// built without recursion here but evaluated with it, hence the bound.
    ExprPtr measured(ExprPtr e) {
        int h = 0;
        for (const auto& c : e->children) {
            if (c) {
                h = std::max(h, c->height);
            }
        }
        for (const auto& [k, v] : e->keywords) {
            h = std::max(h, v->height);
        }
        e->height = h + 1;
        if (e->height > kMaxExprHeight) {
            fail("the expression is nested too deeply (more than " +
                     std::to_string(kMaxExprHeight) + " levels)",
                 e->line);
        }
        return e;
    }

    ExprPtr node(ExprKind kind, int line) {
        auto e = std::make_unique<Expr>();
        e->kind = kind;
        e->line = line;
        return e;
    }
    ExprPtr unary(ExprKind kind, ExprPtr a, int line) {
        auto e = node(kind, line);
        e->children.push_back(std::move(a));
        return measured(std::move(e));
    }
    ExprPtr binary(ExprKind kind, ExprPtr a, ExprPtr b, int line, std::string op = {}) {
        auto e = node(kind, line);
        e->name = std::move(op);
        e->children.push_back(std::move(a));
        e->children.push_back(std::move(b));
        return measured(std::move(e));
    }

    // ---- statements ------------------------------------------------------------------------

    bool atEndTag(const std::vector<std::string_view>& endTags) const {
        if (cur().type != TokenType::Name) {
            return false;
        }
        for (auto t : endTags) {
            if (cur().value == t) {
                return true;
            }
        }
        return false;
    }

    Body subparse(const std::vector<std::string_view>& endTags) {
        DepthGuard guard(*this);
        Body body;
        while (cur().type != TokenType::End) {
            const Token& t = cur();
            if (t.type == TokenType::Data) {
                auto s = std::make_unique<Stmt>();
                s->kind = StmtKind::Data;
                s->line = t.line;
                s->text = t.value;
                body.push_back(std::move(s));
                next();
            } else if (t.type == TokenType::VariableBegin) {
                next();
                auto s = std::make_unique<Stmt>();
                s->kind = StmtKind::Print;
                s->line = cur().line;
                s->expr = parseTuple(false, true, {}, false);
                body.push_back(std::move(s));
                expectType(TokenType::VariableEnd, "'}}'");
            } else if (t.type == TokenType::BlockBegin) {
                next();
                if (!endTags.empty() && atEndTag(endTags)) {
                    return body;
                }
                parseStatement(body);
                expectType(TokenType::BlockEnd, "'%}'");
            } else {
                fail("unexpected '" + describe(t) + "'");
            }
        }
        if (!endTags.empty()) {
            std::string want;
            for (size_t i = 0; i < endTags.size(); ++i) {
                want += (i ? (i + 1 == endTags.size() ? " or '" : ", '") : "'") +
                        std::string(endTags[i]) + "'";
            }
            fail("unexpected end of template; Jinja was looking for " + want);
        }
        return body;
    }

    /// `%}` body `{% <end tag>`: leaves the end tag's name current unless dropNeedle.
    Body parseStatements(const std::vector<std::string_view>& endTags, bool dropNeedle) {
        skipOp(":");
        expectType(TokenType::BlockEnd, "'%}'");
        Body body = subparse(endTags);
        if (dropNeedle) {
            next();
        }
        return body;
    }

    void parseStatement(Body& out) {
        if (cur().type != TokenType::Name) {
            fail("tag name expected");
        }
        const std::string tag = cur().value;
        const int line = cur().line;
        if (tag == "for") {
            out.push_back(parseFor());
        } else if (tag == "if") {
            out.push_back(parseIf());
        } else if (tag == "set") {
            out.push_back(parseSet());
        } else if (tag == "macro") {
            out.push_back(parseMacro());
        } else if (tag == "with") {
            out.push_back(parseWith());
        } else if (tag == "filter") {
            out.push_back(parseFilterBlock());
        } else if (tag == "generation") {
            // transformers' AssistantTracker: renders its body (in a scope of its own).
            next();
            auto s = std::make_unique<Stmt>();
            s->kind = StmtKind::Scope;
            s->line = line;
            const int loopDepth = m_loopDepth;
            m_loopDepth = 0; // its body is a function: break/continue cannot leave it
            s->body = parseStatements({"endgeneration"}, true);
            m_loopDepth = loopDepth;
            out.push_back(std::move(s));
        } else if (tag == "print") {
            next();
            do {
                auto s = std::make_unique<Stmt>();
                s->kind = StmtKind::Print;
                s->line = cur().line;
                s->expr = parseExpression(true);
                out.push_back(std::move(s));
            } while (skipOp(","));
        } else if (tag == "break" || tag == "continue") {
            if (m_loopDepth == 0) {
                fail("'" + tag + "' outside a for loop");
            }
            next();
            auto s = std::make_unique<Stmt>();
            s->kind = tag == "break" ? StmtKind::Break : StmtKind::Continue;
            s->line = line;
            out.push_back(std::move(s));
        } else if (const char* reason = refusedTagReason(tag)) {
            fail("the Jinja tag '" + tag + "' is not supported" + reason);
        } else {
            fail("Encountered unknown tag '" + tag + "'");
        }
    }

    StmtPtr parseFor() {
        auto s = std::make_unique<Stmt>();
        s->kind = StmtKind::For;
        s->line = cur().line;
        next();
        s->target = parseTarget(false, {"in"});
        if (!skipName("in")) {
            fail("expected 'in', got '" + describe(cur()) + "'");
        }
        s->expr = parseTuple(false, false, {"recursive"}, false);
        if (skipName("if")) {
            s->filter = parseExpression(true);
        }
        if (isName("recursive")) {
            fail("recursive for loops are not supported");
        }
        ++m_loopDepth;
        s->body = parseStatements({"endfor", "else"}, false);
        --m_loopDepth;
        const std::string end = cur().value;
        next();
        if (end == "else") {
            s->elseBody = parseStatements({"endfor"}, true);
        }
        return s;
    }

    StmtPtr parseIf() {
        auto s = std::make_unique<Stmt>();
        s->kind = StmtKind::If;
        s->line = cur().line;
        next();
        while (true) {
            ExprPtr test = parseTuple(false, false, {}, false);
            Body body = parseStatements({"elif", "else", "endif"}, false);
            s->branches.emplace_back(std::move(test), std::move(body));
            const std::string end = cur().value;
            next();
            if (end == "elif") {
                continue;
            }
            if (end == "else") {
                s->elseBody = parseStatements({"endif"}, true);
            }
            break;
        }
        return s;
    }

    StmtPtr parseSet() {
        auto s = std::make_unique<Stmt>();
        s->line = cur().line;
        next();
        s->target = parseTarget(true, {});
        if (skipOp("=")) {
            s->kind = StmtKind::Set;
            s->expr = parseTuple(false, true, {}, false);
            return s;
        }
        s->kind = StmtKind::SetBlock;
        if (isOp("|")) {
            s->expr = parseFilter(nullptr, false);
        }
        s->body = parseStatements({"endset"}, true);
        return s;
    }

    StmtPtr parseMacro() {
        auto s = std::make_unique<Stmt>();
        s->kind = StmtKind::Macro;
        s->line = cur().line;
        next();
        s->text = expectName();
        m_boundNames.insert(s->text);
        expectOp("(");
        while (!isOp(")")) {
            if (!s->params.empty()) {
                expectOp(",");
            }
            const std::string param = expectName();
            m_boundNames.insert(param);
            s->params.push_back(param);
            if (skipOp("=")) {
                s->defaults.push_back(parseExpression(true));
            } else if (!s->defaults.empty()) {
                fail("non-default argument follows default argument");
            }
        }
        expectOp(")");
        const std::set<std::string> outer = std::move(m_loadedNames);
        m_loadedNames.clear();
        const int loopDepth = m_loopDepth;
        m_loopDepth = 0; // break/continue do not cross a macro
        s->body = parseStatements({"endmacro"}, true);
        m_loopDepth = loopDepth;
        s->usesVarargs = m_loadedNames.count("varargs") > 0;
        s->usesKwargs = m_loadedNames.count("kwargs") > 0;
        m_loadedNames.insert(outer.begin(), outer.end());
        return s;
    }

    StmtPtr parseWith() {
        auto s = std::make_unique<Stmt>();
        s->kind = StmtKind::With;
        s->line = cur().line;
        next();
        while (cur().type != TokenType::BlockEnd) {
            if (!s->params.empty()) {
                expectOp(",");
            }
            const std::string name = expectName();
            m_boundNames.insert(name);
            s->params.push_back(name);
            expectOp("=");
            s->values.push_back(parseExpression(true));
        }
        s->body = parseStatements({"endwith"}, true);
        return s;
    }

    StmtPtr parseFilterBlock() {
        auto s = std::make_unique<Stmt>();
        s->kind = StmtKind::FilterBlock;
        s->line = cur().line;
        next();
        s->expr = parseFilter(nullptr, true);
        s->body = parseStatements({"endfilter"}, true);
        return s;
    }

    /// A `set`/`for` target: a name, `ns.attr` (set only) or a tuple of names.
    ast::Target parseTarget(bool withNamespace, const std::vector<std::string_view>& endRules) {
        ast::Target target;
        std::vector<ast::Target> parts;
        bool isTuple = false;
        while (true) {
            if (!parts.empty()) {
                expectOp(",");
            }
            if (isTupleEnd(endRules)) {
                break;
            }
            parts.push_back(parseTargetPart(withNamespace));
            if (isOp(",")) {
                isTuple = true;
            } else {
                break;
            }
        }
        if (parts.empty()) {
            fail("expected an assignment target, got '" + describe(cur()) + "'");
        }
        if (!isTuple) {
            return parts[0];
        }
        target.kind = ast::Target::Kind::Tuple;
        for (const auto& p : parts) {
            if (p.kind != ast::Target::Kind::Name) {
                fail("only names can be unpacked into (not namespace attributes)");
            }
            target.names.push_back(p.name);
        }
        return target;
    }

    ast::Target parseTargetPart(bool withNamespace) {
        if (cur().type != TokenType::Name) {
            fail("can't assign to '" + describe(cur()) + "'");
        }
        const std::string name = cur().value;
        if (name == "true" || name == "false" || name == "True" || name == "False" ||
            name == "none" || name == "None") {
            fail("can't assign to the constant '" + name + "'");
        }
        next();
        ast::Target t;
        t.name = name;
        if (withNamespace && isOp(".")) {
            next();
            t.kind = ast::Target::Kind::NamespaceAttr;
            t.attr = expectName();
            return t;
        }
        m_boundNames.insert(name);
        return t;
    }

    // ---- expressions ----------------------------------------------------------------------

    bool isTupleEnd(const std::vector<std::string_view>& endRules) const {
        if (cur().type == TokenType::VariableEnd || cur().type == TokenType::BlockEnd ||
            isOp(")")) {
            return true;
        }
        return atEndTag(endRules);
    }

    ExprPtr parseTuple(bool simplified, bool withCondexpr,
                       const std::vector<std::string_view>& endRules, bool explicitParens) {
        const int line = cur().line;
        std::vector<ExprPtr> args;
        bool isTuple = false;
        while (true) {
            if (!args.empty()) {
                expectOp(",");
            }
            if (isTupleEnd(endRules)) {
                break;
            }
            args.push_back(simplified ? parsePrimary() : parseExpression(withCondexpr));
            if (isOp(",")) {
                isTuple = true;
            } else {
                break;
            }
        }
        if (!isTuple) {
            if (!args.empty()) {
                return std::move(args[0]);
            }
            if (!explicitParens) {
                fail("expected an expression, got '" + describe(cur()) + "'");
            }
        }
        auto e = node(ExprKind::Tuple, line);
        e->children = std::move(args);
        return measured(std::move(e));
    }

    ExprPtr parseExpression(bool withCondexpr) {
        DepthGuard guard(*this);
        return withCondexpr ? parseCondExpr() : parseOr();
    }

    ExprPtr parseCondExpr() {
        int line = cur().line;
        ExprPtr expr1 = parseOr();
        while (skipName("if")) {
            ExprPtr expr2 = parseOr();
            ExprPtr expr3;
            if (skipName("else")) {
                DepthGuard guard(*this);
                expr3 = parseCondExpr();
            }
            auto e = node(ExprKind::CondExpr, line);
            e->children.push_back(std::move(expr2));
            e->children.push_back(std::move(expr1));
            e->children.push_back(std::move(expr3));
            expr1 = measured(std::move(e));
            line = cur().line;
        }
        return expr1;
    }

    ExprPtr parseOr() {
        const int line = cur().line;
        ExprPtr left = parseAnd();
        while (skipName("or")) {
            left = binary(ExprKind::Or, std::move(left), parseAnd(), line);
        }
        return left;
    }

    ExprPtr parseAnd() {
        const int line = cur().line;
        ExprPtr left = parseNot();
        while (skipName("and")) {
            left = binary(ExprKind::And, std::move(left), parseNot(), line);
        }
        return left;
    }

    ExprPtr parseNot() {
        if (isName("not")) {
            DepthGuard guard(*this);
            const int line = cur().line;
            next();
            return unary(ExprKind::Not, parseNot(), line);
        }
        return parseCompare();
    }

    ExprPtr parseCompare() {
        const int line = cur().line;
        ExprPtr expr = parseMath1();
        ExprPtr cmp;
        while (true) {
            std::string op;
            if (cur().type == TokenType::Operator &&
                (cur().value == "==" || cur().value == "!=" || cur().value == "<" ||
                 cur().value == "<=" || cur().value == ">" || cur().value == ">=")) {
                op = cur().value;
                next();
            } else if (skipName("in")) {
                op = "in";
            } else if (isName("not") && look().type == TokenType::Name && look().value == "in") {
                next();
                next();
                op = "notin";
            } else {
                break;
            }
            if (!cmp) {
                cmp = node(ExprKind::Compare, line);
                cmp->children.push_back(std::move(expr));
            }
            cmp->ops.push_back(op);
            cmp->children.push_back(parseMath1());
        }
        return cmp ? measured(std::move(cmp)) : std::move(expr);
    }

    ExprPtr parseMath1() {
        const int line = cur().line;
        ExprPtr left = parseConcat();
        while (isOp("+") || isOp("-")) {
            const std::string op = cur().value;
            next();
            left = binary(ExprKind::Binary, std::move(left), parseConcat(), line, op);
        }
        return left;
    }

    ExprPtr parseConcat() {
        const int line = cur().line;
        ExprPtr first = parseMath2();
        if (!isOp("~")) {
            return first;
        }
        auto e = node(ExprKind::Concat, line);
        e->children.push_back(std::move(first));
        while (skipOp("~")) {
            e->children.push_back(parseMath2());
        }
        return measured(std::move(e));
    }

    ExprPtr parseMath2() {
        const int line = cur().line;
        ExprPtr left = parsePow();
        while (isOp("*") || isOp("/") || isOp("//") || isOp("%")) {
            const std::string op = cur().value;
            next();
            left = binary(ExprKind::Binary, std::move(left), parsePow(), line, op);
        }
        return left;
    }

    ExprPtr parsePow() {
        const int line = cur().line;
        ExprPtr left = parseUnary(true);
        while (skipOp("**")) {
            left = binary(ExprKind::Binary, std::move(left), parseUnary(true), line, "**");
        }
        return left;
    }

    ExprPtr parseUnary(bool withFilter) {
        DepthGuard guard(*this);
        const int line = cur().line;
        ExprPtr e;
        if (skipOp("-")) {
            e = unary(ExprKind::Neg, parseUnary(false), line);
        } else if (skipOp("+")) {
            e = unary(ExprKind::Pos, parseUnary(false), line);
        } else {
            e = parsePrimary();
        }
        e = parsePostfix(std::move(e));
        if (withFilter) {
            e = parseFilterExpr(std::move(e));
        }
        return e;
    }

    ExprPtr parsePrimary() {
        const Token& t = cur();
        const int line = t.line;
        if (t.type == TokenType::Name) {
            const std::string name = t.value;
            next();
            auto e = node(ExprKind::Const, line);
            if (name == "true" || name == "True" || name == "false" || name == "False") {
                e->constant = Value::boolean(name == "true" || name == "True");
            } else if (name == "none" || name == "None") {
                e->constant = Value::none();
            } else {
                e->kind = ExprKind::Name;
                e->name = name;
                m_loadedNames.insert(name);
                if (name == "caller") {
                    fail("caller() and {% call %} blocks are not supported", line);
                }
            }
            return e;
        }
        if (t.type == TokenType::String) {
            std::string text;
            while (cur().type == TokenType::String) {
                text += cur().value;
                next();
            }
            auto e = node(ExprKind::Const, line);
            e->constant = Value::string(std::move(text));
            return e;
        }
        if (t.type == TokenType::Integer || t.type == TokenType::Float) {
            auto e = node(ExprKind::Const, line);
            e->constant = t.type == TokenType::Integer ? Value::integer(t.intValue)
                                                       : Value::number(t.floatValue);
            next();
            return e;
        }
        if (skipOp("(")) {
            ExprPtr e = parseTuple(false, true, {}, true);
            expectOp(")");
            return e;
        }
        if (isOp("[")) {
            return parseList();
        }
        if (isOp("{")) {
            return parseDict();
        }
        fail("unexpected '" + describe(t) + "'");
    }

    ExprPtr parseList() {
        auto e = node(ExprKind::List, cur().line);
        expectOp("[");
        while (!isOp("]")) {
            if (!e->children.empty()) {
                expectOp(",");
            }
            if (isOp("]")) {
                break;
            }
            e->children.push_back(parseExpression(true));
        }
        expectOp("]");
        return measured(std::move(e));
    }

    ExprPtr parseDict() {
        auto e = node(ExprKind::Dict, cur().line);
        expectOp("{");
        while (!isOp("}")) {
            if (!e->children.empty()) {
                expectOp(",");
            }
            if (isOp("}")) {
                break;
            }
            e->children.push_back(parseExpression(true));
            expectOp(":");
            e->children.push_back(parseExpression(true));
        }
        expectOp("}");
        return measured(std::move(e));
    }

    ExprPtr parsePostfix(ExprPtr e) {
        while (true) {
            if (isOp(".") || isOp("[")) {
                e = parseSubscript(std::move(e));
            } else if (isOp("(")) {
                e = parseCall(std::move(e));
            } else {
                return e;
            }
        }
    }

    ExprPtr parseFilterExpr(ExprPtr e) {
        while (true) {
            if (isOp("|")) {
                e = parseFilter(std::move(e), false);
            } else if (isName("is")) {
                e = parseTest(std::move(e));
            } else if (isOp("(")) {
                e = parseCall(std::move(e));
            } else {
                return e;
            }
        }
    }

    ExprPtr parseSubscript(ExprPtr obj) {
        const int line = cur().line;
        if (skipOp(".")) {
            if (cur().type == TokenType::Name) {
                auto e = node(ExprKind::GetAttr, line);
                e->name = cur().value;
                next();
                e->children.push_back(std::move(obj));
                return measured(std::move(e));
            }
            if (cur().type != TokenType::Integer) {
                fail("expected name or number");
            }
            auto key = node(ExprKind::Const, line);
            key->constant = Value::integer(cur().intValue);
            next();
            return binary(ExprKind::GetItem, std::move(obj), std::move(key), line);
        }
        expectOp("[");
        std::vector<ExprPtr> args;
        while (!isOp("]")) {
            if (!args.empty()) {
                expectOp(",");
            }
            args.push_back(parseSubscribed());
        }
        expectOp("]");
        if (args.size() != 1) {
            for (const auto& a : args) {
                if (a->kind == ExprKind::Slice) {
                    fail("subscripts with several slices are not supported", line);
                }
            }
            auto tuple = node(ExprKind::Tuple, line);
            tuple->children = std::move(args);
            tuple = measured(std::move(tuple));
            return binary(ExprKind::GetItem, std::move(obj), std::move(tuple), line);
        }
        if (args[0]->kind == ExprKind::Slice) {
            ExprPtr s = std::move(args[0]);
            s->children.insert(s->children.begin(), std::move(obj));
            return measured(std::move(s));
        }
        return binary(ExprKind::GetItem, std::move(obj), std::move(args[0]), line);
    }

    /// One subscript: an expression, or a slice start:stop:step (children, null = omitted).
    ExprPtr parseSubscribed() {
        const int line = cur().line;
        ExprPtr start;
        if (!isOp(":")) {
            start = parseExpression(true);
            if (!isOp(":")) {
                return start;
            }
        }
        next(); // ':'
        auto s = node(ExprKind::Slice, line);
        s->children.push_back(std::move(start));
        ExprPtr stop;
        if (!isOp(":") && !isOp("]") && !isOp(",")) {
            stop = parseExpression(true);
        }
        s->children.push_back(std::move(stop));
        ExprPtr step;
        if (skipOp(":")) {
            if (!isOp("]") && !isOp(",")) {
                step = parseExpression(true);
            }
        }
        s->children.push_back(std::move(step));
        return s;
    }

    void parseCallArgs(Expr& e) {
        expectOp("(");
        bool requireComma = false;
        while (!isOp(")")) {
            if (requireComma) {
                expectOp(",");
                if (isOp(")")) {
                    break;
                }
            }
            if (isOp("*") || isOp("**")) {
                fail("argument unpacking (*args, **kwargs) is not supported");
            }
            if (cur().type == TokenType::Name && look().type == TokenType::Operator &&
                look().value == "=") {
                std::string key = cur().value;
                next();
                next();
                e.keywords.emplace_back(std::move(key), parseExpression(true));
            } else {
                if (!e.keywords.empty()) {
                    fail("positional argument follows keyword argument");
                }
                e.children.push_back(parseExpression(true));
            }
            requireComma = true;
        }
        expectOp(")");
    }

    ExprPtr parseCall(ExprPtr callee) {
        const int line = cur().line;
        if (callee->kind == ExprKind::Name) {
            if (callee->name == "loop") {
                fail("loop(...) (recursive loops) is not supported", line);
            }
            m_calledNames.emplace_back(callee->name, line);
        } else if (callee->kind == ExprKind::GetAttr && !hasMethod(callee->name)) {
            fail("the method '." + callee->name + "()' is not supported", line);
        }
        auto e = node(ExprKind::Call, line);
        e->children.push_back(std::move(callee));
        parseCallArgs(*e);
        return measured(std::move(e));
    }

    /// The name of the filter/test that map/select/selectattr... call, when it is a literal.
    static const Expr* namedArgument(const Expr& e, size_t position) {
        const size_t index = position + 1; // children[0] is the input
        if (e.children.size() > index && e.children[index]->kind == ExprKind::Const &&
            e.children[index]->constant.isString()) {
            return e.children[index].get();
        }
        return nullptr;
    }

    void checkHigherOrder(const Expr& e) {
        const Expr* arg = nullptr;
        bool isTest = true;
        if (e.name == "map") {
            isTest = false;
            arg = namedArgument(e, 0);
        } else if (e.name == "select" || e.name == "reject") {
            arg = namedArgument(e, 0);
        } else if (e.name == "selectattr" || e.name == "rejectattr") {
            arg = namedArgument(e, 1);
        }
        if (!arg) {
            return;
        }
        const std::string& name = arg->constant.str();
        if (isTest ? !hasTest(name) : !hasFilter(name)) {
            fail(std::string("the Jinja ") + (isTest ? "test" : "filter") + " '" + name +
                     "' is not supported",
                 e.line);
        }
    }

    ExprPtr parseFilter(ExprPtr input, bool startInline) {
        while (isOp("|") || startInline) {
            if (!startInline) {
                next();
            }
            startInline = false;
            const int line = cur().line;
            std::string name = expectName();
            if (isOp(".")) {
                fail("dotted filter names are not supported", line);
            }
            if (!hasFilter(name)) {
                fail("the Jinja filter '" + name + "' is not supported", line);
            }
            auto e = node(ExprKind::Filter, line);
            e->name = std::move(name);
            e->children.push_back(std::move(input));
            if (isOp("(")) {
                parseCallArgs(*e);
            }
            checkHigherOrder(*e);
            input = measured(std::move(e));
        }
        return input;
    }

    ExprPtr parseTest(ExprPtr input) {
        const int line = cur().line;
        next(); // is
        const bool negated = skipName("not");
        std::string name = expectName();
        if (isOp(".")) {
            fail("dotted test names are not supported", line);
        }
        if (!hasTest(name)) {
            fail("the Jinja test '" + name + "' is not supported", line);
        }
        auto e = node(ExprKind::Test, line);
        e->name = std::move(name);
        e->children.push_back(std::move(input));
        if (isOp("(")) {
            parseCallArgs(*e);
        } else if ((cur().type == TokenType::Name || cur().type == TokenType::String ||
                    cur().type == TokenType::Integer || cur().type == TokenType::Float ||
                    isOp("(") || isOp("[") || isOp("{")) &&
                   !isName("else") && !isName("or") && !isName("and")) {
            if (isName("is")) {
                fail("You cannot chain multiple tests with is");
            }
            e->children.push_back(parsePostfix(parsePrimary()));
        }
        e = measured(std::move(e));
        return negated ? unary(ExprKind::Not, std::move(e), line) : std::move(e);
    }

    std::vector<Token> m_tokens;
    size_t m_pos = 0;
    int m_depth = 0;
    int m_loopDepth = 0;
    std::set<std::string> m_boundNames;  // names set/for/macro/with may bind
    std::set<std::string> m_loadedNames; // names read (for varargs/kwargs in macros)
    std::vector<std::pair<std::string, int>> m_calledNames;
};

} // namespace

ast::Template parse(std::vector<Token> tokens) {
    return Parser(std::move(tokens)).run();
}

} // namespace cl::jinja
