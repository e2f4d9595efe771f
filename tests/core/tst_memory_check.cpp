// Refusing a load that does not fit (issue #19 item 2): the estimate against the memory
// available, faked small through CREDITLENS_MEMORY_AVAILABLE, for one model, for a pair (which
// may not fit where each alone does), through the CLI, and turned off by --no-memory-check.
#include "common/cli_process.h"
#include "common/fixtures.h"
#include "core/engine/memory_check.h"
#include "core/engine/model.h"
#include "core/engine/reward_scorer.h"

#include <QtTest>

class TestMemoryCheck : public QObject {
    Q_OBJECT
private slots:
    void cleanup() { qunsetenv("CREDITLENS_MEMORY_AVAILABLE"); }
    void machineMemoryIsRead();
    void overrideParsesUnits();
    void pairRefusedWhereEachFits();
    void singleModelRefused();
    void checkCanBeTurnedOff();
    void gpuLoadsAreNotChecked();
    void cliRefusesWithOneSentence();
    void loadProgressNamesTheEstimate();
};

namespace {

const QString kModel = "models/gpt_neox_parallel";

cl::ModelInfo inspected(const QString& model) {
    auto info = cl::Model::inspect(cl::test::fixtureStd(model));
    return info ? info.value() : cl::ModelInfo{};
}

void setAvailable(int64_t bytes) {
    qputenv("CREDITLENS_MEMORY_AVAILABLE", QByteArray::number(static_cast<qlonglong>(bytes)));
}

} // namespace

void TestMemoryCheck::machineMemoryIsRead() {
    const auto m = cl::availableMemory();
    QVERIFY(m.has_value()); // Linux: /proc/meminfo always has MemAvailable
    QVERIFY(m->bytes > 0);
    QVERIFY(m->source == "MemAvailable" || m->source == "the cgroup limit");
}

void TestMemoryCheck::overrideParsesUnits() {
    qputenv("CREDITLENS_MEMORY_AVAILABLE", "1.5G");
    QCOMPARE(cl::availableMemory()->bytes, int64_t(1'500'000'000));
    QCOMPARE(cl::availableMemory()->source, std::string("CREDITLENS_MEMORY_AVAILABLE"));
    qputenv("CREDITLENS_MEMORY_AVAILABLE", "512M");
    QCOMPARE(cl::availableMemory()->bytes, int64_t(512'000'000));
    qputenv("CREDITLENS_MEMORY_AVAILABLE", "lots"); // unreadable: the machine's own figure
    QCOMPARE(cl::availableMemory()->source == "CREDITLENS_MEMORY_AVAILABLE", false);
}

void TestMemoryCheck::pairRefusedWhereEachFits() {
    CL_REQUIRE_FIXTURES();
    const cl::ModelInfo one = inspected(kModel);
    QVERIFY(one.estimatedBytes > one.weightBytes && one.weightBytes > 0);
    const std::string dir = cl::test::fixtureStd(kModel);
    // Exactly the pair's estimate fits; one byte less does not, though each model alone fits.
    setAvailable(2 * one.estimatedBytes);
    QVERIFY(cl::checkMemoryFor({one, one}, "the pair needs").ok());
    auto fits = cl::RewardScorer::load(dir, dir);
    QVERIFY2(fits.ok(), fits.ok() ? "" : fits.error().c_str());
    setAvailable(2 * one.estimatedBytes - 1);
    auto refused = cl::RewardScorer::load(dir, dir);
    QVERIFY(!refused.ok());
    const QString sentence = QString::fromStdString(refused.error());
    QVERIFY2(sentence.startsWith("the policy and reference need about "), qPrintable(sentence));
    for (const char* part : {"in f32 (weights ", "this machine has available "
                             "(CREDITLENS_MEMORY_AVAILABLE)", "--dtype bf16", "--no-memory-check"}) {
        QVERIFY2(sentence.contains(part), qPrintable(sentence));
    }
    QVERIFY(cl::Model::load(dir).ok()); // alone it still fits
}

void TestMemoryCheck::singleModelRefused() {
    CL_REQUIRE_FIXTURES();
    setAvailable(1000);
    auto m = cl::Model::load(cl::test::fixtureStd(kModel));
    QVERIFY(!m.ok());
    QVERIFY2(QString::fromStdString(m.error()).contains(": the model needs about "),
             m.error().c_str());
    QVERIFY2(QString::fromStdString(m.error()).contains("than the 1000 bytes"), m.error().c_str());
}

void TestMemoryCheck::checkCanBeTurnedOff() {
    CL_REQUIRE_FIXTURES();
    setAvailable(1000);
    cl::LoadOptions options;
    options.checkMemory = false;
    const std::string dir = cl::test::fixtureStd(kModel);
    QVERIFY(cl::Model::load(dir, options).ok());
    QVERIFY(cl::RewardScorer::load(dir, dir, options).ok());
}

void TestMemoryCheck::gpuLoadsAreNotChecked() {
    setAvailable(1000);
    cl::ModelInfo gpu;
    gpu.device = "cuda";
    gpu.estimatedBytes = int64_t(80) << 30;
    QVERIFY(cl::checkMemoryFor({gpu}, "the model needs").ok());
    cl::ModelInfo cpu = gpu;
    cpu.device = "cpu";
    QVERIFY(!cl::checkMemoryFor({cpu}, "the model needs").ok());
}

void TestMemoryCheck::cliRefusesWithOneSentence() {
    CL_REQUIRE_FIXTURES();
    const QString dir = cl::test::fixturePath(kModel);
    QTemporaryDir tmp;
    QFile input(tmp.filePath("in.jsonl"));
    QVERIFY(input.open(QIODevice::WriteOnly));
    input.write(R"({"prompt_ids": [1, 2, 3], "response_ids": [4, 5]})" "\n");
    input.close();
    setAvailable(1000); // inherited by the child process
    const QStringList args = {"score", "--policy", dir, "--reference", dir, "--input",
                              input.fileName()};
    const auto refused = cl::test::runCli(args);
    QCOMPARE(refused.code, 1);
    QVERIFY2(refused.err.startsWith("creditlens-cli: the policy and reference need about ") &&
                 refused.err.count('\n') == 1,
             refused.err.constData());
    const auto forced = cl::test::runCli(args + QStringList{"--no-memory-check"});
    QCOMPARE(forced.code, 0);
    QVERIFY(forced.out.contains("\"reward_sum\""));
}

void TestMemoryCheck::loadProgressNamesTheEstimate() {
    // The GUI's progress bar shows the stage: what the pair will take, before it is read.
    CL_REQUIRE_FIXTURES();
    const cl::ModelInfo one = inspected(kModel);
    const std::string dir = cl::test::fixtureStd(kModel);
    QStringList stages;
    auto scorer = cl::RewardScorer::load(dir, dir, {}, [&](const cl::Progress& p) {
        stages << QString::fromStdString(p.stage);
        return true;
    });
    QVERIFY(scorer.ok());
    QVERIFY(!stages.isEmpty());
    const QString expected =
        QString::fromStdString("loading models, about " + cl::formatBytes(2 * one.estimatedBytes));
    QCOMPARE(stages.first(), expected);
}

QTEST_GUILESS_MAIN(TestMemoryCheck)
#include "tst_memory_check.moc"
