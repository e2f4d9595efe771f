#pragma once
// Template source -> tokens, as Jinja2's lexer makes them with transformers' settings
// (trim_blocks, lstrip_blocks, keep_trailing_newline=False). Whitespace control happens here:
// it decides which newlines and indentation reach the output, which is where renderings most
// often differ byte-wise from HF's.

#include <cstdint>
#include <string>
#include <vector>

namespace cl::jinja {

enum class TokenType {
    Data,          ///< template text, already whitespace-controlled
    VariableBegin, ///< {{
    VariableEnd,   ///< }}
    BlockBegin,    ///< {%
    BlockEnd,      ///< %}
    Name,
    String, ///< value = the decoded literal (escapes applied)
    Integer,
    Float,
    Operator, ///< value = the operator text: + - * / // % ** ~ ( ) [ ] { } == != < <= > >= = . : |
              ///< ,
    End
};

struct Token {
    TokenType type;
    std::string value;
    int line;
    int64_t intValue = 0;
    double floatValue = 0;
};

struct LexerOptions {
    bool trimBlocks = true;
    bool lstripBlocks = true;
};

/// Tokenizes a template. Newlines (\r\n, \r) become \n and one trailing newline is dropped
/// first, as Jinja does. Throws SyntaxError (unterminated tag/comment/string, bad escape).
std::vector<Token> tokenize(const std::string& source, const LexerOptions& options = {});

} // namespace cl::jinja
