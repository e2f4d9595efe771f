// Malformed inputs give one clear sentence, never a crash (issue #4 tests): bad JSON, missing
// vocab or merges, a merge naming an unknown token, unsupported pipeline parts, a truncated or
// garbage .model, invalid UTF-8 text, bad paths and a bad tokenizer_config.json.
#include "core/text/tokenizer.h"

#include "common/fixtures.h"
#include "tst_tokenizer_helpers.h"

#include <QTemporaryDir>
#include <QtTest>

#include <fstream>

using nlohmann::json;

namespace {

json validJson() {
    return {{"version", "1.0"},
            {"added_tokens", json::array()},
            {"normalizer", nullptr},
            {"pre_tokenizer", {{"type", "ByteLevel"}, {"add_prefix_space", false}}},
            {"post_processor", nullptr},
            {"decoder", {{"type", "ByteLevel"}}},
            {"model",
             {{"type", "BPE"}, {"vocab", {{"a", 0}, {"b", 1}, {"ab", 2}}}, {"merges", {"a b"}}}}};
}

} // namespace

class TestTokenizerErrors : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void badTokenizerJson_data();
    void badTokenizerJson();
    void validMinimalJsonLoads();
    void brokenModelFiles_data();
    void brokenModelFiles();
    void invalidUtf8Text_data();
    void invalidUtf8Text();
    void badPaths();
    void badTokenizerConfig();
    void regexMatchLimitIsAnError();

private:
    std::string write(const std::string& name, const std::string& bytes);
    QTemporaryDir m_dir;
};

void TestTokenizerErrors::initTestCase() {
    QVERIFY(m_dir.isValid());
}

// Issue #18: a PCRE2 failure (here its match limit, on a pattern that backtracks 2^40 ways)
// handed the rest of the text back as one untokenized piece; now encode() says why it failed.
void TestTokenizerErrors::regexMatchLimitIsAnError() {
    json j = validJson();
    j["pre_tokenizer"] = {
        {"type", "Sequence"},
        {"pretokenizers",
         {{{"type", "Split"},
           {"pattern", {{"Regex", "(a|a)+$"}}},
           {"behavior", "Isolated"},
           {"invert", false}},
          {{"type", "ByteLevel"}, {"add_prefix_space", false}, {"use_regex", false}}}}};
    const auto tok = cl::Tokenizer::load(write("tokenizer.json", j.dump()));
    QVERIFY2(tok.ok(), tok.error().c_str());
    QVERIFY(tok.value()->encode("ab", false).ok());
    const auto enc = tok.value()->encode(std::string(40, 'a') + "!", false);
    QVERIFY(!enc.ok());
    QVERIFY2(enc.error().find("match limit") != std::string::npos, enc.error().c_str());
    QVERIFY2(enc.error().find("(a|a)+$") != std::string::npos, enc.error().c_str());
}

std::string TestTokenizerErrors::write(const std::string& name, const std::string& bytes) {
    const std::string path = m_dir.path().toStdString() + "/" + name;
    cl::test::writeTextFile(path, bytes);
    return path;
}

