// Load warnings of a policy/reference pair (issue #14 item 4, issue #15 item 4): the reference
// is not the policy's base, the tokenizers differ, the tokenizer has more ids than the model's
// embedding, a chat_template exists but the template is raw. Pairs are built from the shared
// fixtures (symlinks in a temp dir); file format labels of every checkpoint kind.
#include "scoring_fixture.h"

#include "core/engine/load_warnings.h"
#include "core/engine/model.h"
#include "core/engine/reward_scorer.h"

#include <QtTest>

#include <fstream>

namespace {

/// <tmp>/<name>/: a fixture model's config + weights with the tokenizer files of `tokenizerDir`
/// (a folder under the fixtures holding tokenizer.json or tokenizer.model + its config).
QString pairFolder(const QTemporaryDir& tmp, const QString& model, const QString& tokenizerDir,
                   const QString& name) {
    const QString dir = cl::test::makeModelFolder(tmp, model, name, false);
    const QString src = cl::test::fixturePath(tokenizerDir);
    for (const char* file : {"tokenizer.json", "tokenizer.model", "tokenizer_config.json"}) {
        if (QFile::exists(src + "/" + file)) {
            QFile::link(src + "/" + file, dir + "/" + file);
        }
    }
    return dir;
}

std::vector<cl::LoadWarningKind> kinds(const std::vector<cl::LoadWarning>& warnings) {
    std::vector<cl::LoadWarningKind> out;
    for (const auto& w : warnings) {
        out.push_back(w.kind);
    }
    return out;
}

bool contains(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

} // namespace

class TestLoadWarnings : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void sameBaseHasNoWarning();
    void referenceOfAnotherArchitecture();
    void shapesDiffer_data();
    void shapesDiffer();
    void tokenizersDifferAndExceedModel();
    void namesChatTemplate_data();
    void namesChatTemplate();
    void fileFormatLabels_data();
    void fileFormatLabels();

private:
    QTemporaryDir m_tmp;
};

void TestLoadWarnings::initTestCase() {
    CL_REQUIRE_FIXTURES();
    QVERIFY(m_tmp.isValid());
}

void TestLoadWarnings::sameBaseHasNoWarning() {
    // Same architecture and shapes; only the stored dtype differs (F32 vs F16).
    const QString p = pairFolder(m_tmp, "gpt_neox_parallel", "stories260k", "same_p");
    const QString r = pairFolder(m_tmp, "gpt_neox_parallel_fp16weights", "stories260k", "same_r");
    auto scorer = cl::RewardScorer::load(p.toStdString(), r.toStdString());
    QVERIFY2(scorer.ok(), scorer.ok() ? "" : scorer.error().c_str());
    QVERIFY(scorer.value()->loadWarnings().empty());
    // stories260k's tokenizer_config.json has no chat_template: raw is what the model knows.
    QVERIFY(!scorer.value()->templateWarning("raw"));
}

void TestLoadWarnings::referenceOfAnotherArchitecture() {
    // Both have 1000 vocabulary rows, so the pair loads; GPT-2 vs Llama is no DPO pair.
    const QString p = pairFolder(m_tmp, "gpt2", "stories260k", "arch_p");
    const QString r = pairFolder(m_tmp, "llama_gqa", "stories260k", "arch_r");
    auto scorer = cl::RewardScorer::load(p.toStdString(), r.toStdString());
    QVERIFY2(scorer.ok(), scorer.ok() ? "" : scorer.error().c_str());
    const auto& warnings = scorer.value()->loadWarnings();
    QCOMPARE(kinds(warnings), std::vector{cl::LoadWarningKind::ReferenceNotBase});
    const std::string& m = warnings.front().message;
    QVERIFY2(contains(m, "LlamaForCausalLM") && contains(m, "GPT2LMHeadModel"), m.c_str());
    QVERIFY2(contains(m, r.toStdString()) && contains(m, p.toStdString()), m.c_str());
    // A warning, not a refusal: scoring works.
    QVERIFY(scorer.value()->score({"Once upon", " a time", "raw", true}).ok());

    // The vocabulary-size refusal stays (stories260k: 512 rows vs 1000).
    auto refused = cl::RewardScorer::load(p.toStdString(), cl::test::fixtureStd("stories260k"));
    QVERIFY(!refused.ok());
    QVERIFY2(contains(refused.error(), "vocabulary"), refused.error().c_str());
}

void TestLoadWarnings::shapesDiffer_data() {
    QTest::addColumn<QString>("field");
    QTest::addColumn<QString>("named");
    for (const char* f : {"layers", "hidden size", "attention heads", "KV heads", "vocabulary rows",
                          "parameters"}) {
        QTest::newRow(f) << QString(f) << QString(f);
    }
    QTest::newRow("dtype only") << "dtype" << QString();
}

void TestLoadWarnings::shapesDiffer() {
    QFETCH(QString, field);
    QFETCH(QString, named);
    auto info = cl::Model::inspect(cl::test::fixtureStd("models/llama_gqa"));
    QVERIFY2(info.ok(), info.ok() ? "" : info.error().c_str());
    const cl::ModelInfo policy = info.value();
    cl::ModelInfo reference = policy;
    if (field == "layers") {
        reference.layers += 1;
    } else if (field == "hidden size") {
        reference.hidden *= 2;
    } else if (field == "attention heads") {
        reference.heads /= 2;
    } else if (field == "KV heads") {
        reference.kvHeads = reference.heads;
    } else if (field == "vocabulary rows") {
        reference.vocabSize += 64;
    } else if (field == "parameters") {
        reference.parameters += 64 * 3; // e.g. a wider MLP, the summary fields all equal
    } else {
        reference.storedDtype = "BF16";
    }
    auto w = cl::referenceBaseWarning(policy, reference);
    if (named.isEmpty()) {
        QVERIFY2(!w, w ? w->message.c_str() : "");
        return;
    }
    QVERIFY(w.has_value());
    QCOMPARE(w->kind, cl::LoadWarningKind::ReferenceNotBase);
    QVERIFY2(contains(w->message, "tensor shapes differ (" + named.toStdString()),
             w->message.c_str());
}

