// creditlens-cli tokenize / detokenize, the exact contract of issue #4 item 7: one JSON object
// per input text with ids, pieces and byte offsets; --no-special; --input with one JSON string
// per line; detokenize prints {"text": ...}; user errors exit 1 with one sentence.
#include "common/fixtures.h"

#include "common/cli_process.h"

#include <QTemporaryDir>
#include <QtTest>

#include <nlohmann/json.hpp>

namespace {

using Run = cl::test::CliRun;

Run cli(const QStringList& args) {
    return cl::test::runCli(args);
}

} // namespace

class TestTokenizerCli : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void tokenizeText();
    void tokenizeInputFile();
    void detokenize();
    void realworldLlama3Folder();
    void userErrors();

private:
    QString m_stories;
};

void TestTokenizerCli::initTestCase() {
    CL_REQUIRE_FIXTURES();
    m_stories = cl::test::fixturePath("stories260k");
}

void TestTokenizerCli::tokenizeText() {
    Run r = cli({"tokenize", "--tokenizer", m_stories, "--text", "Once upon"});
    QVERIFY2(r.code == 0, r.err.constData());
    QCOMPARE(r.out, QByteArray(R"({"ids":[1,403,407],"pieces":["<s>","▁Once","▁upon"],)"
                               R"("offsets":[[0,0],[0,4],[4,9]]})"
                               "\n"));
    r = cli({"tokenize", "--tokenizer", m_stories, "--text", "Once upon", "--no-special"});
    QCOMPARE(nlohmann::json::parse(r.out.toStdString()).at("ids"),
             nlohmann::json::array({403, 407}));
}

void TestTokenizerCli::tokenizeInputFile() {
    QTemporaryDir dir;
    const QString input = dir.path() + "/texts.jsonl";
    QFile f(input);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write("\"Hello world\"\n\n\"caf\\u00e9\"\n");
    f.close();
    const Run r =
        cli({"tokenize", "--tokenizer", cl::test::fixturePath("tokenizers/pythia/tokenizer.json"),
             "--input", input});
    QVERIFY2(r.code == 0, r.err.constData());
    const QList<QByteArray> lines = r.out.trimmed().split('\n');
    QCOMPARE(lines.size(), 2); // the blank line carries no string
    const auto first = nlohmann::json::parse(lines[0].toStdString());
    QCOMPARE(first.at("ids"), nlohmann::json::array({12092, 1533}));
    QCOMPARE(first.at("offsets"), nlohmann::json::parse("[[0,5],[5,11]]"));
    const auto second = nlohmann::json::parse(lines[1].toStdString());
    QCOMPARE(second.at("offsets").back().at(1).get<int>(), 5); // "café" is 5 bytes
}

void TestTokenizerCli::detokenize() {
    const Run r = cli({"detokenize", "--tokenizer", m_stories, "--ids", "1,403,407"});
    QVERIFY2(r.code == 0, r.err.constData());
    QCOMPARE(r.out, QByteArray("{\"text\":\"Once upon\"}\n"));
}

void TestTokenizerCli::realworldLlama3Folder() {
    // Issue #15: a folder with tokenizer.json + tokenizer_config.json and no model.
    const QString folder = cl::test::fixturePath("realworld/tokenizers/llama3");
    if (!QFileInfo::exists(folder)) {
        QSKIP("realworld/ fixtures are absent");
    }
    QFile fixture(cl::test::fixturePath("realworld/tokenizations/llama3.json"));
    QVERIFY(fixture.open(QIODevice::ReadOnly));
    const auto reference =
        nlohmann::json::parse(fixture.readAll().toStdString()).at("strings").at(0);
    const std::string text = reference.at("text");
    const Run r = cli({"tokenize", "--tokenizer", folder, "--text", QString::fromStdString(text)});
    QVERIFY2(r.code == 0, r.err.constData());
    const auto out = nlohmann::json::parse(r.out.toStdString());
    // This llama3 file's post-processor adds no <|begin_of_text|> (PROVENANCE.md).
    QCOMPARE(out.at("ids"), reference.at("ids_with_special"));
    QCOMPARE(out.at("pieces"), reference.at("tokens"));
    QCOMPARE(out.at("offsets"), reference.at("offsets"));
}

void TestTokenizerCli::userErrors() {
    Run r = cli({"tokenize", "--tokenizer", "/nowhere/tok.json", "--text", "x"});
    QCOMPARE(r.code, 1);
    QVERIFY2(r.err.contains("/nowhere/tok.json does not exist"), r.err.constData());
    r = cli({"tokenize", "--tokenizer", m_stories});
    QCOMPARE(r.code, 1);
    QVERIFY2(r.err.contains("give --text or --input"), r.err.constData());
    r = cli({"detokenize", "--tokenizer", m_stories, "--ids", "1,99999"});
    QCOMPARE(r.code, 1);
    QVERIFY2(r.err.contains("not below the vocab size 512"), r.err.constData());
}

QTEST_GUILESS_MAIN(TestTokenizerCli)
#include "tst_tokenizer_cli.moc"
