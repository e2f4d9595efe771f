#pragma once
// A generated beam's text made safe to show in a QPlainTextEdit without losing the token spans.
// Decoded beams can hold bytes a text widget alters or hides: invalid UTF-8 (a byte-level piece
// cut mid-character), control characters, U+00A0 and U+2028/2029 (QTextDocument::toPlainText
// turns them into ' ' and '\n', so the shown text no longer equals the scored one and the
// colors stop there). This rewrites those characters and moves every byte span with them.
// Pure function, any thread.

#include "core/engine/scoring_types.h"

#include <string>

namespace cl {

struct DisplayText {
    std::string text;    ///< valid UTF-8 that a QPlainTextEdit shows and returns unchanged
    ResponseScore score; ///< the input score with byte spans into `text`
};

/// Rewrites `text` for display: control characters other than '\n' and '\t' become their
/// Control Pictures symbol (ESC -> U+241B), DEL -> U+2421, C1 controls and invalid bytes ->
/// U+FFFD (one per bad byte), U+00A0 -> ' ', U+2028/U+2029 -> '\n'. A token span that starts
/// or ends inside a rewritten character covers all of its replacement.
DisplayText displayText(const std::string& text, const ResponseScore& score);

} // namespace cl
