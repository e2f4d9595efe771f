#pragma once
// The text of a plain-text editor exactly as typed. QTextDocument::toPlainText() turns U+00A0
// (no-break space) into an ordinary space, so a pasted NBSP would be scored as another token
// than the one on screen; this keeps it and only maps Qt's separators to '\n'.

#include <QString>

class QTextDocument;

namespace cl {

QString exactPlainText(const QTextDocument& document);

} // namespace cl
