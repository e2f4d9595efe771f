// sentencepiece .model tokenizers through the dlopen'ed bridge against the real sentencepiece
// 0.1.97 (issue #4 tests): Llama 2's tokenizer.model and stories260k's, ids, pieces, decode and
// the library's per-piece byte offsets (proto_pieces).
#include "core/text/spm_library.h"
#include "core/text/spm_tokenizer.h"
#include "core/text/tokenizer.h"

#include "common/fixtures.h"
#include "tst_tokenizer_helpers.h"

#include <QtTest>

using cl::test::firstDifference;
using cl::test::spanProblem;

class TestTokenizerSpm : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void matchesSentencepiece_data();
    void matchesSentencepiece();
    void folderReadsTokenizerConfig();
    void bareModelDefaults();
    void fingerprints();
    void longTextChunkingIsExact_data();
    void longTextChunkingIsExact();
    void bridgeSearchOrder();
    void missingBridgeNamesPaths();
    void decodeFailureIsAnError();

private:
    struct Case {
        const cl::Tokenizer* tok;
        const nlohmann::json* record;
    };
    nlohmann::json m_llama;
    nlohmann::json m_stories;
    std::unique_ptr<cl::Tokenizer> m_llamaTok;
    std::unique_ptr<cl::Tokenizer> m_storiesTok;
};

void TestTokenizerSpm::initTestCase() {
    CL_REQUIRE_FIXTURES();
    m_llama = cl::test::readJsonFile(
        cl::test::fixtureStd("tokenizers/llama2_sentencepiece_tokenizations.json"));
    m_stories = cl::test::readJsonFile(cl::test::fixtureStd("stories260k/tokenizations.json"));
    auto llama = cl::Tokenizer::load(cl::test::fixtureStd("tokenizers/llama2/tokenizer.model"));
    QVERIFY2(llama.ok(), llama.error().c_str());
    m_llamaTok = std::move(llama).value();
    auto stories = cl::Tokenizer::load(cl::test::fixtureStd("stories260k"));
    QVERIFY2(stories.ok(), stories.error().c_str());
    m_storiesTok = std::move(stories).value();
}

void TestTokenizerSpm::matchesSentencepiece_data() {
    QTest::addColumn<int>("which");
    QTest::addColumn<int>("index");
    const nlohmann::json* sets[] = {&m_llama, &m_stories};
    const char* names[] = {"llama2", "stories260k"};
    for (int w = 0; w < 2; ++w) {
        const auto& strings = sets[w]->at("strings");
        for (size_t i = 0; i < strings.size(); ++i) {
            const std::string row =
                std::string(names[w]) + "/" + strings[i].at("id").get<std::string>();
            QTest::newRow(row.c_str()) << w << int(i);
        }
    }
}

