// `creditlens-cli train-demo --quick` end to end as a real process (issue #9): every stage runs
// (data, spm_train, base LM, SFT, both DPO runs, measurement) and leaves the shipped layout; the
// same seed gives the same bytes; the tokenizer does not record where it was built.
#include "core/logs/log_reader.h"

#include "common/cli_process.h"

#include <QFile>
#include <QTemporaryDir>
#include <QtTest>

#include <nlohmann/json.hpp>

#include <fstream>

namespace {

QByteArray slurp(const QString& path) {
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

} // namespace

class TestTrainDemoCli : public QObject {
    Q_OBJECT
private slots:
    void quickRunLeavesTheShippedLayout() {
        QTemporaryDir a, b;
        for (const QTemporaryDir* d : {&a, &b}) {
            const auto run = cl::test::runCli({"train-demo", "--out", d->path(), "--seed", "3",
                                               "--quick", "--threads", "1"},
                                              300000);
            QVERIFY2(run.code == 0, run.err.constData());
        }
        const QString out = a.path();
        for (const char* f :
             {"policy/config.json", "policy/model.safetensors", "policy/tokenizer.model",
              "policy/tokenizer_config.json", "reference/model.safetensors",
              "reference/tokenizer.model", "dpo_from_sft/trainer_state.json",
              "dpo_without_sft/trainer_state.json", "pairs.jsonl", "demo_results.json"}) {
            QVERIFY2(QFile::exists(out + "/" + f), f);
        }
        QVERIFY2(!QFile::exists(out + "/work"), "work/ is removed without --keep-work");

        // Deterministic for a seed and thread count: the same weights and tokenizer, byte for byte.
        for (const char* f : {"policy/model.safetensors", "reference/model.safetensors",
                              "policy/tokenizer.model", "pairs.jsonl"}) {
            QVERIFY2(slurp(out + "/" + f) == slurp(b.path() + "/" + f), f);
        }
        QVERIFY(!slurp(out + "/policy/tokenizer.model").contains(out.toUtf8()));

        std::ifstream in((out + "/demo_results.json").toStdString());
        const nlohmann::json results = nlohmann::json::parse(in);
        QCOMPARE(results.at("measurements").at("held_out_pairs").get<int>(), 8);
        QCOMPARE(results.at("seed").get<int>(), 3);
        const double accuracy = results.at("measurements").at("pair_accuracy_by_reward_sum");
        QVERIFY(accuracy >= 0.0 && accuracy <= 1.0);

        for (const char* run : {"dpo_from_sft", "dpo_without_sft"}) {
            auto log = cl::logs::readLog((out + "/" + run).toStdString());
            QVERIFY2(log.ok(), log.ok() ? run : log.error().c_str());
            const cl::logs::Series* margins = log->find("rewards/margins");
            QVERIFY2(margins && margins->size() >= 10, run); // 200 pairs / 16 per step, log each
        }
    }

    void missingOutputFolderIsAUsageError() {
        const auto run = cl::test::runCli({"train-demo", "--seed", "1"});
        QCOMPARE(run.code, 2);
        QVERIFY(run.err.contains("--out is required"));
    }
};

QTEST_GUILESS_MAIN(TestTrainDemoCli)
#include "tst_train_demo_cli.moc"
