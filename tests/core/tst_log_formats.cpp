// Every log format of issue #8 parsed from sample files written in the real layouts
// (../shared/LOGS.md); values and steps compared exactly.

#include "core/logs/log_reader.h"
#include "tst_log_helpers.h"

#include <QTemporaryDir>
#include <QTest>

#include <cmath>

using namespace cl::logs;
using cl::Result;
using cl::test::writeFile;

namespace {

const Series& mustFind(const LogRun& run, const std::string& key, const std::string& source = {}) {
    const Series* s = run.find(key, source);
    if (!s) {
        throw std::runtime_error("series not found: " + key);
    }
    return *s;
}

std::vector<double> v(std::initializer_list<double> x) {
    return std::vector<double>(x);
}

const char* kTrainerState = R"({
  "best_metric": null,
  "best_model_checkpoint": null,
  "epoch": 1.0,
  "eval_steps": 20,
  "global_step": 20,
  "is_hyper_param_search": false,
  "log_history": [
    {
      "epoch": 0.5,
      "grad_norm": 12.5,
      "learning_rate": 5e-07,
      "logits/chosen": -2.75,
      "logits/rejected": -2.8125,
      "logps/chosen": -310.5,
      "logps/rejected": -295.25,
      "loss": 0.6931,
      "rewards/accuracies": 0.0,
      "rewards/chosen": 0.0,
      "rewards/margins": 0.0,
      "rewards/rejected": 0.0,
      "step": 10
    },
    {
      "epoch": 1.0,
      "grad_norm": NaN,
      "learning_rate": 2.5e-07,
      "loss": 0.5625,
      "rewards/accuracies": 0.75,
      "rewards/chosen": -0.125,
      "rewards/margins": 0.375,
      "rewards/rejected": -0.5,
      "step": 20
    },
    {
      "epoch": 1.0,
      "eval_loss": 0.59375,
      "eval_rewards/chosen": -0.25,
      "eval_runtime": 3.2,
      "eval_samples_per_second": 10.0,
      "step": 20
    },
    {
      "epoch": 1.0,
      "step": 20,
      "total_flos": 0.0,
      "train_loss": 0.62,
      "train_runtime": 100.5,
      "train_samples_per_second": 3.2
    }
  ],
  "logging_steps": 10,
  "max_steps": 20
}
)";

} // namespace

class TestLogFormats : public QObject {
    Q_OBJECT

private slots:
    void trainerState();
    void trainerStateFolderPicksNewestCheckpoint();
    void llamaFactoryTrainerLog();
    void genericJsonl();
    void dpoReferenceJsonlCountsExamples();
    void wandbCsvWithBands();
    void tensorboardCsvDownload();
    void dpoStdout();
    void tensorboardEvents();
    void formatOverrideAndDetection_data();
    void formatOverrideAndDetection();
};

void TestLogFormats::trainerState() {
    QTemporaryDir dir;
    const QString path = writeFile(dir, "out/trainer_state.json", kTrainerState);
    const Result<LogRun> run = readLog(path.toStdString());
    QVERIFY2(run.ok(), run.error().c_str());
    QCOMPARE(run->format, Format::TrainerState);
    QCOMPARE(run->name, std::string("out"));
    QCOMPARE(run->skippedCount, int64_t(0));

    const Series& chosen = mustFind(*run, "rewards/chosen");
    QCOMPARE(chosen.normalizedName, std::string("rewards/chosen"));
    QCOMPARE(chosen.split, Split::Train);
    QCOMPARE(chosen.steps, v({10, 20}));
    QCOMPARE(chosen.values, v({0.0, -0.125}));
    QCOMPARE(chosen.epochs, v({0.5, 1.0}));
    QCOMPARE(mustFind(*run, "rewards/rejected").values, v({0.0, -0.5}));
    QCOMPARE(mustFind(*run, "rewards/margins").values, v({0.0, 0.375}));
    QCOMPARE(mustFind(*run, "logps/chosen").values, v({-310.5}));

    const Series& grad = mustFind(*run, "grad_norm");
    QCOMPARE(grad.size(), std::size_t(2));
    QVERIFY(std::isnan(grad.values[1])); // Python's bare NaN is read, not an error

    const Series& evalChosen = mustFind(*run, "eval_rewards/chosen");
    QCOMPARE(evalChosen.split, Split::Eval);
    QCOMPARE(evalChosen.normalizedName, std::string("rewards/chosen"));
    QCOMPARE(evalChosen.values, v({-0.25}));
    QCOMPARE(mustFind(*run, "eval_loss").normalizedName, std::string("loss"));

    const Series& summary = mustFind(*run, "train_runtime");
    QCOMPARE(summary.split, Split::Summary);
    QCOMPARE(summary.values, v({100.5}));
    QCOMPARE(mustFind(*run, "total_flos").split, Split::Summary);
}

