#pragma once
// The three ways a chat template fails. They stay inside core/text/chat_template: the
// ChatTemplate facade turns them into cl::Error sentences.

#include <stdexcept>
#include <string>

namespace cl::jinja {

/// The template cannot be loaded: bad syntax, or a construct this interpreter refuses.
struct SyntaxError : std::runtime_error {
    SyntaxError(int line, const std::string& message) : std::runtime_error(message), line(line) {}
    int line;
};

/// Rendering failed (undefined attribute access, a type error, a limit). The evaluator fills in
/// the line of the innermost node that failed.
struct RenderError : std::runtime_error {
    explicit RenderError(const std::string& message, int line = 0)
        : std::runtime_error(message), line(line) {}
    int line;
};

/// The template called raise_exception(message): the message is shown verbatim.
struct RaisedError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

} // namespace cl::jinja