void TestLoadWarnings::tokenizersDifferAndExceedModel() {
    // Llama-3's tokenizer (128256 ids) on a 1000-row model, and Qwen3's on the reference: the
    // RewardScorer used to refuse both; issue #15 asks for warnings.
    const QString p = pairFolder(m_tmp, "llama_gqa", "realworld/tokenizers/llama3", "tok_p");
    const QString r =
        pairFolder(m_tmp, "llama_gqa_bf16weights", "realworld/tokenizers/qwen3", "tok_r");
    auto scorer = cl::RewardScorer::load(p.toStdString(), r.toStdString());
    QVERIFY2(scorer.ok(), scorer.ok() ? "" : scorer.error().c_str());
    const auto& warnings = scorer.value()->loadWarnings();
    QCOMPARE(kinds(warnings), (std::vector{cl::LoadWarningKind::TokenizersDiffer,
                                           cl::LoadWarningKind::TokenizerExceedsModel}));
    QVERIFY2(contains(warnings[0].message, "tokenizer (" + p.toStdString() + ")"),
             warnings[0].message.c_str());
    QVERIFY2(contains(warnings[1].message, "128256 ids") &&
                 contains(warnings[1].message, "only 1000 embedding rows"),
             warnings[1].message.c_str());
    // An id beyond the embedding is refused per text, never read out of bounds.
    auto beyond = scorer.value()->score({"Hello", " world", "raw", true});
    QVERIFY(!beyond.ok());
    QVERIFY2(contains(beyond.error(), "outside the model's vocabulary"), beyond.error().c_str());

    // Llama-3's tokenizer_config.json has a chat_template: raw warns, the others do not.
    auto raw = scorer.value()->templateWarning("raw");
    QVERIFY(raw.has_value());
    QCOMPARE(raw->kind, cl::LoadWarningKind::ChatTemplateUnused);
    QVERIFY2(contains(raw->message, p.toStdString() + "/tokenizer_config.json names a "
                                                      "chat_template"),
             raw->message.c_str());
    QVERIFY(!scorer.value()->templateWarning("chat"));
    QVERIFY(!scorer.value()->templateWarning("tldr"));
}

void TestLoadWarnings::namesChatTemplate_data() {
    QTest::addColumn<QByteArray>("content"); // empty: no file
    QTest::addColumn<bool>("names");
    QTest::newRow("string") << QByteArray(R"({"chat_template": "{{ messages }}"})") << true;
    QTest::newRow("named list")
        << QByteArray(R"({"chat_template": [{"name": "default", "template": "x"}]})") << true;
    QTest::newRow("empty string") << QByteArray(R"({"chat_template": ""})") << false;
    QTest::newRow("null") << QByteArray(R"({"chat_template": null})") << false;
    QTest::newRow("no key") << QByteArray(R"({"bos_token": "<s>"})") << false;
    QTest::newRow("not JSON") << QByteArray("{chat_template") << false;
    QTest::newRow("no file") << QByteArray() << false;
}

void TestLoadWarnings::namesChatTemplate() {
    QFETCH(QByteArray, content);
    QFETCH(bool, names);
    QTemporaryDir dir;
    if (!content.isEmpty()) {
        QFile f(dir.path() + "/tokenizer_config.json");
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(content);
    }
    QCOMPARE(cl::namesChatTemplate(dir.path().toStdString()), names);
    QCOMPARE(cl::rawTemplateWarning("raw", dir.path().toStdString(),
                                    cl::namesChatTemplate(dir.path().toStdString()))
                 .has_value(),
             names);
}

void TestLoadWarnings::fileFormatLabels_data() {
    QTest::addColumn<QString>("model");
    QTest::addColumn<QString>("config"); // --config for a weights-only folder
    QTest::addColumn<QString>("label");
    QTest::newRow("safetensors") << "gpt2" << QString() << "safetensors";
    QTest::newRow("zip") << "bin_gpt2" << QString() << "PyTorch zip";
    QTest::newRow("legacy") << "bin_legacy_gpt_neox_parallel_fp16weights" << QString()
                            << "PyTorch legacy pickle";
    QTest::newRow("sharded zip") << "bin_sharded_llama_gqa_bf16weights" << QString()
                                 << "PyTorch zip";
    QTest::newRow("policy.pt") << "dpo_policy_llama_gqa_bf16weights"
                               << "llama_gqa_bf16weights"
                               << "policy.pt (PyTorch zip)";
}

void TestLoadWarnings::fileFormatLabels() {
    QFETCH(QString, model);
    QFETCH(QString, config);
    QFETCH(QString, label);
    cl::LoadOptions options;
    if (!config.isEmpty()) {
        options.configDir = cl::test::fixtureStd("models/" + config);
    }
    auto info = cl::Model::inspect(cl::test::fixtureStd("models/" + model), options);
    QVERIFY2(info.ok(), info.ok() ? "" : info.error().c_str());
    QCOMPARE(QString::fromStdString(cl::fileFormatLabel(info.value())), label);
}

QTEST_GUILESS_MAIN(TestLoadWarnings)
#include "tst_load_warnings.moc"