void TestLogFormats::trainerStateFolderPicksNewestCheckpoint() {
    QTemporaryDir dir;
    const char* early = R"({"global_step": 10, "log_history": [{"loss": 0.7, "step": 10}]})";
    writeFile(dir, "run-a/checkpoint-10/trainer_state.json", early);
    writeFile(dir, "run-a/checkpoint-20/trainer_state.json", kTrainerState);
    writeFile(dir, "run-a/checkpoint-9/trainer_state.json", early); // 9 < 20 numerically
    const Result<LogRun> run = readLog(dir.filePath("run-a").toStdString());
    QVERIFY2(run.ok(), run.error().c_str());
    QCOMPARE(run->name, std::string("run-a"));
    QVERIFY(run->path.find("checkpoint-20") != std::string::npos);
    QCOMPARE(mustFind(*run, "loss").steps, v({10, 20}));
}

void TestLogFormats::llamaFactoryTrainerLog() {
    QTemporaryDir dir;
    writeFile(
        dir, "saves/dpo/trainer_log.jsonl",
        R"({"current_steps": 5, "total_steps": 20, "loss": 0.6931, "accuracy": 0.0, "lr": 4.5e-06, "epoch": 0.25, "percentage": 25.0, "elapsed_time": "0:00:12", "remaining_time": "0:00:36"})"
        "\n"
        R"({"current_steps": 10, "total_steps": 20, "eval_loss": 0.6512, "epoch": 0.5, "percentage": 50.0, "elapsed_time": "0:00:30", "remaining_time": "0:00:30"})"
        "\n"
        R"({"current_steps": 10, "total_steps": 20, "loss": 0.61, "accuracy": 0.625, "lr": 3e-06, "epoch": 0.5, "percentage": 50.0, "elapsed_time": "1 day, 1:02:03", "remaining_time": "0:00:30", "throughput": 1234.5, "total_tokens": 40960})"
        "\n");
    const Result<LogRun> run = readLog(dir.filePath("saves/dpo").toStdString());
    QVERIFY2(run.ok(), run.error().c_str());
    QCOMPARE(run->format, Format::Jsonl);
    QCOMPARE(run->name, std::string("dpo"));
    const Series& loss = mustFind(*run, "loss");
    QCOMPARE(loss.steps, v({5, 10}));
    QCOMPARE(loss.values, v({0.6931, 0.61}));
    QCOMPARE(loss.epochs, v({0.25, 0.5}));
    QCOMPARE(loss.wallTimes, v({12, 86400 + 3723}));
    QVERIFY(!run->absoluteWallTime);
    QCOMPARE(mustFind(*run, "accuracy").normalizedName, std::string("rewards/accuracies"));
    QCOMPARE(mustFind(*run, "lr").normalizedName, std::string("learning_rate"));
    QCOMPARE(mustFind(*run, "eval_loss").split, Split::Eval);
    QCOMPARE(mustFind(*run, "total_tokens").values, v({40960}));
    for (const char* bookkeeping : {"current_steps", "total_steps", "percentage", "elapsed_time",
                                    "remaining_time", "epoch"}) {
        QVERIFY2(!run->find(bookkeeping), bookkeeping);
    }
}

void TestLogFormats::genericJsonl() {
    QTemporaryDir dir;
    const QString path = writeFile(
        dir, "wandb-history.jsonl",
        R"({"_step": 0, "_timestamp": 1700000000.5, "train/loss": 0.69, "train/rewards/chosen": 0.015625, "_wandb": {"runtime": 2}, "tags": ["a", "b"]})"
        "\n\n"
        R"({"_step": 1, "_timestamp": 1700000001.5, "train/loss": 0.5, "note": "text \"quoted\""})"
        "\n");
    const Result<LogRun> run = readLog(path.toStdString());
    QVERIFY2(run.ok(), run.error().c_str());
    QCOMPARE(run->format, Format::Jsonl);
    QCOMPARE(run->name, std::string("wandb-history"));
    QVERIFY(run->absoluteWallTime);
    const Series& loss = mustFind(*run, "train/loss");
    QCOMPARE(loss.normalizedName, std::string("loss"));
    QCOMPARE(loss.steps, v({0, 1}));
    QCOMPARE(loss.values, v({0.69, 0.5}));
    QCOMPARE(loss.wallTimes, v({1700000000.5, 1700000001.5}));
    QCOMPARE(mustFind(*run, "train/rewards/chosen").normalizedName, std::string("rewards/chosen"));
    QCOMPARE(mustFind(*run, "_wandb/runtime").values, v({2})); // nested objects flattened
    QVERIFY(!run->find("note"));
    QCOMPARE(run->skippedCount, int64_t(0));
}