void TestTokenizerSpm::matchesSentencepiece() {
    QFETCH(int, which);
    QFETCH(int, index);
    const cl::Tokenizer& tok = which == 0 ? *m_llamaTok : *m_storiesTok;
    const auto& s = (which == 0 ? m_llama : m_stories).at("strings").at(size_t(index));
    const std::string text = s.at("text");

    const auto enc = tok.encode(text, false);
    QVERIFY2(enc.ok(), enc.error().c_str());
    const auto& e = enc.value();
    QString diff = firstDifference(e.ids, s.at("ids").get<std::vector<int32_t>>());
    QVERIFY2(diff.isEmpty(), qPrintable("ids: " + diff));
    diff = firstDifference(e.pieces, s.at("pieces").get<std::vector<std::string>>());
    QVERIFY2(diff.isEmpty(), qPrintable("pieces: " + diff));

    const auto& proto = s.at("proto_pieces");
    QCOMPARE(e.offsets.size(), proto.size());
    for (size_t i = 0; i < proto.size(); ++i) {
        const std::pair<int64_t, int64_t> want(proto[i].at("byte_begin").get<int64_t>(),
                                               proto[i].at("byte_end").get<int64_t>());
        QVERIFY2(e.offsets[i] == want,
                 qPrintable(QStringLiteral("piece %1: span [%2,%3), sentencepiece [%4,%5)")
                                .arg(i)
                                .arg(e.offsets[i].first)
                                .arg(e.offsets[i].second)
                                .arg(want.first)
                                .arg(want.second)));
    }
    const bool lossless = s.at("roundtrip_exact").get<bool>();
    const QString spans = spanProblem(e, int64_t(text.size()), lossless);
    QVERIFY2(spans.isEmpty(), qPrintable(spans));

    QCOMPARE(tok.decode(e.ids), s.at("decoded").get<std::string>());
    if (lossless) {
        QCOMPARE(tok.decode(e.ids), text);
    }
    const auto withBos = tok.encode(text, true);
    QVERIFY2(withBos.ok(), withBos.error().c_str());
    diff = firstDifference(withBos.value().ids, s.at("ids_with_bos").get<std::vector<int32_t>>());
    QVERIFY2(diff.isEmpty(), qPrintable("ids_with_bos: " + diff));
    QCOMPARE(withBos.value().offsets.front(), (std::pair<int64_t, int64_t>(0, 0)));
}

void TestTokenizerSpm::folderReadsTokenizerConfig() {
    const cl::Tokenizer& t = *m_storiesTok;
    QCOMPARE(t.kind(), std::string("sentencepiece"));
    QCOMPARE(t.vocabSize(), 512);
    QCOMPARE(t.special().bos, std::optional<int32_t>(1));
    QCOMPARE(t.special().eos, std::optional<int32_t>(2));
    QCOMPARE(t.special().unk, std::optional<int32_t>(0));
    QVERIFY(!t.special().pad.has_value()); // pad_token null, pad_id -1
    QVERIFY(t.special().addBos);           // add_bos_token: true
    QVERIFY(!t.special().addEos);
    QCOMPARE(t.idToPiece(1), std::string("<s>"));
    QCOMPARE(t.pieceToId("</s>"), std::optional<int32_t>(2));
    QVERIFY(!t.pieceToId("definitely not a piece").has_value());
    QCOMPARE(t.idToPiece(512), std::string());
    // Control pieces never print; skipSpecial changes nothing then.
    QCOMPARE(t.decode({1, 403, 407, 2}), std::string("Once upon"));
    QCOMPARE(t.decode({1, 403, 407, 2}, true), std::string("Once upon"));
    const auto& spm = dynamic_cast<const cl::SpmTokenizer&>(t);
    QVERIFY(spm.isControl(1));
    QVERIFY(!spm.isControl(403));
    QVERIFY(spm.isByte(3)); // <0x00>
}

void TestTokenizerSpm::bareModelDefaults() {
    // No tokenizer_config.json beside Llama 2's .model: LlamaTokenizer defaults (BOS, no EOS).
    const cl::Tokenizer& t = *m_llamaTok;
    QCOMPARE(t.vocabSize(), 32000);
    QCOMPARE(t.special().bos, std::optional<int32_t>(1));
    QVERIFY(t.special().addBos);
    QVERIFY(!t.special().addEos);
    const auto enc = t.encode("Hello", true).value();
    QCOMPARE(enc.ids, (std::vector<int32_t>{1, 15043}));
    QCOMPARE(t.encode("", false).value().ids.size(), size_t(0));
}

// Issue #18: a failed sentencepiece decode returned "" and the text vanished without a word.
// The bridge's decode is swapped for one that fails, as an OOM or a corrupt model would.
void TestTokenizerSpm::decodeFailureIsAnError() {
    const auto lib = cl::SpmLibrary::instance();
    QVERIFY2(lib.ok(), lib.error().c_str());
    auto* mutableLib = const_cast<cl::SpmLibrary*>(lib.value());
    const auto saved = mutableLib->decode;
    mutableLib->decode = [](const clspm_processor*, const int32_t*, size_t, char**,
                            size_t*) -> int { return -1; };
    std::string message;
    try {
        m_storiesTok->decode({5, 6});
    } catch (const std::runtime_error& e) {
        message = e.what();
    }
    mutableLib->decode = saved;
    QVERIFY2(message.find("could not decode 2 ids") != std::string::npos, message.c_str());
    QVERIFY(!m_storiesTok->decode({5, 6}).empty()); // the real decode is back
}

