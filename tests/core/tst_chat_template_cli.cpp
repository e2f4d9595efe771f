// creditlens-cli chat-render, the contract of issue #15: `--tokenizer DIR --messages conv.json
// [--add-generation-prompt]` prints {"text": ...} (HF's rendering byte for byte); when the
// template raises, the exit code is 1 and stderr is the template's own message; a DIR needs
// nothing but tokenizer_config.json with chat_template, bos_token and eos_token.
#include "common/cli_process.h"
#include "common/fixtures.h"

#include <QFile>
#include <QTemporaryDir>
#include <QtTest>

#include <nlohmann/json.hpp>

namespace {

using ojson = nlohmann::ordered_json;
using Run = cl::test::CliRun;

std::string readBytes(const QString& path) {
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll().toStdString() : std::string();
}

void writeBytes(const QString& path, const std::string& bytes) {
    QFile f(path);
    QVERIFY2(f.open(QIODevice::WriteOnly), qPrintable(path));
    f.write(bytes.data(), static_cast<qint64>(bytes.size()));
}

} // namespace

class TestChatTemplateCli : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void rendersLikeTransformers();
    void folderWithOnlyTokenizerConfig();
    void templateErrorIsVerbatim();
    void templateVariables();
    void userErrors();

private:
    /// The fixture rendering of (template, conversation, add_generation_prompt).
    std::string expected(const std::string& tmpl, const std::string& conv, bool agp,
                         bool& isError) const;
    QString writeConversation(const std::string& conv);

    ojson m_fixture;
    QTemporaryDir m_dir;
};

void TestChatTemplateCli::initTestCase() {
    CL_REQUIRE_FIXTURES();
    const QString path = cl::test::fixturePath("realworld/chat_renderings.json");
    if (!QFile::exists(path)) {
        QSKIP("realworld/ fixtures are absent");
    }
    m_fixture = ojson::parse(readBytes(path));
}

std::string TestChatTemplateCli::expected(const std::string& tmpl, const std::string& conv,
                                          bool agp, bool& isError) const {
    for (const auto& r : m_fixture.at("renderings")) {
        if (r.at("template") == tmpl && r.at("conversation") == conv &&
            r.at("add_generation_prompt") == agp) {
            isError = r.contains("error");
            return isError ? r.at("error").at("message").get<std::string>()
                           : r.at("output").get<std::string>();
        }
    }
    return {};
}

QString TestChatTemplateCli::writeConversation(const std::string& conv) {
    const QString path = m_dir.path() + "/" + QString::fromStdString(conv) + ".json";
    for (const auto& c : m_fixture.at("conversations")) {
        if (c.at("id") == conv) {
            writeBytes(path, c.at("messages").dump(2));
        }
    }
    return path;
}

void TestChatTemplateCli::rendersLikeTransformers() {
    const QString folder = cl::test::fixturePath("realworld/tokenizers/llama3_1");
    const QString conv = writeConversation("A03_multi_turn");
    for (const bool agp : {false, true}) {
        QStringList args{"chat-render", "--tokenizer", folder, "--messages", conv};
        if (agp) {
            args << "--add-generation-prompt";
        }
        const Run r = cl::test::runCli(args);
        QVERIFY2(r.code == 0, r.err.constData());
        bool isError = false;
        const std::string want = expected("llama3_1", "A03_multi_turn", agp, isError);
        QVERIFY(!isError && !want.empty());
        const std::string line = ojson{{"text", want}}.dump() + "\n";
        QCOMPARE(r.out.toStdString(), line);
    }
}

void TestChatTemplateCli::folderWithOnlyTokenizerConfig() {
    // A bare folder: tokenizer_config.json with the template and the two tokens, nothing else.
    const QString folder = m_dir.path() + "/zephyr";
    QVERIFY(QDir().mkpath(folder));
    ojson config = {{"chat_template",
                     readBytes(cl::test::fixturePath("realworld/chat_templates/cz-zephyr.jinja"))},
                    {"bos_token", "<s>"},
                    {"eos_token", {{"content", "</s>"}, {"lstrip", false}}}};
    writeBytes(folder + "/tokenizer_config.json", config.dump());
    const QString conv = writeConversation("A06_unicode");
    const Run r = cl::test::runCli(
        {"chat-render", "--tokenizer", folder, "--messages", conv, "--add-generation-prompt"});
    QVERIFY2(r.code == 0, r.err.constData());
    bool isError = false;
    const std::string want = expected("cz-zephyr", "A06_unicode", true, isError);
    QCOMPARE(ojson::parse(r.out.toStdString()).at("text").get<std::string>(), want);
}

