// Llama-style tokenizer.json (REFERENCE.md §6.3; issue #4 item 3): legacy Prepend+Replace
// normalizer, Metaspace pre-tokenizer with prepend_scheme always/first/never and split, BPE with
// byte_fallback <0xNN>, fused unk, the Replace/ByteFallback/Fuse/Strip and Metaspace decoders,
// and the <s> template. The tokenizer is a hand-made tiny vocab written by the test; expected
// ids follow the HF merge rule (lowest rank first, leftmost on ties).
#include "core/text/tokenizer.h"

#include "tst_tokenizer_helpers.h"

#include <QTemporaryDir>
#include <QtTest>

using nlohmann::json;
using Ids = std::vector<int32_t>;
using Span = std::pair<int64_t, int64_t>;

namespace {

const std::string kMeta = "\xE2\x96\x81"; // ▁

/// ids: <unk> 0, <s> 1, </s> 2, <0x00>..<0xFF> 3..258, then the pieces below from 259.
json tinyModel(bool byteFallback) {
    json vocab = {{"<unk>", 0}, {"<s>", 1}, {"</s>", 2}};
    for (int b = 0; b < 256; ++b) {
        char name[8];
        std::snprintf(name, sizeof(name), "<0x%02X>", b);
        vocab[name] = 3 + b;
    }
    const std::vector<std::string> pieces = {
        kMeta,       "h",  "e",           "l",  "o",
        "w",         "r",  "d",                                   // 259..266
        kMeta + "h", "el", kMeta + "hel", "lo", kMeta + "hello",  // 267..271
        kMeta + "w", "or", kMeta + "wor", "ld", kMeta + "world"}; // 272..276
    for (size_t i = 0; i < pieces.size(); ++i) {
        vocab[pieces[i]] = 259 + int(i);
    }
    // Ranks 0..9; the last five use the ["a","b"] form of tokenizers >= 0.20.
    json merges = {kMeta + " h",
                   "e l",
                   kMeta + "h el",
                   "l o",
                   kMeta + "hel lo",
                   json::array({kMeta, "w"}),
                   json::array({"o", "r"}),
                   json::array({kMeta + "w", "or"}),
                   json::array({"l", "d"}),
                   json::array({kMeta + "wor", "ld"})};
    return {{"type", "BPE"},
            {"dropout", nullptr},
            {"unk_token", "<unk>"},
            {"continuing_subword_prefix", nullptr},
            {"end_of_word_suffix", nullptr},
            {"fuse_unk", true},
            {"byte_fallback", byteFallback},
            {"vocab", vocab},
            {"merges", merges}};
}

json addedTokens() {
    json list = json::array();
    const char* names[] = {"<unk>", "<s>", "</s>"};
    for (int id = 0; id < 3; ++id) {
        list.push_back({{"id", id},
                        {"content", names[id]},
                        {"single_word", false},
                        {"lstrip", false},
                        {"rstrip", false},
                        {"normalized", false},
                        {"special", true}});
    }
    return list;
}

json llamaDecoder() {
    return {{"type", "Sequence"},
            {"decoders",
             {{{"type", "Replace"}, {"pattern", {{"String", kMeta}}}, {"content", " "}},
              {{"type", "ByteFallback"}},
              {{"type", "Fuse"}},
              {{"type", "Strip"}, {"content", " "}, {"start", 1}, {"stop", 0}}}}};
}

json bosTemplate() {
    return {{"type", "TemplateProcessing"},
            {"single",
             {{{"SpecialToken", {{"id", "<s>"}, {"type_id", 0}}}},
              {{"Sequence", {{"id", "A"}, {"type_id", 0}}}}}},
            {"pair", json::array()},
            {"special_tokens", {{"<s>", {{"id", "<s>"}, {"ids", {1}}, {"tokens", {"<s>"}}}}}}};
}

/// legacy: Sequence[Prepend ▁, Replace " " -> ▁], no pre-tokenizer.
json legacyJson(bool byteFallback = true) {
    json normalizer = {
        {"type", "Sequence"},
        {"normalizers",
         {{{"type", "Prepend"}, {"prepend", kMeta}},
          {{"type", "Replace"}, {"pattern", {{"String", " "}}}, {"content", kMeta}}}}};
    return {{"version", "1.0"},
            {"added_tokens", addedTokens()},
            {"normalizer", normalizer},
            {"pre_tokenizer", nullptr},
            {"post_processor", bosTemplate()},
            {"decoder", llamaDecoder()},
            {"model", tinyModel(byteFallback)}};
}

/// non-legacy: Metaspace pre-tokenizer with the given scheme.
json metaspaceJson(const std::string& scheme, bool split, bool metaspaceDecoder = false) {
    json pre = {{"type", "Metaspace"},
                {"replacement", kMeta},
                {"prepend_scheme", scheme},
                {"split", split}};
    json decoder = metaspaceDecoder ? json{{"type", "Metaspace"},
                                           {"replacement", kMeta},
                                           {"prepend_scheme", scheme},
                                           {"split", split}}
                                    : llamaDecoder();
    return {{"added_tokens", addedTokens()},   {"normalizer", nullptr}, {"pre_tokenizer", pre},
            {"post_processor", bosTemplate()}, {"decoder", decoder},    {"model", tinyModel(true)}};
}

} // namespace

