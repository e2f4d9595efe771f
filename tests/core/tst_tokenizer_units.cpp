// Building blocks of the tokenizers (issue #4): UTF-8 helpers and the UTF-16 index for Qt
// editors, alignment through normalization, the bytes_to_unicode table, the GPT-2 split regex,
// the BPE merge order, and added-token matching (lstrip/rstrip/single_word).
#include "core/text/added_vocabulary.h"
#include "core/text/bpe_model.h"
#include "core/text/byte_level.h"
#include "core/text/normalized_text.h"
#include "core/text/regex_splitter.h"
#include "core/text/tokenizer.h"
#include "core/text/utf8.h"

#include <QtTest>

using Span = std::pair<int64_t, int64_t>;

class TestTokenizerUnits : public QObject {
    Q_OBJECT
private slots:
    void utf8Validation_data();
    void utf8Validation();
    void lossyDecoding();
    void utf16Index_data();
    void utf16Index();
    void byteLevelTable();
    void gpt2Split_data();
    void gpt2Split();
    void alignmentThroughReplaceAndPrepend();
    void alignmentThroughNfc();
    void bpeMergeOrder();
    void addedTokenStripping();
};

void TestTokenizerUnits::utf8Validation_data() {
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<int>("firstBad"); // -1 = valid
    QTest::newRow("ascii") << QByteArray("hello") << -1;
    QTest::newRow("2-3-4 byte") << QByteArray("\xC3\xA9\xE6\x97\xA5\xF0\x9F\xA4\x97") << -1;
    QTest::newRow("lone continuation") << QByteArray("ab\x80") << 2;
    QTest::newRow("truncated") << QByteArray("a\xE6\x97") << 1;
    QTest::newRow("overlong") << QByteArray("\xC0\xAF") << 0;
    QTest::newRow("surrogate") << QByteArray("x\xED\xA0\x80") << 1;
    QTest::newRow("above U+10FFFF") << QByteArray("\xF4\x90\x80\x80") << 0;
}

void TestTokenizerUnits::utf8Validation() {
    QFETCH(QByteArray, bytes);
    QFETCH(int, firstBad);
    const size_t got = cl::utf8::firstInvalid(bytes.toStdString());
    QCOMPARE(got == std::string::npos ? -1 : int(got), firstBad);
}

void TestTokenizerUnits::lossyDecoding() {
    // One U+FFFD per maximal ill-formed subpart, as Rust's from_utf8_lossy.
    const std::string fffd = "\xEF\xBF\xBD";
    QCOMPARE(cl::utf8::lossy("a\xE6\x97"
                             "b"),
             "a" + fffd + "b");
    QCOMPARE(cl::utf8::lossy("\x80\x80"), fffd + fffd);
    QCOMPARE(cl::utf8::lossy("\xC3\xA9"), std::string("\xC3\xA9"));
    QCOMPARE(cl::utf8::lossy("\xF0\x9F\xA4"), fffd);
}

void TestTokenizerUnits::utf16Index_data() {
    QTest::addColumn<int>("byteOffset");
    QTest::addColumn<int>("utf16");
    // "aé日🤗b": a(1) é(2) 日(3) 🤗(4 bytes, 2 UTF-16 units) b(1)
    QTest::newRow("start") << 0 << 0;
    QTest::newRow("after a") << 1 << 1;
    QTest::newRow("after é") << 3 << 2;
    QTest::newRow("inside 日") << 4 << 2;
    QTest::newRow("after 日") << 6 << 3;
    QTest::newRow("after emoji") << 10 << 5;
    QTest::newRow("end") << 11 << 6;
    QTest::newRow("past the end") << 99 << 6;
    QTest::newRow("negative") << -5 << 0;
}

void TestTokenizerUnits::utf16Index() {
    QFETCH(int, byteOffset);
    QFETCH(int, utf16);
    const std::string text = "a\xC3\xA9\xE6\x97\xA5\xF0\x9F\xA4\x97"
                             "b";
    QCOMPARE(cl::utf8ByteToUtf16Index(text, byteOffset), int64_t(utf16));
    // Agrees with Qt's own UTF-16 for character boundaries.
    if (byteOffset == 10) {
        QCOMPARE(QString::fromUtf8(text.substr(0, 10).c_str()).size(), qsizetype(utf16));
    }
}

void TestTokenizerUnits::byteLevelTable() {
    const auto& t = cl::byte_level::byteToChar();
    QCOMPARE(t[' '], std::string("\xC4\xA0"));  // Ġ
    QCOMPARE(t['\n'], std::string("\xC4\x8A")); // Ċ
    QCOMPARE(t['a'], std::string("a"));
    QCOMPARE(t[0xAD], std::string("\xC5\x83")); // the last of the 68 remapped bytes: U+0143
    for (int b = 0; b < 256; ++b) {
        const auto back = cl::byte_level::decodeToken(t[size_t(b)]);
        QVERIFY(back && back->size() == 1 && uint8_t((*back)[0]) == b);
    }
    QVERIFY(!cl::byte_level::decodeToken(" ").has_value()); // space is not in the table
}

