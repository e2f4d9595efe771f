// The Models panel on load (issue #14 item 4, issue #15 item 4): architecture, parameters,
// dtype, file format, context length and the memory estimate (weights + KV cache for the
// context, as `creditlens-cli inspect`) for both models; the pair's warnings below, and the
// raw-template warning following the template box.

#include "ui/editor/prompt_pane.h"
#include "ui/editor/workbench.h"
#include "ui/engine/engine_client.h"
#include "ui/main_window.h"
#include "ui/model_panel.h"

#include "core/engine/model.h"
#include "tests/common/fixtures.h"

#include <QApplication>
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QStatusBar>
#include <QTemporaryDir>
#include <QTest>

namespace {

constexpr int kLoadTimeoutMs = 60000;

cl::ModelInfo inspect(const QString& model, const QString& config = {}) {
    cl::LoadOptions options;
    if (!config.isEmpty()) {
        options.configDir = cl::test::fixtureStd("models/" + config);
    }
    auto info = cl::Model::inspect(cl::test::fixtureStd("models/" + model), options);
    return info ? info.value() : cl::ModelInfo{};
}

/// Parameters counted from the fixture's own tensor list (refs/<model>.json), not by CreditLens.
/// Parameters of a fixture, and the bytes its weights are held in (issue #19): float32, but a
/// checkpoint stored in bf16/f16 keeps its matrices as stored (2 bytes each).
struct FixtureSize {
    qint64 parameters = -1;
    qint64 weightBytes = -1;
};

FixtureSize fixtureSize(const QString& model, bool halfStored = false) {
    QFile f(cl::test::fixturePath("refs/" + model + ".json"));
    if (!f.open(QIODevice::ReadOnly)) {
        return {};
    }
    const QJsonObject tensors =
        QJsonDocument::fromJson(f.readAll()).object().value("safetensors_tensors").toObject();
    FixtureSize size{0, 0};
    for (const QJsonValue& t : tensors) {
        const QJsonArray shape = t.toObject().value("shape").toArray();
        qint64 n = 1;
        for (const QJsonValue& d : shape) {
            n *= d.toInteger();
        }
        size.parameters += n;
        size.weightBytes += n * (halfStored && shape.size() == 2 ? 2 : 4);
    }
    return size;
}

/// A model folder (symlinked config + weights, stories260k's tokenizer) whose
/// tokenizer_config.json also names a chat_template.
QString chatFolder(const QTemporaryDir& tmp, const QString& model, const QString& name) {
    const QString dir = tmp.path() + "/" + name;
    QDir().mkpath(dir);
    const QString src = cl::test::fixturePath("models/" + model);
    QFile::link(src + "/config.json", dir + "/config.json");
    QFile::link(src + "/model.safetensors", dir + "/model.safetensors");
    QFile::link(cl::test::fixturePath("stories260k/tokenizer.model"), dir + "/tokenizer.model");
    QFile in(cl::test::fixturePath("stories260k/tokenizer_config.json"));
    if (!in.open(QIODevice::ReadOnly)) {
        return {};
    }
    QJsonObject config = QJsonDocument::fromJson(in.readAll()).object();
    config["chat_template"] = "{% for m in messages %}{{ m.content }}{% endfor %}";
    QFile out(dir + "/tokenizer_config.json");
    if (!out.open(QIODevice::WriteOnly)) {
        return {};
    }
    out.write(QJsonDocument(config).toJson());
    return dir;
}

} // namespace

class TestModelPanel : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_settingsDir;
    QTemporaryDir m_tmp;

