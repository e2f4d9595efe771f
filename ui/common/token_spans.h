#pragma once
// Token spans arrive as byte offsets into the UTF-8 response; Qt text positions are UTF-16
// indices. These pure functions convert between the two and find the token under a position.

#include "core/engine/scoring_types.h"

#include <QByteArray>
#include <QString>

#include <vector>

namespace cl {

/// A token's range in a QString, [start, end) in UTF-16 code units.
struct CharSpan {
    int start = 0;
    int end = 0;
};

/// table[b] is the UTF-16 index of byte offset b of `utf8` (size utf8.size() + 1). A byte inside
/// a multi-byte sequence maps to the index of the code point that contains it (floor).
std::vector<int> utf8ToUtf16Table(const QByteArray& utf8);

/// The UTF-16 span of every token of `score` in `text` (the text that was scored). Byte offsets
/// past the end are clamped; a span that ends inside a code point extends over all of it, so
/// byte-level BPE pieces of one emoji color the whole emoji. EOS gives an empty span at the end.
std::vector<CharSpan> tokenCharSpans(const ResponseScore& score, const QString& text);

/// Index of the token whose span contains UTF-16 position `pos` (start <= pos < end), or -1.
/// Spans must be sorted by start (as tokens are).
int tokenAtPosition(const std::vector<CharSpan>& spans, int pos);

/// Length of the common prefix of a and b in UTF-16 code units.
int commonPrefixLength(const QString& a, const QString& b);

} // namespace cl