void TestChatTemplateCli::templateErrorIsVerbatim() {
    const QString folder = m_dir.path() + "/gemma";
    QVERIFY(QDir().mkpath(folder));
    writeBytes(folder + "/tokenizer_config.json",
               ojson{{"chat_template",
                      readBytes(cl::test::fixturePath("realworld/chat_templates/gemma3.jinja"))},
                     {"bos_token", "<bos>"},
                     {"eos_token", "<eos>"}}
                   .dump());
    const QString conv = writeConversation("A10_two_users_in_a_row");
    const Run r = cl::test::runCli({"chat-render", "--tokenizer", folder, "--messages", conv});
    QCOMPARE(r.code, 1);
    QVERIFY(r.out.isEmpty());
    bool isError = false;
    const std::string message = expected("gemma3", "A10_two_users_in_a_row", false, isError);
    QVERIFY(isError);
    QCOMPARE(r.err.toStdString(), message + "\n");
}

void TestChatTemplateCli::templateVariables() {
    // Qwen3's template reads enable_thinking; --var passes it as JSON.
    const QString folder = cl::test::fixturePath("realworld/tokenizers/qwen3");
    const QString conv = writeConversation("A02_user_only");
    const Run r = cl::test::runCli({"chat-render", "--tokenizer", folder, "--messages", conv,
                                    "--add-generation-prompt", "--var", "enable_thinking=false"});
    QVERIFY2(r.code == 0, r.err.constData());
    QCOMPARE(ojson::parse(r.out.toStdString()).at("text").get<std::string>(),
             std::string("<|im_start|>user\nHello!<|im_end|>\n<|im_start|>assistant\n"
                         "<think>\n\n</think>\n\n"));
}

void TestChatTemplateCli::userErrors() {
    const QString folder = cl::test::fixturePath("realworld/tokenizers/llama3");
    const QString conv = writeConversation("A01_system_user");
    Run r = cl::test::runCli({"chat-render", "--tokenizer", folder, "--messages", "/nowhere.json"});
    QCOMPARE(r.code, 1);
    QVERIFY2(r.err.contains("cannot open /nowhere.json"), r.err.constData());

    const QString bad = m_dir.path() + "/bad.json";
    writeBytes(bad, R"({"role": "user", "content": "not a list"})");
    r = cl::test::runCli({"chat-render", "--tokenizer", folder, "--messages", bad});
    QCOMPARE(r.code, 1);
    QVERIFY2(r.err.contains("expected a JSON array"), r.err.constData());

    const QString empty = m_dir.path() + "/no_template";
    QVERIFY(QDir().mkpath(empty));
    writeBytes(empty + "/tokenizer_config.json", R"({"bos_token": "<s>"})");
    r = cl::test::runCli({"chat-render", "--tokenizer", empty, "--messages", conv});
    QCOMPARE(r.code, 1);
    QVERIFY2(r.err.contains("has no chat_template"), r.err.constData());

    writeBytes(empty + "/tokenizer_config.json", R"({"chat_template": "{{ x | xmlattr }}"})");
    r = cl::test::runCli({"chat-render", "--tokenizer", empty, "--messages", conv});
    QCOMPARE(r.code, 1);
    QVERIFY2(r.err.contains("chat template line 1: the Jinja filter 'xmlattr' is not supported"),
             r.err.constData());

    r = cl::test::runCli({"chat-render", "--tokenizer", "/nowhere", "--messages", conv});
    QCOMPARE(r.code, 1);
    QVERIFY2(r.err.contains("/nowhere does not exist"), r.err.constData());
}

QTEST_GUILESS_MAIN(TestChatTemplateCli)
#include "tst_chat_template_cli.moc"
