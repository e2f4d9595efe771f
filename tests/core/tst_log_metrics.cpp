// Smoothing (TensorBoard's debiased EMA), the name map of LOGS.md, CRC-32C and the long-table
// export of issue #8.

#include "core/logs/crc32c.h"
#include "core/logs/log_export.h"
#include "core/logs/metric_names.h"
#include "core/logs/smoothing.h"

#include <QTest>

#include <cmath>
#include <sstream>

using namespace cl::logs;

class TestLogMetrics : public QObject {
    Q_OBJECT

private slots:
    void emaMatchesTensorBoard();
    void emaEdgeCases();
    void normalizedNames_data();
    void normalizedNames();
    void crc32cKnownValue();
    void longTableCsv();
    void longTableJson();
};

void TestLogMetrics::emaMatchesTensorBoard() {
    // Reference: TensorBoard's classicSmoothing on [1, 2, 3, 4] with weight 0.6, by hand:
    // last = 0.4, 0.4*0.6+0.8 = 1.04, 1.04*0.6+1.2 = 1.824, 1.824*0.6+1.6 = 2.6944
    // debias 1-0.6^k = 0.4, 0.64, 0.784, 0.8704 -> 1, 1.625, 2.326530..., 3.095588...
    const std::vector<double> out = smoothEma({1, 2, 3, 4}, 0.6);
    const std::vector<double> expected{1.0, 1.625, 1.824 / 0.784, 2.6944 / 0.8704};
    double maxDiff = 0;
    for (std::size_t i = 0; i < out.size(); ++i) {
        maxDiff = std::max(maxDiff, std::abs(out[i] - expected[i]));
    }
    QVERIFY2(maxDiff < 1e-12, qPrintable(QString("max diff %1").arg(maxDiff)));
}

void TestLogMetrics::emaEdgeCases() {
    QCOMPARE(smoothEma({}, 0.6), std::vector<double>{});
    QCOMPARE(smoothEma({3, 3, 3}, 0.9), std::vector<double>({3, 3, 3})); // constant passes through
    QCOMPARE(smoothEma({1, 5, 2}, 0.0), std::vector<double>({1, 5, 2})); // weight 0 = raw
    const std::vector<double> withNan = smoothEma({1, NAN, 3}, 0.5);
    QVERIFY(std::isnan(withNan[1]));
    // NaN is skipped: the third value is the second accumulated one.
    QCOMPARE(withNan[2], (0.5 * 0.5 + 0.5 * 3) / 0.75);
    QVERIFY(std::isfinite(smoothEma({1, 2}, 1.0)[1])); // clamped, no division by zero
    QVERIFY(std::abs(llamaFactoryWeight(0)) < 1e-15);
}

void TestLogMetrics::normalizedNames_data() {
    QTest::addColumn<QString>("key");
    QTest::addColumn<QString>("name");
    QTest::addColumn<int>("split");
    const int tr = int(Split::Train);
    const int ev = int(Split::Eval);
    QTest::newRow("trl") << "rewards/chosen"
                         << "rewards/chosen" << tr;
    QTest::newRow("trl eval") << "eval_rewards/rejected"
                              << "rewards/rejected" << ev;
    QTest::newRow("trl eval set") << "eval_hh_rlhf_rewards/margins"
                                  << "hh_rlhf:rewards/margins" << ev;
    QTest::newRow("tensorboard") << "train/rewards/chosen"
                                 << "rewards/chosen" << tr;
    QTest::newRow("tensorboard eval") << "eval/rewards/accuracies"
                                      << "rewards/accuracies" << ev;
    QTest::newRow("dpo ref") << "rewards_train/chosen"
                             << "rewards/chosen" << tr;
    QTest::newRow("dpo ref eval") << "rewards_eval/margins"
                                  << "rewards/margins" << ev;
    QTest::newRow("dpo ref logps") << "logps_train/rejected"
                                   << "logps/rejected" << tr;
    QTest::newRow("dpo ref loss") << "loss/train"
                                  << "loss" << tr;
    QTest::newRow("dpo ref loss eval") << "loss/eval"
                                       << "loss" << ev;
    QTest::newRow("openrlhf chosen") << "train/chosen_reward"
                                     << "rewards/chosen" << tr;
    QTest::newRow("openrlhf rejected") << "train/reject_reward"
                                       << "rewards/rejected" << tr;
    QTest::newRow("openrlhf acc") << "train/acc"
                                  << "rewards/accuracies" << tr;
    QTest::newRow("openrlhf eval loss") << "eval/eval_loss"
                                        << "loss" << ev;
    QTest::newRow("llama-factory acc") << "accuracy"
                                       << "rewards/accuracies" << tr;
    QTest::newRow("torchtune") << "log_probs/chosen"
                               << "logps/chosen" << tr;
    QTest::newRow("eval loss") << "eval_loss"
                               << "loss" << ev;
    QTest::newRow("summary") << "train_runtime"
                             << "train_runtime" << int(Split::Summary);
    QTest::newRow("unknown") << "entropy"
                             << "entropy" << tr;
}

void TestLogMetrics::normalizedNames() {
    QFETCH(QString, key);
    QFETCH(QString, name);
    QFETCH(int, split);
    const MetricName m = normalizeMetric(key.toStdString());
    QCOMPARE(QString::fromStdString(m.normalized), name);
    QCOMPARE(int(m.split), split);
}

void TestLogMetrics::crc32cKnownValue() {
    QCOMPARE(crc32c("123456789", 9), 0xE3069283u); // the CRC-32C check value
    QCOMPARE(crc32c("", 0), 0u);
}

namespace {

LogRun sampleRun() {
    LogRun run;
    run.name = "run,1";
    Series s;
    s.originalKey = "rewards/chosen";
    s.normalizedName = "rewards/chosen";
    s.append(Point{10, -0.125, 0.5, std::nullopt, std::nullopt, std::nullopt});
    s.append(Point{20, 0.1, std::nullopt, std::nullopt, std::nullopt, std::nullopt});
    run.series.push_back(s);
    Series e;
    e.originalKey = "eval_loss";
    e.normalizedName = "loss";
    e.split = Split::Eval;
    e.append(Point{20, 0.5, 1.0, std::nullopt, std::nullopt, std::nullopt});
    run.series.push_back(e);
    return run;
}

} // namespace

void TestLogMetrics::longTableCsv() {
    std::ostringstream out;
    writeLongTableCsv(out, {sampleRun()});
    QCOMPARE(QString::fromStdString(out.str()), QString("run,metric,step,value,epoch\n"
                                                        "\"run,1\",rewards/chosen,10,-0.125,0.5\n"
                                                        "\"run,1\",rewards/chosen,20,0.1,\n"
                                                        "\"run,1\",eval_loss,20,0.5,1\n"));
    std::ostringstream filtered;
    writeLongTableCsv(filtered, {sampleRun()}, {"loss"}); // normalised names match train only
    QCOMPARE(QString::fromStdString(filtered.str()), QString("run,metric,step,value\n"));
}

void TestLogMetrics::longTableJson() {
    std::ostringstream out;
    writeLongTableJson(out, {sampleRun()}, {"eval_loss"});
    QCOMPARE(QString::fromStdString(out.str()),
             QString("[\n{\"run\":\"run,1\",\"metric\":\"eval_loss\",\"step\":20,\"value\":0.5,"
                     "\"epoch\":1}\n]\n"));
}

QTEST_GUILESS_MAIN(TestLogMetrics)
#include "tst_log_metrics.moc"
