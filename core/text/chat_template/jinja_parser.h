#pragma once
// Tokens -> AST, with Jinja2's grammar and operator precedence (parser.py). This is also where a
// template is refused: every statement, filter, test, method and function it names is checked
// against what the interpreter implements, so an unsupported construct fails at load time
// instead of rendering something HF would not.

#include "core/text/chat_template/jinja_ast.h"
#include "core/text/chat_template/jinja_lexer.h"

#include <vector>

namespace cl::jinja {

/// Parses a template. Throws SyntaxError (bad syntax, or a construct that is not supported).
ast::Template parse(std::vector<Token> tokens);

} // namespace cl::jinja