void TestTokenizerSpm::fingerprints() {
    auto again = cl::Tokenizer::load(cl::test::fixtureStd("stories260k/tokenizer.model"));
    QVERIFY2(again.ok(), again.error().c_str());
    QCOMPARE(again.value()->fingerprint(), m_storiesTok->fingerprint());
    QVERIFY(m_llamaTok->fingerprint() != m_storiesTok->fingerprint());
}

void TestTokenizerSpm::longTextChunkingIsExact_data() {
    QTest::addColumn<int>("which");
    QTest::newRow("llama2") << 0;
    QTest::newRow("stories260k") << 1;
}

void TestTokenizerSpm::longTextChunkingIsExact() {
    // Long texts are encoded in chunks cut at spaces (speed); the result must equal one call.
    QFETCH(int, which);
    const auto& tok =
        dynamic_cast<const cl::SpmTokenizer&>(which == 0 ? *m_llamaTok : *m_storiesTok);
    QCOMPARE(tok.chunkBytes(), cl::SpmTokenizer::kDefaultChunkBytes); // the load probe passed
    std::string text;
    const auto& strings = (which == 0 ? m_llama : m_stories).at("strings");
    for (int round = 0; text.size() < 40000; ++round) {
        for (const auto& s : strings) {
            text += s.at("text").get<std::string>() + (round % 2 ? " " : "\n");
        }
    }
    const auto chunked = tok.encode(text, true);
    auto whole = cl::Tokenizer::load(tok.source());
    QVERIFY2(whole.ok(), whole.error().c_str());
    auto& single = dynamic_cast<cl::SpmTokenizer&>(*whole.value());
    single.setChunkBytes(0);
    const auto reference = single.encode(text, true);
    QVERIFY(chunked.ok() && reference.ok());
    const QString ids = firstDifference(chunked.value().ids, reference.value().ids);
    QVERIFY2(ids.isEmpty(), qPrintable(ids.left(300)));
    QVERIFY(chunked.value().offsets == reference.value().offsets);
    QVERIFY(chunked.value().pieces == reference.value().pieces);
}

void TestTokenizerSpm::bridgeSearchOrder() {
    qputenv("CREDITLENS_SPM_BRIDGE", "/nowhere/libcreditlens_spm_bridge.so");
    const auto paths = cl::SpmLibrary::candidatePaths();
    qunsetenv("CREDITLENS_SPM_BRIDGE");
    QVERIFY(paths.size() >= 3);
    QCOMPARE(paths.front(), std::string("/nowhere/libcreditlens_spm_bridge.so"));
    QVERIFY(paths.back().find("libcreditlens_spm_bridge.so") != std::string::npos);
    QVERIFY(paths[1].find("/creditlens/") != std::string::npos);
    QVERIFY(cl::SpmLibrary::instance().ok()); // the build tree's bridge is found
}

void TestTokenizerSpm::missingBridgeNamesPaths() {
    const auto r =
        cl::SpmLibrary::loadFrom({"/nowhere/a.so", "/usr/lib/x86_64-linux-gnu/libm.so.6"});
    QVERIFY(!r.ok());
    QVERIFY2(r.error().find("/nowhere/a.so (not found)") != std::string::npos, r.error().c_str());
    QVERIFY2(r.error().find("CREDITLENS_SPM_BRIDGE") != std::string::npos, r.error().c_str());
}

QTEST_GUILESS_MAIN(TestTokenizerSpm)
#include "tst_tokenizer_spm.moc"
