// GPT-NeoX / Pythia tokenizer.json against the real HF tokenizer on every fixture string
// (issue #4 tests: ids, pieces, decode, spans). Fixture: tokenizers/neox_pythia_tokenizations.json.
#include "core/text/hf_tokenizer.h"
#include "core/text/tokenizer.h"

#include "common/fixtures.h"
#include "tst_tokenizer_helpers.h"

#include <QtTest>

using cl::test::firstDifference;
using cl::test::spanProblem;

class TestTokenizerNeox : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void matchesHf_data();
    void matchesHf();
    void loadsFolderWithConfig();
    void multibyteSpans();
    void nfdInputSpansPointAtOriginal();
    void specialTokenInsideText();

private:
    nlohmann::json m_fixture;
    std::unique_ptr<cl::Tokenizer> m_tok;
};

void TestTokenizerNeox::initTestCase() {
    CL_REQUIRE_FIXTURES();
    m_fixture =
        cl::test::readJsonFile(cl::test::fixtureStd("tokenizers/neox_pythia_tokenizations.json"));
    auto tok = cl::Tokenizer::load(cl::test::fixtureStd("tokenizers/pythia/tokenizer.json"));
    QVERIFY2(tok.ok(), tok.error().c_str());
    m_tok = std::move(tok).value();
}

void TestTokenizerNeox::matchesHf_data() {
    QTest::addColumn<int>("index");
    const auto& strings = m_fixture.at("strings");
    for (size_t i = 0; i < strings.size(); ++i) {
        QTest::newRow(strings[i].at("id").get<std::string>().c_str()) << int(i);
    }
}

void TestTokenizerNeox::matchesHf() {
    QFETCH(int, index);
    const auto& s = m_fixture.at("strings").at(size_t(index));
    const std::string text = s.at("text");
    const auto enc = m_tok->encode(text, false);
    QVERIFY2(enc.ok(), enc.error().c_str());
    const auto& e = enc.value();

    const QString ids = firstDifference(e.ids, s.at("ids").get<std::vector<int32_t>>());
    QVERIFY2(ids.isEmpty(), qPrintable("ids: " + ids));
    const QString pieces =
        firstDifference(e.pieces, s.at("tokens").get<std::vector<std::string>>());
    QVERIFY2(pieces.isEmpty(), qPrintable("pieces: " + pieces));

    // Byte-level BPE is lossless at span level: spans tile the original text.
    const QString spans = spanProblem(e, int64_t(text.size()), true);
    QVERIFY2(spans.isEmpty(), qPrintable(spans));

    QCOMPARE(m_tok->decode(e.ids), s.at("decoded").get<std::string>());
    QCOMPARE(m_tok->decode(e.ids, true), s.at("decoded_skip_special_tokens").get<std::string>());
    QCOMPARE(cl::HfTokenizer::cleanUpTokenizationSpaces(m_tok->decode(e.ids)),
             s.at("decoded_with_cleanup").get<std::string>());
    if (s.at("roundtrip_exact").get<bool>()) {
        QCOMPARE(m_tok->decode(e.ids), text);
    }
    const auto perToken = s.at("per_token_decoded").get<std::vector<std::string>>();
    QCOMPARE(perToken.size(), e.ids.size());
    for (size_t i = 0; i < e.ids.size(); ++i) {
        QCOMPARE(m_tok->decode({e.ids[i]}), perToken[i]);
    }
}

void TestTokenizerNeox::loadsFolderWithConfig() {
    auto tok = cl::Tokenizer::load(cl::test::fixtureStd("tokenizers/pythia"));
    QVERIFY2(tok.ok(), tok.error().c_str());
    const cl::Tokenizer& t = *tok.value();
    QCOMPARE(t.kind(), std::string("bpe-bytelevel"));
    QCOMPARE(t.vocabSize(), 50281); // 50254 BPE ids + added tokens up to id 50280
    QCOMPARE(t.special().bos, std::optional<int32_t>(0));
    QCOMPARE(t.special().eos, std::optional<int32_t>(0));
    QCOMPARE(t.special().unk, std::optional<int32_t>(0));
    QVERIFY(!t.special().pad.has_value());
    QVERIFY(!t.special().addBos);
    QVERIFY(!t.special().addEos);
    QCOMPARE(t.idToPiece(50276), std::string(2, ' '));
    QCOMPARE(t.pieceToId("\xC4\xA0world"), std::optional<int32_t>(1533)); // "Ġworld"
    QVERIFY(!t.pieceToId("no such piece").has_value());
    QCOMPARE(t.fingerprint(), m_tok->fingerprint()); // same file, same fingerprint
    QCOMPARE(t.fingerprint().size(), size_t(32));
    // Pythia adds nothing, with or without special tokens.
    QCOMPARE(t.encode("Hello world", true).value().ids, (std::vector<int32_t>{12092, 1533}));
}

void TestTokenizerNeox::multibyteSpans() {
    // "🤗" is 4 bytes that byte-level BPE splits across tokens: the tokens that only hold its
    // first bytes get an empty span at its start, the one that completes it gets all 4 bytes.
    const std::string text = "emoji \xF0\x9F\xA4\x97!";
    const auto enc = m_tok->encode(text, false).value();
    QVERIFY(spanProblem(enc, int64_t(text.size()), true).isEmpty());
    bool sawEmpty = false;
    for (size_t i = 0; i < enc.ids.size(); ++i) {
        const auto [b, e] = enc.offsets[i];
        if (b == e) {
            sawEmpty = true;
            QCOMPARE(b, int64_t(6)); // where the emoji starts
        }
    }
    QVERIFY2(sawEmpty, "the emoji should be split over several byte-level tokens");
    QCOMPARE(enc.offsets.back().second, int64_t(11));
    QCOMPARE(cl::utf8ByteToUtf16Index(text, 10), int64_t(8)); // surrogate pair counts 2
}

void TestTokenizerNeox::nfdInputSpansPointAtOriginal() {
    // NFD "e" + U+0301 becomes NFC "é" before BPE: the token's span is the 3 original bytes.
    const std::string text = "cafe\xCC\x81";
    const auto enc = m_tok->encode(text, false).value();
    QVERIFY(spanProblem(enc, int64_t(text.size()), true).isEmpty());
    QCOMPARE(m_tok->decode(enc.ids), std::string("caf\xC3\xA9"));
    QCOMPARE(enc.offsets.back().second, int64_t(6));
}

void TestTokenizerNeox::specialTokenInsideText() {
    const std::string text = "Hello<|endoftext|>world";
    const auto enc = m_tok->encode(text, false).value();
    QCOMPARE(enc.ids, (std::vector<int32_t>{12092, 0, 10186}));
    QCOMPARE(enc.offsets[1], (std::pair<int64_t, int64_t>(5, 18)));
    QCOMPARE(m_tok->decode(enc.ids, true), std::string("Helloworld"));
}

QTEST_GUILESS_MAIN(TestTokenizerNeox)
#include "tst_tokenizer_neox.moc"
