#pragma once
// A conversation rendered by the model's own chat template and cut where scoring needs it
// (issue #15 item 3): the prompt the model is conditioned on, the assistant message the user
// edits, and the end-of-turn text the template writes after it (the terminal action).
// Torch-free and Qt-free.

#include "core/common/result.h"

#include <cstdint>
#include <string>
#include <vector>

namespace cl {

class ChatTemplate;

/// One message of a conversation (TRL's {"role", "content"}; other keys are not kept).
struct ChatTurn {
    std::string role;
    std::string content;
};

/// The rendering of turns + {"assistant", response} with add_generation_prompt=false, cut so
/// that prompt + infix + written + suffix is that rendering byte for byte, where
/// written = response.substr(contentBegin, contentEnd - contentBegin).
struct ChatSplit {
    /// The common prefix of render(turns, add_generation_prompt=true) and the full rendering
    /// (both are equal for every fixture template; TRL takes the same common prefix).
    std::string prompt;
    /// What the template writes between the prompt and the message (Qwen3's empty
    /// "<think>\n\n</think>\n\n" for the last assistant turn); usually empty.
    std::string infix;
    int64_t contentBegin = 0; ///< bytes of the response the template left out at its start (trim)
    int64_t contentEnd = 0;   ///< end in the response of what the template wrote
    std::string suffix;       ///< everything the template wrote after the message
    /// The terminal action: suffix without its trailing whitespace ("<|im_end|>" of
    /// "<|im_end|>\n"). Generation stops at the end-of-turn token, so the newline a template
    /// writes before the next turn is never generated and never scored. May be empty.
    std::string terminal;
};

/// Renders and cuts. The message is located with a placeholder rendering (so a message equal to
/// template text is not mistaken for it), else by searching for it, whole or trimmed. Errors:
/// the template's own message (raise_exception), or "the chat template rewrites the assistant
/// message" when what it wrote is not a piece of the response (its tokens could not be mapped
/// back to the text).
Result<ChatSplit> splitChat(const ChatTemplate& chat, const std::vector<ChatTurn>& turns,
                            const std::string& response);

/// The text beam search stops on for a chat prompt: the terminal text trimmed of whitespace on
/// both sides ("</s>" of " </s>"), empty when the template writes none.
std::string chatStopText(const ChatSplit& split);

/// The turns a plain-text prompt stands for: one user message (also when it is empty).
std::vector<ChatTurn> promptTurns(const std::string& prompt);

} // namespace cl
