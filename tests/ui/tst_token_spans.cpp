// Byte spans (UTF-8) to UTF-16 positions, and the token under a position (issue #6).

#include "ui/common/token_spans.h"

#include <QTest>

namespace {

cl::ResponseScore scoreWithSpans(const std::vector<std::pair<int64_t, int64_t>>& spans) {
    cl::ResponseScore s;
    for (auto [a, b] : spans) {
        cl::TokenScore t;
        t.start = a;
        t.end = b;
        s.tokens.push_back(t);
    }
    return s;
}

} // namespace

class TestTokenSpans : public QObject {
    Q_OBJECT

private slots:
    void tableAscii() {
        const auto t = cl::utf8ToUtf16Table("abc");
        QCOMPARE(t, (std::vector<int>{0, 1, 2, 3}));
    }

    void tableMultiByte() {
        // "é" is 2 bytes / 1 unit, "€" 3 bytes / 1 unit, "😀" 4 bytes / 2 units (surrogates).
        const QByteArray utf8 = QString::fromUtf8("é€😀x").toUtf8();
        QCOMPARE(utf8.size(), 10);
        const auto t = cl::utf8ToUtf16Table(utf8);
        QCOMPARE(t, (std::vector<int>{0, 0, 1, 1, 1, 2, 2, 2, 2, 4, 5}));
    }

    void spansOfEmojiPieces() {
        // Byte-level BPE may split the emoji into two tokens: [0,2) and [2,4) of its 4 bytes.
        const QString text = QString::fromUtf8("😀 hi");
        const auto spans = cl::tokenCharSpans(scoreWithSpans({{0, 2}, {2, 4}, {4, 7}, {7, 7}}), text);
        QCOMPARE(spans.size(), size_t(4));
        QCOMPARE(spans[0].start, 0);
        QCOMPARE(spans[0].end, 2); // extends over the whole code point
        QCOMPARE(spans[1].start, 0);
        QCOMPARE(spans[1].end, 2);
        QCOMPARE(spans[2].start, 2);
        QCOMPARE(spans[2].end, 5);
        QCOMPARE(spans[3].start, 5); // EOS: empty at the end
        QCOMPARE(spans[3].end, 5);
    }

    void outOfRangeIsClamped() {
        const auto spans = cl::tokenCharSpans(scoreWithSpans({{0, 99}, {-3, 1}}), "abc");
        QCOMPARE(spans[0].end, 3);
        QCOMPARE(spans[1].start, 0);
        QCOMPARE(spans[1].end, 1);
    }

    void tokenAt_data() {
        QTest::addColumn<int>("pos");
        QTest::addColumn<int>("expected");
        QTest::newRow("first") << 0 << 0;
        QTest::newRow("inside second") << 4 << 1;
        QTest::newRow("boundary") << 3 << 1;
        QTest::newRow("last char") << 8 << 2;
        QTest::newRow("end") << 9 << -1;
        QTest::newRow("negative") << -1 << -1;
    }

    void tokenAt() {
        QFETCH(int, pos);
        QFETCH(int, expected);
        const std::vector<cl::CharSpan> spans{{0, 3}, {3, 6}, {6, 9}, {9, 9}};
        QCOMPARE(cl::tokenAtPosition(spans, pos), expected);
    }

    void commonPrefix() {
        QCOMPARE(cl::commonPrefixLength("hello", "help"), 3);
        QCOMPARE(cl::commonPrefixLength("", "x"), 0);
        QCOMPARE(cl::commonPrefixLength("same", "same"), 4);
    }
};

QTEST_GUILESS_MAIN(TestTokenSpans)
#include "tst_token_spans.moc"