class TestTokenizerLlamaJson : public QObject {
    Q_OBJECT
private slots:
    void encodes_data();
    void encodes();
    void legacySpans();
    void byteFallbackSpansAndDecode();
    void fusedUnkWithoutByteFallback();
    void templateAndConfigSpecials();
    void metaspaceDecoder();

private:
    std::unique_ptr<cl::Tokenizer> load(const json& j, const json& config = json());
    QTemporaryDir m_dir;
    int m_count = 0;
};

std::unique_ptr<cl::Tokenizer> TestTokenizerLlamaJson::load(const json& j, const json& config) {
    const QString folder = m_dir.path() + QStringLiteral("/t%1").arg(m_count++);
    QDir().mkpath(folder);
    cl::test::writeTextFile((folder + "/tokenizer.json").toStdString(), j.dump());
    if (!config.is_null()) {
        cl::test::writeTextFile((folder + "/tokenizer_config.json").toStdString(), config.dump());
    }
    auto tok = cl::Tokenizer::load(folder.toStdString());
    if (!tok) {
        qWarning("%s", tok.error().c_str());
        return nullptr;
    }
    return std::move(tok).value();
}

void TestTokenizerLlamaJson::encodes_data() {
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<Ids>("ids");
    const auto legacy = QByteArray::fromStdString(legacyJson().dump());
    const auto always = QByteArray::fromStdString(metaspaceJson("always", false).dump());
    const auto first = QByteArray::fromStdString(metaspaceJson("first", false).dump());
    const auto never = QByteArray::fromStdString(metaspaceJson("never", false).dump());
    const auto splitting = QByteArray::fromStdString(metaspaceJson("always", true).dump());
    QTest::newRow("legacy") << legacy << QByteArray("hello world") << Ids{271, 276};
    QTest::newRow("legacy two spaces")
        << legacy << QByteArray("hello  world") << Ids{271, 259, 276};
    // Prepend acts on each piece between added tokens, so text after <s> gets ▁ too.
    QTest::newRow("legacy after <s>") << legacy << QByteArray("<s>hello") << Ids{1, 271};
    QTest::newRow("legacy empty") << legacy << QByteArray("") << Ids{};
    QTest::newRow("first") << first << QByteArray("hello world") << Ids{271, 276};
    // prepend_scheme first: only the piece at original offset 0 gets ▁.
    QTest::newRow("first after <s>") << first << QByteArray("<s>hello") << Ids{1, 260, 268, 270};
    QTest::newRow("always after <s>") << always << QByteArray("<s>hello") << Ids{1, 271};
    QTest::newRow("never") << never << QByteArray("hello world") << Ids{260, 268, 270, 276};
    QTest::newRow("split") << splitting << QByteArray("hello world") << Ids{271, 276};
    // With split, every ▁ starts a new word: "▁hello", "▁", "▁world".
    QTest::newRow("split runs") << splitting << QByteArray("hello  world") << Ids{271, 259, 276};
    // é is not in the vocab: its UTF-8 bytes C3 A9 -> <0xC3> <0xA9> = 3+0xC3, 3+0xA9.
    QTest::newRow("byte fallback") << legacy << QByteArray("h\xC3\xA9") << Ids{267, 198, 172};
}