private slots:
    void initTestCase() {
        QVERIFY(m_settingsDir.isValid() && m_tmp.isValid());
        QStandardPaths::setTestModeEnabled(true);
        QApplication::setOrganizationName("CreditLensTest");
        QApplication::setApplicationName("tst_model_panel");
        QSettings::setDefaultFormat(QSettings::IniFormat);
        QSettings::setPath(QSettings::IniFormat, QSettings::UserScope, m_settingsDir.path());
        QSettings().clear();
    }

    void showsInspectFacts_data() {
        QTest::addColumn<QString>("policy");
        QTest::addColumn<QString>("policyConfig");
        QTest::addColumn<QString>("reference");
        QTest::addColumn<QString>("paramsOf"); // fixture whose tensor list counts the parameters
        QTest::addColumn<QStringList>("expected"); // arch, format p, format r, dtype p, dtype r
        QTest::addColumn<qint64>("kvBytes");       // 2 x layers x kv_heads x head_dim x 128 x 4
        QTest::newRow("gpt2 .bin vs safetensors")
            << "bin_gpt2" << QString() << "gpt2"
            << "gpt2" << QStringList{"GPT2LMHeadModel", "PyTorch zip", "safetensors", "F32", "F32"}
            << qint64(2 * 3 * 4 * 16 * 128 * 4);
        QTest::newRow("policy.pt vs llama")
            << "dpo_policy_llama_gqa_bf16weights"
            << "llama_gqa_bf16weights"
            << "llama_gqa"
            << "llama_gqa"
            << QStringList{"LlamaForCausalLM", "policy.pt (PyTorch zip)", "safetensors", "BF16",
                           "F32"}
            << qint64(2 * 3 * 2 * 8 * 128 * 4);
        QTest::newRow("legacy fp16 vs safetensors")
            << "bin_legacy_gpt_neox_parallel_fp16weights" << QString() << "gpt_neox_parallel"
            << "gpt_neox_parallel"
            << QStringList{"GPTNeoXForCausalLM", "PyTorch legacy pickle", "safetensors", "F16",
                           "F32"}
            << qint64(2 * 3 * 4 * 16 * 128 * 4);
    }

    void showsInspectFacts() {
        CL_REQUIRE_FIXTURES();
        QFETCH(QString, policy);
        QFETCH(QString, policyConfig);
        QFETCH(QString, reference);
        QFETCH(QString, paramsOf);
        QFETCH(QStringList, expected);
        QFETCH(qint64, kvBytes);
        const cl::ModelInfo p = inspect(policy, policyConfig);
        const cl::ModelInfo r = inspect(reference);
        QVERIFY(!p.folder.empty() && !r.folder.empty());
        cl::ModelPanel panel;
        panel.setModels(p, r);
        QCOMPARE(panel.value("Architecture", 1), expected[0]);
        QCOMPARE(panel.value("Architecture", 2), expected[0]);
        QCOMPARE(panel.value("File format", 1), expected[1]);
        QCOMPARE(panel.value("File format", 2), expected[2]);
        QCOMPARE(panel.value("Dtype", 1), expected[3]);
        QCOMPARE(panel.value("Dtype", 2), expected[4]);
        QCOMPARE(panel.value("Context length", 1), QStringLiteral("128"));
        const qint64 params = fixtureSize(paramsOf).parameters;
        QVERIFY(params > 0);
        for (int column : {1, 2}) {
            const bool half = expected[2 + column] != "F32";
            const qint64 weights = fixtureSize(paramsOf, half).weightBytes;
            QCOMPARE(panel.value("Parameters", column), cl::ModelPanel::humanCount(params));
            QCOMPARE(panel.value("Weights", column), cl::ModelPanel::humanBytes(weights));
            QCOMPARE(panel.value("KV cache (context)", column),
                     cl::ModelPanel::humanBytes(kvBytes));
            QCOMPARE(panel.value("Memory (est.)", column),
                     cl::ModelPanel::humanBytes(weights + kvBytes));
        }
        QVERIFY(panel.warnings().isEmpty());
    }

    // An adapter policy (issue #14 item 4): rank, alpha, scale, targets and the resolved base.
    void showsTheAdapter() {
        CL_REQUIRE_FIXTURES();
        const cl::ModelInfo p = inspect("lora_llama_gqa_r8");
        const cl::ModelInfo r = inspect("llama_gqa");
        QVERIFY(p.adapter.has_value());
        cl::ModelPanel panel;
        panel.setModels(p, r);
        const QString shown = panel.value("Adapter", 1);
        QVERIFY2(shown.startsWith("LoRA r 8, α 16 (scale 2) on ") && shown.endsWith(", base llama_gqa"),
                 qPrintable(shown));
        for (const char* target : {"q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj",
                                   "down_proj"}) {
            QVERIFY2(shown.contains(target), target);
        }
        QCOMPARE(panel.value("Adapter", 2), QStringLiteral("none"));
    }

    void warningsListedAndCleared() {
        cl::ModelPanel panel;
        panel.show();
        auto* label = panel.findChild<QLabel*>("modelWarnings");
        QVERIFY(label);
        QVERIFY(!label->isVisible());
        panel.setLoadWarnings({"first sentence", "second sentence"});
        panel.setTemplateWarning("template sentence");
        QCOMPARE(panel.warnings(),
                 (QStringList{"first sentence", "second sentence", "template sentence"}));
        QVERIFY(label->isVisible());
        QVERIFY(label->text().contains("second sentence") &&
                label->text().contains("template sentence"));
        panel.setTemplateWarning({});
        QCOMPARE(panel.warnings(), (QStringList{"first sentence", "second sentence"}));
        QVERIFY(!label->text().contains("template sentence"));
        panel.clear();
        QVERIFY(panel.warnings().isEmpty());
        QVERIFY(!label->isVisible());
    }

    void mainWindowShowsLoadWarnings() {
        // GPT-2 vs Llama (both 1000 rows) with a tokenizer_config.json naming a chat_template.
        CL_REQUIRE_FIXTURES();
        const QString policy = chatFolder(m_tmp, "gpt2", "policy");
        const QString reference = chatFolder(m_tmp, "llama_gqa", "reference");
        QVERIFY(!policy.isEmpty() && !reference.isEmpty());
        cl::MainWindow window;
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        cl::PromptPane* prompt = window.workbench()->promptPane();
        prompt->setTemplateName("tldr");
        QSignalSpy loaded(&window, &cl::MainWindow::pairLoaded);
        window.openPair(policy, reference);
        QTRY_VERIFY_WITH_TIMEOUT(!loaded.isEmpty(), kLoadTimeoutMs);
        cl::ModelPanel* panel = window.modelPanel();
        QCOMPARE(panel->value("File format", 1), QStringLiteral("safetensors"));
        QCOMPARE(panel->warnings().size(), 1);
        QVERIFY2(panel->warnings()[0].contains("LlamaForCausalLM"),
                 qPrintable(panel->warnings()[0]));
        QCOMPARE(window.engine()->loadWarnings(), panel->warnings());
        QCOMPARE(window.statusBar()->currentMessage(), panel->warnings()[0]);

        // The template box decides the raw-template warning, without reloading.
        prompt->setTemplateName("raw");
        QCOMPARE(panel->warnings().size(), 2);
        QVERIFY2(panel->warnings()[1].contains(policy + "/tokenizer_config.json names a "
                                                        "chat_template"),
                 qPrintable(panel->warnings()[1]));
        QCOMPARE(window.statusBar()->currentMessage(), panel->warnings()[1]);
        prompt->setTemplateName("chat");
        QCOMPARE(panel->warnings().size(), 1);
        window.setModified(false);
    }
};

QTEST_MAIN(TestModelPanel)
#include "tst_model_panel.moc"