void TestTokenizerErrors::badTokenizerJson_data() {
    QTest::addColumn<QByteArray>("content");
    QTest::addColumn<QString>("expected");
    auto row = [](const char* name, const json& j, const char* expected) {
        QTest::newRow(name) << QByteArray::fromStdString(j.dump()) << QString(expected);
    };
    QTest::newRow("not json") << QByteArray("{\"model\": [1, 2") << QString("is not valid JSON");
    QTest::newRow("not an object") << QByteArray("[1]") << QString("top level");
    json j = validJson();
    j.erase("model");
    row("no model", j, "field \"model\" is missing");
    j = validJson();
    j["model"].erase("vocab");
    row("no vocab", j, "field model.vocab is missing");
    j = validJson();
    j["model"].erase("merges");
    row("no merges", j, "field model.merges is missing");
    j = validJson();
    j["model"]["merges"] = {"a b", "a zz"};
    row("unknown merge token", j, "model.merges[1] names token 'zz', which is not in model.vocab");
    j = validJson();
    j["model"]["merges"] = {"b a"};
    row("merge result unknown", j, "model.merges[0] produces token 'ba'");
    j = validJson();
    j["model"]["merges"] = {"ab"};
    row("merge without space", j, "expected two tokens separated by one space");
    j = validJson();
    j["model"]["merges"] = {json::array({"a"})};
    row("merge pair too short", j, "model.merges[0] is neither");
    j = validJson();
    j["model"]["vocab"]["c"] = "three";
    row("non-integer id", j, "non-integer id");
    j = validJson();
    j["model"]["type"] = "Unigram";
    row("unigram", j, "model.type is 'Unigram', which is not supported");
    j = validJson();
    j["normalizer"] = {{"type", "Lowercase"}};
    row("normalizer", j, "normalizer has type 'Lowercase', which is not supported");
    j = validJson();
    j["pre_tokenizer"] = {{"type", "Whitespace"}};
    row("pre-tokenizer", j, "pre_tokenizer has type 'Whitespace', which is not supported");
    j = validJson();
    j["decoder"] = {{"type", "WordPiece"}};
    row("decoder", j, "decoder has type 'WordPiece', which is not supported");
    j = validJson();
    j["post_processor"] = {{"type", "Mystery"}};
    row("post-processor", j, "post_processor has type 'Mystery'");
    j = validJson();
    j["model"]["unk_token"] = "<unk>";
    row("unk not in vocab", j, "model.unk_token '<unk>' is not in model.vocab");
    j = validJson();
    j["added_tokens"] = {{{"content", "x"}}};
    row("added token without id", j, "added_tokens[0] needs an integer id");
    // Issue #18: INT32_MAX overflowed the vocabulary size (maxId + 1); ids above 2^24 sized id
    // tables at gigabytes. Both are refused with a sentence.
    for (const int64_t id : {int64_t(INT32_MAX), int64_t(1) << 24, int64_t(1) << 40}) {
        j = validJson();
        j["model"]["vocab"]["c"] = id;
        row(qPrintable("vocab id " + QString::number(id)), j, "are beyond any real vocabulary");
    }
    j = validJson();
    j["added_tokens"] = {{{"id", INT32_MAX}, {"content", "<big>"}, {"special", true}}};
    row("added token id INT32_MAX", j, "added_tokens[0] has the id 2147483647");
}

void TestTokenizerErrors::badTokenizerJson() {
    QFETCH(QByteArray, content);
    QFETCH(QString, expected);
    const std::string path = write("tokenizer.json", content.toStdString());
    const auto tok = cl::Tokenizer::load(path);
    QVERIFY(!tok.ok());
    QVERIFY2(tok.error().find(expected.toStdString()) != std::string::npos, tok.error().c_str());
    QVERIFY2(tok.error().find(path) != std::string::npos, "the error names the file");
}

void TestTokenizerErrors::validMinimalJsonLoads() {
    const auto tok = cl::Tokenizer::load(write("tokenizer.json", validJson().dump()));
    QVERIFY2(tok.ok(), tok.error().c_str());
    QCOMPARE(tok.value()->encode("ab", false).value().ids, (std::vector<int32_t>{2}));
    // Characters not in the vocab and no unk token: dropped, as HF does.
    QCOMPARE(tok.value()->encode("abc", false).value().ids, (std::vector<int32_t>{2}));
}

void TestTokenizerErrors::brokenModelFiles_data() {
    QTest::addColumn<int>("keep"); // bytes kept from the real model; -1 = garbage
    QTest::newRow("truncated to half") << -2;
    QTest::newRow("truncated to 100 bytes") << 100;
    QTest::newRow("garbage") << -1;
    QTest::newRow("empty") << 0;
}

