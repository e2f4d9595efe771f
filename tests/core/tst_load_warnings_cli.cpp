// CLI contract of the load warnings (issues #14/#15): `score` and `beam` print each one as a
// "warning: <sentence>" line on stderr and still do their work (exit 0, results on stdout).
// The pair is GPT-2 vs Llama (both 1000 rows) with stories260k's tokenizer and a
// tokenizer_config.json that names a chat_template.
#include "scoring_fixture.h"

#include "common/cli_process.h"

#include <QtTest>

#include <nlohmann/json.hpp>

#include <fstream>

namespace {

/// stories260k's tokenizer_config.json plus a chat_template.
bool writeConfigWithTemplate(const QString& dir) {
    std::ifstream in(cl::test::fixtureStd("stories260k/tokenizer_config.json"));
    nlohmann::json config = nlohmann::json::parse(in);
    config["chat_template"] = "{% for m in messages %}<|{{ m.role }}|>{{ m.content }}{% endfor %}";
    std::ofstream out((dir + "/tokenizer_config.json").toStdString());
    out << config.dump(2);
    return static_cast<bool>(out);
}

QString folder(const QTemporaryDir& tmp, const QString& model, const QString& name) {
    const QString dir = cl::test::makeModelFolder(tmp, model, name, false);
    QFile::link(cl::test::fixturePath("stories260k/tokenizer.model"), dir + "/tokenizer.model");
    return writeConfigWithTemplate(dir) ? dir : QString();
}

QStringList warningLines(const QByteArray& err) {
    QStringList out;
    for (const QString& line : QString::fromUtf8(err).split('\n')) {
        if (line.startsWith("warning: ")) {
            out << line;
        }
    }
    return out;
}

} // namespace

class TestLoadWarningsCli : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void scoreWarns_data();
    void scoreWarns();
    void beamWarns();

private:
    QTemporaryDir m_tmp;
    QString m_policy, m_reference, m_input;
};

void TestLoadWarningsCli::initTestCase() {
    CL_REQUIRE_FIXTURES();
    QVERIFY(m_tmp.isValid());
    m_policy = folder(m_tmp, "gpt2", "policy");
    m_reference = folder(m_tmp, "llama_gqa", "reference");
    QVERIFY(!m_policy.isEmpty() && !m_reference.isEmpty());
    m_input = m_tmp.path() + "/in.jsonl";
    std::ofstream(m_input.toStdString()) << R"({"prompt": "Once upon", "response": " a time"})"
                                         << "\n";
}

void TestLoadWarningsCli::scoreWarns_data() {
    QTest::addColumn<QString>("templateName");
    QTest::addColumn<bool>("rawWarning");
    QTest::newRow("raw") << "raw" << true;
    QTest::newRow("tldr") << "tldr" << false;
}

void TestLoadWarningsCli::scoreWarns() {
    QFETCH(QString, templateName);
    QFETCH(bool, rawWarning);
    const auto run = cl::test::runCli({"score", "--policy", m_policy, "--reference", m_reference,
                                       "--template", templateName, "--input", m_input});
    QVERIFY2(run.code == 0, run.err.constData());
    QCOMPARE(run.out.count('\n'), 1); // the line was scored
    const QStringList warnings = warningLines(run.err);
    QCOMPARE(warnings.size(), rawWarning ? 2 : 1);
    QVERIFY2(warnings[0].contains("is not the policy's") &&
                 warnings[0].contains("LlamaForCausalLM"),
             qPrintable(warnings[0]));
    if (rawWarning) {
        QVERIFY2(warnings[1].contains(m_policy + "/tokenizer_config.json names a chat_template") &&
                     warnings[1].contains("raw"),
                 qPrintable(warnings[1]));
    }
}

void TestLoadWarningsCli::beamWarns() {
    const auto run =
        cl::test::runCli({"beam", "--policy", m_policy, "--reference", m_reference, "--prompt",
                          "Once upon", "--width", "2", "--max-new-tokens", "3"});
    QVERIFY2(run.code == 0, run.err.constData());
    QVERIFY(nlohmann::json::parse(run.out.constData())["beams"].size() == 1);
    const QStringList warnings = warningLines(run.err);
    QCOMPARE(warnings.size(), 2);
    QVERIFY2(warnings[0].contains("GPT2LMHeadModel"), qPrintable(warnings[0]));
    QVERIFY2(warnings[1].contains("chat_template"), qPrintable(warnings[1]));
}

QTEST_GUILESS_MAIN(TestLoadWarningsCli)
#include "tst_load_warnings_cli.moc"