void TestTokenizerUnits::gpt2Split_data() {
    QTest::addColumn<QString>("text");
    QTest::addColumn<QStringList>("pieces");
    QTest::newRow("words") << "Hello world" << QStringList{"Hello", " world"};
    QTest::newRow("contractions") << "I'm don't" << QStringList{"I", "'m", " don", "'t"};
    QTest::newRow("upper contraction") << "CAN'T" << QStringList{"CAN", "'", "T"};
    // \s+(?!\S): the last space of a run goes with the next word.
    QTest::newRow("space run") << "a   b" << QStringList{"a", "  ", " b"};
    QTest::newRow("trailing spaces") << "a  " << QStringList{"a", "  "};
    QTest::newRow("digits") << "$38,000" << QStringList{"$", "38", ",", "000"};
    QTest::newRow("unicode letters")
        << "caf\u00e9 \u65e5\u672c" << QStringList{"caf\u00e9", " \u65e5\u672c"};
    QTest::newRow("newlines") << "a\n\nb" << QStringList{"a", "\n", "\n", "b"};
}

void TestTokenizerUnits::gpt2Split() {
    QFETCH(QString, text);
    QFETCH(QStringList, pieces);
    static const cl::RegexSplitter regex(cl::RegexSplitter::gpt2Pattern());
    const std::string s = text.toStdString();
    QStringList got;
    for (const auto& [b, e] : regex.split(s)) {
        got << QString::fromStdString(s.substr(b, e - b));
    }
    QCOMPARE(got, pieces);
}

void TestTokenizerUnits::alignmentThroughReplaceAndPrepend() {
    cl::NormalizedText t("ab cd", 10);
    t.prepend("\xE2\x96\x81");
    t.replaceAll(" ", "\xE2\x96\x81");
    QCOMPARE(t.text(), std::string("\xE2\x96\x81"
                                   "ab\xE2\x96\x81"
                                   "cd"));
    QCOMPARE(t.originalRange(0, 3), (Span{10, 10})); // the prepended ▁ has no source
    QCOMPARE(t.originalRange(0, 5), (Span{10, 12}));
    QCOMPARE(t.originalRange(5, 8), (Span{12, 13})); // ▁ from the space
    QCOMPARE(t.originalRange(5, 10), (Span{12, 15}));
    QCOMPARE(t.originalRange(6, 10), (Span{12, 15})); // a cut inside ▁ moves to its start
}

void TestTokenizerUnits::alignmentThroughNfc() {
    // "xe" + U+0301 + "y": NFC turns e+◌́ (3 bytes) into é (2 bytes).
    cl::NormalizedText t("xe\xCC\x81y", 0);
    t.normalizeForm("NFC");
    QCOMPARE(t.text(), std::string("x\xC3\xA9y"));
    QCOMPARE(t.originalRange(1, 3), (Span{1, 4}));
    QCOMPARE(t.originalRange(1, 2), (Span{1, 1})); // half of é: empty at its start
    QCOMPARE(t.originalRange(2, 4), (Span{1, 5}));
    QCOMPARE(t.originalRange(3, 4), (Span{4, 5}));
}

void TestTokenizerUnits::bpeMergeOrder() {
    // "aaa" with merge "a a": leftmost first -> "aa" "a" (HF word.rs tie rule).
    std::unordered_map<std::string, int32_t> vocab = {
        {"a", 0}, {"b", 1}, {"aa", 2}, {"ab", 3}, {"aab", 4}};
    cl::BpeModel model(vocab, {{"a", "b"}, {"a", "a"}, {"a", "ab"}}, {});
    std::vector<cl::BpePiece> pieces;
    model.tokenize("aaa", pieces);
    QCOMPARE(pieces.size(), size_t(2));
    QCOMPARE(pieces[0].id, 2);
    QCOMPARE(pieces[1].id, 0);
    // "aab": rank 0 "a b" wins over rank 1 "a a", then "a ab" -> "aab".
    pieces.clear();
    model.tokenize("aab", pieces);
    QCOMPARE(pieces.size(), size_t(1));
    QCOMPARE(pieces[0].id, 4);
    QCOMPARE(pieces[0].end, 3u);
}

void TestTokenizerUnits::addedTokenStripping() {
    cl::AddedToken mask{7, "<mask>", true, false, true, true, false};
    cl::AddedToken word{8, "cat", false, true, false, false, false};
    cl::AddedVocabulary added({mask, word});
    auto splits = added.split("a  <mask>  b", false);
    QCOMPARE(splits.size(), size_t(3));
    QCOMPARE(splits[1].id, 7);
    QCOMPARE(splits[1].begin, size_t(1)); // lstrip took the two spaces before
    QCOMPARE(splits[1].end, size_t(11));  // rstrip the two after
    // single_word: "cat" inside "concatenate" is not a match, alone it is.
    splits = added.split("concatenate cat", false);
    QCOMPARE(splits.size(), size_t(2));
    QCOMPARE(splits[1].id, 8);
    QCOMPARE(splits[1].begin, size_t(12));
    QVERIFY(added.split("<mask>", true).front().id < 0); // not a normalized-pass token
}

QTEST_GUILESS_MAIN(TestTokenizerUnits)
#include "tst_tokenizer_units.moc"
