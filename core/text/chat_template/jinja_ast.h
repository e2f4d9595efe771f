#pragma once
// The parsed template: expression and statement nodes, one generic struct each (a kind tag and
// the fields that kind uses), mirroring the node types of Jinja2's parser.

#include "core/text/chat_template/jinja_value.h"

#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace cl::jinja::ast {

struct Expr;
using ExprPtr = std::unique_ptr<Expr>;

enum class ExprKind {
    Const,    ///< constant
    Name,     ///< name
    GetAttr,  ///< children[0].name
    GetItem,  ///< children[0][children[1]]
    Slice,    ///< children[0][start:stop:step]; children 1..3 may be null
    Call,     ///< children[0](children[1..], keywords)
    Filter,   ///< children[0] | name(children[1..], keywords); children[0] null in filter blocks
    Test,     ///< children[0] is name(children[1..], keywords)
    Not,      ///< not children[0]
    Neg,      ///< -children[0]
    Pos,      ///< +children[0]
    Binary,   ///< children[0] op children[1]
    And,      ///< children[0] and children[1]
    Or,       ///< children[0] or children[1]
    Compare,  ///< children[0] ops[0] children[1] ops[1] children[2] ... (chained)
    CondExpr, ///< children[1] if children[0] else children[2] (children[2] may be null)
    List,
    Tuple,
    Dict,   ///< children = key0, value0, key1, value1, ...
    Concat, ///< children[0] ~ children[1] ~ ...
};

struct Expr {
    ExprKind kind;
    int line = 0;
    Value constant;
    std::string name; // Name, GetAttr, Filter, Test, and the operator of Binary/Compare
    std::vector<ExprPtr> children;
    std::vector<std::pair<std::string, ExprPtr>> keywords;
    std::vector<std::string> ops; // Compare: "==", "!=", "<", "<=", ">", ">=", "in", "notin"
    int height = 1;               // of this subtree: bounded, as evaluation recurses on it
};

/// The left side of `set` and `for`: a name, a tuple of names, or `ns.attr`.
struct Target {
    enum class Kind { Name, Tuple, NamespaceAttr };
    Kind kind = Kind::Name;
    std::string name;               // Name, NamespaceAttr (the namespace variable)
    std::string attr;               // NamespaceAttr
    std::vector<std::string> names; // Tuple
};

struct Stmt;
using StmtPtr = std::unique_ptr<Stmt>;
using Body = std::vector<StmtPtr>;

enum class StmtKind {
    Data,        ///< text
    Print,       ///< {{ expr }}
    If,          ///< branches (test, body)..., elseBody
    For,         ///< for target in expr [if filter]: body [else elseBody]
    Set,         ///< set target = expr
    SetBlock,    ///< set target [| filters] %}body{% endset
    Macro,       ///< macro name(params=defaults): body
    With,        ///< with targets = values: body
    FilterBlock, ///< filter f | g: body (expr = the filter chain, innermost input null)
    Scope,       ///< a body in its own scope ({% generation %})
    Break,
    Continue,
};

struct Stmt {
    StmtKind kind;
    int line = 0;
    std::string text;                               // Data, Macro name
    ExprPtr expr;                                   // Print, For iterable, Set value, filters
    ExprPtr filter;                                 // For: the `if` filter
    Target target;                                  // For, Set, SetBlock
    std::vector<std::pair<ExprPtr, Body>> branches; // If
    Body body;
    Body elseBody;
    std::vector<std::string> params; // Macro parameters, With names
    std::vector<ExprPtr> defaults;   // Macro: defaults of the last params
    std::vector<ExprPtr> values;     // With values
    bool usesVarargs = false;        // Macro body reads `varargs`
    bool usesKwargs = false;         // Macro body reads `kwargs`
};

struct Template {
    Body body;
};

} // namespace cl::jinja::ast
