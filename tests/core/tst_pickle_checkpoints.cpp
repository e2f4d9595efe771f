// Pickle checkpoints through the engine (issue #14, item 2): each checkpoint fixture's log-probs
// against HF's float64 references, policy.pt with its config from another folder, and a folder
// converted to safetensors scoring as the original does.
#include "common/fixtures.h"
#include "common/tolerances.h"
#include "fixture_refs.h"
#include "core/engine/checkpoint_convert.h"
#include "core/engine/model.h"

#include <QTemporaryDir>
#include <QtTest>

#include <nlohmann/json.hpp>

#include <fstream>

using nlohmann::json;

namespace {


/// The folder holding config.json for a checkpoint fixture ("config_from" names it for policy.pt).
std::string configDirOf(const json& ref) {
    if (!ref.contains("config_from")) {
        return {};
    }
    const std::string rel = ref["config_from"].get<std::string>();
    return cl::test::fixtureStd(QString::fromStdString(rel.substr(0, rel.rfind('/'))));
}

} // namespace

class TestPickleCheckpoints : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() { CL_REQUIRE_FIXTURES(); }
    void logprobs_data();
    void logprobs();
    void policyNeedsConfig();
    void convertedScoresIdentically_data() { logprobs_data(); }
    void convertedScoresIdentically();
};

void TestPickleCheckpoints::logprobs_data() {
    QTest::addColumn<QString>("name");
    QTest::addColumn<QString>("format");
    QTest::newRow("zip, tied") << "bin_gpt2" << "pytorch_zip";
    QTest::newRow("legacy F16") << "bin_legacy_gpt_neox_parallel_fp16weights" << "pytorch_legacy";
    QTest::newRow("sharded BF16") << "bin_sharded_llama_gqa_bf16weights" << "pytorch_zip";
    QTest::newRow("policy.pt") << "dpo_policy_llama_gqa_bf16weights" << "pytorch_zip";
}

void TestPickleCheckpoints::logprobs() {
    QFETCH(QString, name);
    QFETCH(QString, format);
    const json ref = cl::test::readJsonFile(cl::test::fixtureStd("refs/" + name + ".json"));
    cl::LoadOptions options;
    options.configDir = configDirOf(ref);
    auto model = cl::Model::load(cl::test::fixtureStd("models/" + name), options);
    QVERIFY2(model.ok(), model.error().c_str());
    QCOMPARE(model.value()->info().fileFormat, format.toStdString());
    QCOMPARE(model.value()->info().architecture, ref["architecture"].get<std::string>());
    cl::tol::DiffStats all;
    cl::test::checkLogprobSequences(*model.value(), ref, name, &all);
    all.report(name + " all sequences vs float64", cl::tol::kLogprobMaxVsF64);
}

void TestPickleCheckpoints::policyNeedsConfig() {
    // policy.pt holds only weights: without --config the sentence says what to give.
    auto model = cl::Model::load(cl::test::fixtureStd("models/dpo_policy_llama_gqa_bf16weights"));
    QVERIFY(!model.ok());
    QVERIFY2(model.error().find("--config") != std::string::npos, model.error().c_str());
    auto info = cl::Model::inspect(cl::test::fixtureStd("models/dpo_policy_llama_gqa_bf16weights"));
    QVERIFY(!info.ok());
}

void TestPickleCheckpoints::convertedScoresIdentically() {
    QFETCH(QString, name);
    const json ref = cl::test::readJsonFile(cl::test::fixtureStd("refs/" + name + ".json"));
    const std::string configDir = configDirOf(ref);
    QTemporaryDir out;
    auto report = cl::convertToSafetensors(cl::test::fixtureStd("models/" + name),
                                           out.path().toStdString(), configDir);
    QVERIFY2(report.ok(), report.error().c_str());
    QCOMPARE(report->tensors, int64_t(ref["torch_tensors"].size()));
    cl::LoadOptions options;
    options.configDir = configDir;
    auto original = cl::Model::load(cl::test::fixtureStd("models/" + name), options);
    auto converted = cl::Model::load(out.path().toStdString());
    QVERIFY2(original.ok(), original.error().c_str());
    QVERIFY2(converted.ok(), converted.error().c_str());
    QCOMPARE(converted.value()->info().fileFormat, std::string("safetensors"));
    QCOMPARE(converted.value()->info().storedDtype, original.value()->info().storedDtype);
    QCOMPARE(converted.value()->info().parameters, original.value()->info().parameters);
    cl::tol::DiffStats d;
    for (const json& seq : ref["logprob_sequences"]) {
        const auto ids = seq["input_ids"].get<std::vector<int32_t>>();
        auto a = original.value()->logprobs(ids);
        auto b = converted.value()->logprobs(ids);
        QVERIFY(a.ok() && b.ok());
        for (size_t i = 0; i < a->size(); ++i) {
            d.add((*a)[i], (*b)[i]);
        }
    }
    // The same bytes through the same code: identical numbers are expected; the bound only
    // allows for a BLAS that picks its kernel by pointer alignment.
    const QString what = name + " converted vs original";
    QVERIFY2(d.report(what, cl::tol::kLogprobMaxF32VsF32), qPrintable(d.describe(what, 0)));
}

QTEST_GUILESS_MAIN(TestPickleCheckpoints)
#include "tst_pickle_checkpoints.moc"