void TestTokenizerErrors::brokenModelFiles() {
    QFETCH(int, keep);
    std::string bytes;
    if (keep == -1) {
        bytes = std::string("\x0a\xff\xff\xff\xff\x0f garbage", 13);
    } else {
        CL_REQUIRE_FIXTURES();
        std::ifstream in(cl::test::fixtureStd("stories260k/tokenizer.model"), std::ios::binary);
        bytes.assign(std::istreambuf_iterator<char>(in), {});
        bytes.resize(keep == -2 ? bytes.size() / 2 : size_t(keep));
    }
    const std::string path = write("broken.model", bytes);
    const auto tok = cl::Tokenizer::load(path);
    QVERIFY(!tok.ok());
    QVERIFY2(tok.error().find(path) != std::string::npos, tok.error().c_str());
}

void TestTokenizerErrors::invalidUtf8Text_data() {
    QTest::addColumn<QString>("which");
    QTest::newRow("tokenizer.json") << "tokenizers/pythia/tokenizer.json";
    QTest::newRow("sentencepiece") << "stories260k/tokenizer.model";
}

void TestTokenizerErrors::invalidUtf8Text() {
    CL_REQUIRE_FIXTURES();
    QFETCH(QString, which);
    const auto tok = cl::Tokenizer::load(cl::test::fixtureStd(which));
    QVERIFY2(tok.ok(), tok.error().c_str());
    for (const std::string& bad : {std::string("abc\xFF"), std::string("abc\xC3"),
                                   std::string("abc\xED\xA0\x80"), std::string("abc\xC0\xAF")}) {
        const auto enc = tok.value()->encode(bad, true);
        QVERIFY(!enc.ok());
        QVERIFY2(enc.error().find("not valid UTF-8 (first bad byte at offset 3)") !=
                     std::string::npos,
                 enc.error().c_str());
    }
}

void TestTokenizerErrors::badPaths() {
    auto tok = cl::Tokenizer::load(m_dir.path().toStdString() + "/nothing-here");
    QVERIFY(!tok.ok());
    QVERIFY2(tok.error().find("does not exist") != std::string::npos, tok.error().c_str());
    const QString empty = m_dir.path() + "/empty-folder";
    QDir().mkpath(empty);
    tok = cl::Tokenizer::load(empty.toStdString());
    QVERIFY(!tok.ok());
    QVERIFY2(tok.error().find("neither tokenizer.json nor tokenizer.model") != std::string::npos,
             tok.error().c_str());
}

void TestTokenizerErrors::badTokenizerConfig() {
    const QString folder = m_dir.path() + "/bad-config";
    QDir().mkpath(folder);
    cl::test::writeTextFile((folder + "/tokenizer.json").toStdString(), validJson().dump());
    cl::test::writeTextFile((folder + "/tokenizer_config.json").toStdString(), "{\"add_bos");
    const auto tok = cl::Tokenizer::load(folder.toStdString());
    QVERIFY(!tok.ok());
    QVERIFY2(tok.error().find("tokenizer_config.json is not valid JSON") != std::string::npos,
             tok.error().c_str());
    // config.json's ids must be ids: 2^32 + 2 was read as 2 (cut to int32) before.
    const QString wide = m_dir.path() + "/wide-eos";
    QDir().mkpath(wide);
    cl::test::writeTextFile((wide + "/tokenizer.json").toStdString(), validJson().dump());
    cl::test::writeTextFile((wide + "/config.json").toStdString(),
                            R"({"eos_token_id": [4294967298, 1], "bos_token_id": 0})");
    const auto cut = cl::Tokenizer::load(wide.toStdString());
    QVERIFY(!cut.ok());
    QVERIFY2(cut.error().find("config.json: eos_token_id 4294967298 is not a token id") !=
                 std::string::npos,
             cut.error().c_str());
    cl::test::writeTextFile((wide + "/config.json").toStdString(),
                            R"({"eos_token_id": [2, 1], "bos_token_id": 0})");
    const auto fine = cl::Tokenizer::load(wide.toStdString());
    QVERIFY2(fine.ok(), fine.ok() ? "" : fine.error().c_str());
    QCOMPARE(fine.value()->special().bos, std::optional<int32_t>(0));
}

QTEST_GUILESS_MAIN(TestTokenizerErrors)
#include "tst_tokenizer_errors.moc"
