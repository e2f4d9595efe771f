#include "ui/common/token_spans.h"

#include <algorithm>

namespace cl {

std::vector<int> utf8ToUtf16Table(const QByteArray& utf8) {
    std::vector<int> table(static_cast<size_t>(utf8.size()) + 1, 0);
    int units = 0;
    qsizetype b = 0;
    while (b < utf8.size()) {
        const auto lead = static_cast<unsigned char>(utf8[b]);
        int len = 1;
        if (lead >= 0xF0) {
            len = 4;
        } else if (lead >= 0xE0) {
            len = 3;
        } else if (lead >= 0xC0) {
            len = 2;
        }
        len = static_cast<int>(std::min<qsizetype>(len, utf8.size() - b));
        for (int k = 0; k < len; ++k) {
            table[b + k] = units;
        }
        units += len == 4 ? 2 : 1; // 4-byte sequences are surrogate pairs in UTF-16
        b += len;
    }
    table[utf8.size()] = units;
    return table;
}

std::vector<CharSpan> tokenCharSpans(const ResponseScore& score, const QString& text) {
    const QByteArray utf8 = text.toUtf8();
    const std::vector<int> table = utf8ToUtf16Table(utf8);
    const auto n = static_cast<int64_t>(utf8.size());
    // Index of the first code unit after the code point containing byte b - 1 (ceil).
    auto ceilIndex = [&](int64_t b) {
        while (b < n && (static_cast<unsigned char>(utf8[static_cast<qsizetype>(b)]) & 0xC0) == 0x80) {
            ++b;
        }
        return table[b];
    };
    std::vector<CharSpan> spans;
    spans.reserve(score.tokens.size());
    for (const TokenScore& t : score.tokens) {
        const int64_t s = std::clamp<int64_t>(t.start, 0, n);
        const int64_t e = std::clamp<int64_t>(t.end, s, n);
        spans.push_back({table[s], ceilIndex(e)});
    }
    return spans;
}

int tokenAtPosition(const std::vector<CharSpan>& spans, int pos) {
    auto it = std::upper_bound(spans.begin(), spans.end(), pos,
                               [](int p, const CharSpan& s) { return p < s.start; });
    // Walk back over tokens that start at or before pos (a few at most: overlapping pieces of one
    // code point share a start).
    while (it != spans.begin()) {
        --it;
        if (pos >= it->start && pos < it->end) {
            return static_cast<int>(it - spans.begin());
        }
        if (it->end <= pos && it->start < pos) {
            break;
        }
    }
    return -1;
}

int commonPrefixLength(const QString& a, const QString& b) {
    const qsizetype n = std::min(a.size(), b.size());
    qsizetype i = 0;
    while (i < n && a[i] == b[i]) {
        ++i;
    }
    return static_cast<int>(i);
}

} // namespace cl