void TestLogFormats::dpoReferenceJsonlCountsExamples() {
    QTemporaryDir dir;
    const QString path = writeFile(
        dir, "metrics.jsonl",
        R"({"rewards_train/chosen": -0.5, "loss/train": 0.7, "counters/examples": 64, "counters/updates": 1})"
        "\n"
        R"({"rewards_train/chosen": -0.75, "loss/train": 0.6, "counters/examples": 128, "counters/updates": 2})"
        "\n");
    const Result<LogRun> run = readLog(path.toStdString(), Format::Jsonl);
    QVERIFY2(run.ok(), run.error().c_str());
    QCOMPARE(run->stepUnit, StepUnit::Examples);
    const Series& chosen = mustFind(*run, "rewards_train/chosen");
    QCOMPARE(chosen.normalizedName, std::string("rewards/chosen"));
    QCOMPARE(chosen.steps, v({64, 128}));
    QCOMPARE(chosen.values, v({-0.5, -0.75}));
    QCOMPARE(mustFind(*run, "loss/train").normalizedName, std::string("loss"));
    QCOMPARE(mustFind(*run, "counters/updates").values, v({1, 2}));
}

void TestLogFormats::wandbCsvWithBands() {
    QTemporaryDir dir;
    const QString path = writeFile(
        dir, "wandb_export.csv",
        "\"Step\",\"dpo-a - train/rewards/chosen\",\"dpo-a - train/rewards/chosen__MIN\","
        "\"dpo-a - train/rewards/chosen__MAX\",\"Group: beta-0.1 - train/rewards/chosen\"\r\n"
        "10,0.5,0.4,0.6,\r\n"
        "20,0.25,0.2,0.3,-0.125\r\n");
    const Result<LogRun> run = readLog(path.toStdString());
    QVERIFY2(run.ok(), run.error().c_str());
    QCOMPARE(run->format, Format::Csv);
    QCOMPARE(run->series.size(), std::size_t(2));
    const Series& a = mustFind(*run, "train/rewards/chosen", "dpo-a");
    QCOMPARE(a.normalizedName, std::string("rewards/chosen"));
    QCOMPARE(a.steps, v({10, 20}));
    QCOMPARE(a.values, v({0.5, 0.25}));
    QCOMPARE(a.lows, v({0.4, 0.2}));
    QCOMPARE(a.highs, v({0.6, 0.3}));
    const Series& g = mustFind(*run, "train/rewards/chosen", "Group: beta-0.1");
    QCOMPARE(g.steps, v({20})); // the empty cell is "no point", not zero
    QCOMPARE(g.values, v({-0.125}));
    QVERIFY(!g.hasBand());
}

void TestLogFormats::tensorboardCsvDownload() {
    QTemporaryDir dir;
    const QString path = writeFile(dir, "run_dpo-tag-train_loss.csv",
                                   "Wall time,Step,Value\n1700000000.25,10,0.6931\n"
                                   "1700000010.75,20,0.5\n");
    const Result<LogRun> run = readLog(path.toStdString());
    QVERIFY2(run.ok(), run.error().c_str());
    const Series& s = mustFind(*run, "run_dpo-tag-train_loss");
    QCOMPARE(s.steps, v({10, 20}));
    QCOMPARE(s.values, v({0.6931, 0.5}));
    QCOMPARE(s.wallTimes, v({1700000000.25, 1700000010.75}));
}

void TestLogFormats::dpoStdout() {
    QTemporaryDir dir;
    const QString path = writeFile(
        dir, "anthropic_dpo_pythia28_2023-06-01_12-00-00/stdout.log",
        "building policy\n"
        "train stats after 64 examples: {'rewards_train/chosen': '0.0012', "
        "'rewards_train/rejected': '-0.0031', 'rewards_train/accuracies': '0.5625', "
        "'rewards_train/margins': '0.0043', 'logps_train/chosen': '-230.1', 'loss/train': "
        "'0.69', 'examples_per_second': '12.3', 'grad_norm': '15.2', 'counters/examples': 64, "
        "'counters/updates': 1}\n"
        "Running evaluation after 128 train examples\n"
        "eval after 128: {'rewards_eval/chosen': '-0.05', 'rewards_eval/rejected': '-0.1', "
        "'loss/eval': '0.68'}\n"
        "skipping logging after 192 examples to avoid logging too frequently\n");
    const Result<LogRun> run = readLog(path.toStdString());
    QVERIFY2(run.ok(), run.error().c_str());
    QCOMPARE(run->format, Format::DpoStdout);
    QCOMPARE(run->stepUnit, StepUnit::Examples);
    QCOMPARE(run->name, std::string("anthropic_dpo_pythia28_2023-06-01_12-00-00"));
    QCOMPARE(run->skippedCount, int64_t(0));
    const Series& chosen = mustFind(*run, "rewards_train/chosen");
    QCOMPARE(chosen.steps, v({64}));
    QCOMPARE(chosen.values, v({0.0012}));
    QCOMPARE(chosen.normalizedName, std::string("rewards/chosen"));
    QCOMPARE(mustFind(*run, "rewards_train/margins").normalizedName,
             std::string("rewards/margins"));
    QCOMPARE(mustFind(*run, "counters/updates").values, v({1}));
    QVERIFY(!run->find("counters/examples"));
    const Series& evalChosen = mustFind(*run, "rewards_eval/chosen");
    QCOMPARE(evalChosen.split, Split::Eval);
    QCOMPARE(evalChosen.steps, v({128}));
    QCOMPARE(evalChosen.values, v({-0.05}));
    QCOMPARE(mustFind(*run, "loss/eval").normalizedName, std::string("loss"));
}