void TestTokenizerLlamaJson::encodes() {
    QFETCH(QByteArray, json);
    QFETCH(QByteArray, text);
    QFETCH(Ids, ids);
    const auto tok = load(json::parse(json.toStdString()));
    QVERIFY(tok);
    QCOMPARE(tok->kind(), std::string("bpe-llama"));
    const auto enc = tok->encode(text.toStdString(), false);
    QVERIFY2(enc.ok(), enc.error().c_str());
    const QString diff = cl::test::firstDifference(enc.value().ids, ids);
    QVERIFY2(diff.isEmpty(), qPrintable(diff));
    QVERIFY(cl::test::spanProblem(enc.value(), text.size(), true).isEmpty());
    // Lossless: decode gives the text back (minus a leading "<s>" which decodes as itself).
    QCOMPARE(tok->decode(enc.value().ids, true),
             text.toStdString().substr(text.startsWith("<s>") ? 3 : 0));
}

void TestTokenizerLlamaJson::legacySpans() {
    const auto tok = load(legacyJson());
    QVERIFY(tok);
    const auto enc = tok->encode("hello  world", false).value();
    // The prepended ▁ has no source text; each "▁" from a space covers that space.
    QCOMPARE(enc.offsets, (std::vector<Span>{{0, 5}, {5, 6}, {6, 12}}));
    QCOMPARE(enc.pieces, (std::vector<std::string>{kMeta + "hello", kMeta, kMeta + "world"}));
}

void TestTokenizerLlamaJson::byteFallbackSpansAndDecode() {
    const auto tok = load(legacyJson());
    QVERIFY(tok);
    const auto enc = tok->encode("h\xC3\xA9", false).value();
    // The first byte piece gets an empty span at é's start, the last the whole character.
    QCOMPARE(enc.offsets, (std::vector<Span>{{0, 1}, {1, 1}, {1, 3}}));
    QCOMPARE(enc.pieces[1], std::string("<0xC3>"));
    QCOMPARE(tok->decode(enc.ids), std::string("h\xC3\xA9"));
    // A lone continuation byte is invalid UTF-8: one U+FFFD per byte piece.
    QCOMPARE(tok->decode({267, 198}), std::string("h\xEF\xBF\xBD"));
    QCOMPARE(tok->decode({198, 198}), std::string("\xEF\xBF\xBD\xEF\xBF\xBD"));
}

void TestTokenizerLlamaJson::fusedUnkWithoutByteFallback() {
    const auto tok = load(legacyJson(false));
    QVERIFY(tok);
    // Two unknown characters in a row fuse into one <unk> (fuse_unk: true).
    const auto enc = tok->encode("h\xC3\xA9\xC3\xA9", false).value();
    QCOMPARE(enc.ids, (Ids{267, 0}));
    QCOMPARE(enc.offsets, (std::vector<Span>{{0, 1}, {1, 5}}));
    QCOMPARE(tok->special().unk, std::optional<int32_t>(0));
}

void TestTokenizerLlamaJson::templateAndConfigSpecials() {
    const auto tok = load(legacyJson());
    QVERIFY(tok);
    QCOMPARE(tok->special().bos, std::optional<int32_t>(1));
    QVERIFY(tok->special().addBos);
    auto enc = tok->encode("hello", true).value();
    QCOMPARE(enc.ids, (Ids{1, 271}));
    QCOMPARE(enc.offsets, (std::vector<Span>{{0, 0}, {0, 5}}));
    QCOMPARE(tok->decode(enc.ids), std::string("<s> hello")); // HF prints <s> and the space
    QCOMPARE(tok->decode(enc.ids, true), std::string("hello"));

    // tokenizer_config.json overrides the template: no BOS, but EOS.
    const auto configured =
        load(legacyJson(),
             json{{"add_bos_token", false}, {"add_eos_token", true}, {"eos_token", "</s>"}});
    QVERIFY(configured);
    enc = configured->encode("hello", true).value();
    QCOMPARE(enc.ids, (Ids{271, 2}));
    QCOMPARE(enc.offsets.back(), (Span{5, 5}));
    QCOMPARE(configured->encode("hello", false).value().ids, (Ids{271}));
}

void TestTokenizerLlamaJson::metaspaceDecoder() {
    const auto tok = load(metaspaceJson("always", true, true));
    QVERIFY(tok);
    QCOMPARE(tok->decode({271, 276}), std::string("hello world"));
    // prepend_scheme never keeps the first token's ▁ as a space.
    const auto never = load(metaspaceJson("never", true, true));
    QVERIFY(never);
    QCOMPARE(never->decode({271, 276}), std::string(" hello world"));
}

QTEST_GUILESS_MAIN(TestTokenizerLlamaJson)
#include "tst_tokenizer_llama_json.moc"