void TestLogFormats::tensorboardEvents() {
    QTemporaryDir dir;
    std::string file = cl::test::fileVersionEvent(1700000000.0);
    file += cl::test::scalarEvent(1700000001.5, 10, "train/loss", 0.6931f);
    file += cl::test::scalarEvent(1700000001.5, 10, "train/epoch", 0.5f);
    file += cl::test::scalarEvent(1700000001.5, 10, "train/rewards/chosen", -0.125f);
    file += cl::test::scalarEvent(1700000003.0, 20, "train/loss", 0.5f);
    file += cl::test::scalarEvent(1700000003.0, 20, "train/epoch", 1.0f);
    file += cl::test::tensorEvent(1700000004.0, 20, "eval/loss", 0.59375f);
    writeFile(dir, "out/runs/Jan01_00-00-00_host/events.out.tfevents.1700000000.host.1.0",
              cl::test::bytes(file));
    const Result<LogRun> run = readLog(dir.filePath("out").toStdString());
    QVERIFY2(run.ok(), run.error().c_str());
    QCOMPARE(run->format, Format::TensorBoard);
    QCOMPARE(run->name, std::string("out"));
    QCOMPARE(run->skippedCount, int64_t(0));
    QVERIFY(run->absoluteWallTime);
    const Series& loss = mustFind(*run, "train/loss");
    QCOMPARE(loss.normalizedName, std::string("loss"));
    QCOMPARE(loss.steps, v({10, 20}));
    QCOMPARE(loss.values, v({double(0.6931f), 0.5}));
    QCOMPARE(loss.wallTimes, v({1700000001.5, 1700000003.0}));
    QCOMPARE(loss.epochs, v({0.5, 1.0})); // joined from train/epoch by step
    QCOMPARE(mustFind(*run, "train/rewards/chosen").normalizedName, std::string("rewards/chosen"));
    const Series& evalLoss = mustFind(*run, "eval/loss");
    QCOMPARE(evalLoss.split, Split::Eval);
    QCOMPARE(evalLoss.steps, v({20}));
    QCOMPARE(evalLoss.values, v({0.59375}));
}

void TestLogFormats::formatOverrideAndDetection_data() {
    QTest::addColumn<QString>("name");
    QTest::addColumn<QByteArray>("head");
    QTest::addColumn<int>("expected");
    QTest::newRow("trainer_state by name")
        << "trainer_state.json" << QByteArray("{") << int(Format::TrainerState);
    QTest::newRow("trainer_state by content")
        << "state.json" << QByteArray("{\n  \"log_history\": []") << int(Format::TrainerState);
    QTest::newRow("jsonl") << "x.jsonl" << QByteArray("{\"step\": 1}\n") << int(Format::Jsonl);
    QTest::newRow("csv by name") << "x.csv" << QByteArray("Step") << int(Format::Csv);
    QTest::newRow("csv by comma") << "x.txt" << QByteArray("step,loss\n1,2\n") << int(Format::Csv);
    QTest::newRow("dpo stdout") << "out.log" << QByteArray("hi\neval after 64: {}\n")
                                << int(Format::DpoStdout);
    QTest::newRow("tensorboard") << "events.out.tfevents.1.h" << QByteArray("\x01")
                                 << int(Format::TensorBoard);
    QTest::newRow("unknown") << "notes.txt" << QByteArray("hello world\n") << int(Format::Auto);
}

void TestLogFormats::formatOverrideAndDetection() {
    QFETCH(QString, name);
    QFETCH(QByteArray, head);
    QFETCH(int, expected);
    QCOMPARE(int(detectFormat(name.toStdString(), std::string_view(head.data(), head.size()))),
             expected);
}

QTEST_GUILESS_MAIN(TestLogFormats)
#include "tst_log_formats.moc"
