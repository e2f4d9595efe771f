// The Dataset view on the bundled demo (issue #17 item 1): the whole file scored on the engine
// thread equals `creditlens-cli score` on the same file and settings; cancel; the exports; a
// conversational file refused. Prints how long the 200 demo pairs take (asserts no time).
#include "tests/common/cli_process.h"
#include "tests/common/tolerances.h"
#include "ui/dataset/dataset_model.h"
#include "ui/dataset/dataset_view.h"
#include "ui/engine/engine_client.h"

#include <qcustomplot.h>

#include <QCheckBox>
#include <QImage>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QPushButton>
#include <QTemporaryDir>
#include <QtTest>

using namespace cl;

namespace {

const QString kDemo = QStringLiteral(CREDITLENS_SOURCE_DIR "/resources/demo");
constexpr double kBeta = 0.1; // the demo's beta (resources/demo/README.md)

} // namespace

class TestDatasetView : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void equalsCliOnTheDemo();
    void cancelStopsTheRun();
    void exportsTableAndHistogram();
    void refusesConversationalFile();

private:
    bool runToEnd(DatasetView& view, const QString& path);

    EngineClient* m_engine = nullptr;
    QTemporaryDir m_tmp;
};

void TestDatasetView::initTestCase() {
    if (!QFile::exists(kDemo + "/pairs.jsonl")) {
        QSKIP("no bundled demo in this tree");
    }
    m_engine = new EngineClient(this);
    QSignalSpy loaded(m_engine, &EngineClient::loaded);
    m_engine->load(kDemo + "/policy", kDemo + "/reference");
    QVERIFY(loaded.wait(60000));
    m_engine->setBeta(kBeta);
}

bool TestDatasetView::runToEnd(DatasetView& view, const QString& path) {
    view.setRunner([this](EngineJob job) { m_engine->runJob(std::move(job)); });
    view.setScoreSettings("tldr", true, kBeta);
    view.setEngineReady(true);
    QSignalSpy finished(&view, &DatasetView::scoringFinished);
    if (!view.openFile(path)) {
        return false;
    }
    return finished.wait(300000);
}

void TestDatasetView::equalsCliOnTheDemo() {
    const QString pairs = kDemo + "/pairs.jsonl";
    DatasetView view;
    view.resize(1100, 500);
    view.show();
    QSignalSpy chunks(&view, &DatasetView::rowsDelivered);
    QVERIFY(runToEnd(view, pairs));
    const DatasetModel& model = *view.model();
    QCOMPARE(model.rowCount(), 200);
    qInfo("dataset view: 200 demo pairs scored in %lld ms, delivered in %d chunks",
          static_cast<long long>(view.lastRunMs()), static_cast<int>(chunks.count()));

    const test::CliRun cli =
        test::runCli({"score", "--policy", kDemo + "/policy", "--reference", kDemo + "/reference",
                      "--template", "tldr", "--beta", QString::number(kBeta), "--input", pairs},
                     300000);
    QVERIFY2(cli.code == 0, cli.err.constData());
    const QList<QByteArray> lines = cli.out.trimmed().split('\n');
    QCOMPARE(lines.size(), 200);
    // Both sides call core's scoreJsonl from an empty cache; they may still differ in their
    // thread counts (BLAS split), so per-token bounds hold, summed over the response's tokens.
    double maxDiff = 0.0;
    int exact = 0, correct = 0, inSpan = 0;
    for (int i = 0; i < 200; ++i) {
        const QJsonObject o = QJsonDocument::fromJson(lines[i]).object();
        const DatasetRow& row = model.rowAt(model.rowOfEntry(i));
        QCOMPARE(row.line, i + 1);
        const QJsonObject c = o.value("chosen").toObject(), r = o.value("rejected").toObject();
        const int nc = c.value("tokens").toArray().size(), nr = r.value("tokens").toArray().size();
        QCOMPARE(row.tokensChosen, nc);
        QCOMPARE(row.tokensRejected, nr);
        const double boundC = tol::sumOf(nc, tol::rewardMax(kBeta, tol::kLogprobMaxF32VsF32));
        const double boundR = tol::sumOf(nr, tol::rewardMax(kBeta, tol::kLogprobMaxF32VsF32));
        const double dc = std::abs(row.sumChosen - c.value("reward_sum").toDouble());
        const double dr = std::abs(row.sumRejected - r.value("reward_sum").toDouble());
        const double dm = std::abs(row.margin - o.value("margin").toDouble());
        maxDiff = std::max({maxDiff, dc, dr});
        exact += (dc == 0 && dr == 0 && dm == 0) ? 1 : 0;
        QVERIFY2(dc <= boundC,
                 qPrintable(QString("pair %1 chosen: |Δ| %2 > %3").arg(i + 1).arg(dc).arg(boundC)));
        QVERIFY2(
            dr <= boundR,
            qPrintable(QString("pair %1 rejected: |Δ| %2 > %3").arg(i + 1).arg(dr).arg(boundR)));
        QVERIFY(dm <= boundC + boundR);
        QVERIFY(std::abs(row.pChosen - o.value("p_chosen").toDouble()) <= (boundC + boundR) / 4);
        QCOMPARE(row.correct, o.value("margin").toDouble() > 0);
        correct += row.correct ? 1 : 0;
        QVERIFY(row.lowestInErrorSpan.has_value());
        inSpan += *row.lowestInErrorSpan ? 1 : 0;
    }
    qInfo("dataset view vs creditlens-cli score: max |ΔΣr| %.3g over 200 pairs, %d pairs "
          "bitwise equal",
          maxDiff, exact);
    // The demo's published measurements (resources/demo/README.md, tst_demo_results).
    QCOMPARE(correct, 199);
    QCOMPARE(inSpan, 164); // 82.0%
    QVERIFY(view.findChild<QCustomPlot*>()->plottableCount() == 2);
}

void TestDatasetView::cancelStopsTheRun() {
    DatasetView view;
    view.setRunner([this](EngineJob job) { m_engine->runJob(std::move(job)); });
    view.setScoreSettings("tldr", true, kBeta);
    view.setEngineReady(true);
    QSignalSpy cancelled(&view, &DatasetView::scoringCancelled);
    QSignalSpy finished(&view, &DatasetView::scoringFinished);
    QVERIFY(view.openFile(kDemo + "/pairs.jsonl"));
    QVERIFY(view.isScoring());
    QVERIFY(view.findChild<QPushButton*>("datasetCancelButton")->isEnabled());
    view.cancel(); // the flag is read before each line: at most one more pair is scored
    QVERIFY(cancelled.wait(60000));
    QCOMPARE(finished.count(), 0);
    QVERIFY(!view.isScoring());
    QVERIFY(view.model()->rowCount() < 200);
    QVERIFY(view.findChild<QLabel*>("datasetStatus")->text().contains("cancelled"));
}

void TestDatasetView::exportsTableAndHistogram() {
    // A 12-pair subset keeps this quick.
    QFile all(kDemo + "/pairs.jsonl");
    QVERIFY(all.open(QIODevice::ReadOnly));
    const QList<QByteArray> lines = all.readAll().split('\n');
    const QString subset = m_tmp.filePath("subset.jsonl");
    QFile out(subset);
    QVERIFY(out.open(QIODevice::WriteOnly));
    for (int i = 0; i < 12; ++i) {
        out.write(lines[i] + '\n');
    }
    out.close();
    DatasetView view;
    view.resize(1000, 450);
    view.show();
    QVERIFY(runToEnd(view, subset));
    QCOMPARE(view.model()->rowCount(), 12);

    QString error;
    const QString csv = m_tmp.filePath("table.csv"), jsonl = m_tmp.filePath("table.jsonl");
    QVERIFY2(view.exportTable(csv, &error), qPrintable(error));
    QVERIFY2(view.exportTable(jsonl, &error), qPrintable(error));
    QFile csvFile(csv);
    QVERIFY(csvFile.open(QIODevice::ReadOnly));
    const QList<QByteArray> rows = csvFile.readAll().trimmed().split('\n');
    QCOMPARE(rows.size(), 13); // header + the 12 rows shown
    QVERIFY(rows[0].startsWith("line,index,sum_r_chosen"));
    QFile jsonFile(jsonl);
    QVERIFY(jsonFile.open(QIODevice::ReadOnly));
    const QList<QByteArray> objects = jsonFile.readAll().trimmed().split('\n');
    QCOMPARE(objects.size(), 12);
    const QJsonObject first = QJsonDocument::fromJson(objects[0]).object();
    const DatasetRow& row0 = view.model()->rowAt(view.shownRows()[0]);
    QCOMPARE(first.value("margin").toDouble(), row0.margin);
    QCOMPARE(first.value("sum_r_chosen").toDouble(), row0.sumChosen);

    for (const char* suffix : {"png", "svg", "pdf"}) {
        const QString path = m_tmp.filePath(QString("hist.%1").arg(suffix));
        QVERIFY2(view.exportHistogram(path, &error), qPrintable(error));
        QVERIFY2(QFileInfo(path).size() > 500, suffix);
    }
    QImage png(m_tmp.filePath("hist.png"));
    QVERIFY(!png.isNull());
    QCOMPARE(png.size(), view.plot()->size());
    QFile svg(m_tmp.filePath("hist.svg"));
    QVERIFY(svg.open(QIODevice::ReadOnly));
    QVERIFY(svg.readAll().contains("<svg"));
    QFile pdf(m_tmp.filePath("hist.pdf"));
    QVERIFY(pdf.open(QIODevice::ReadOnly));
    QVERIFY(pdf.read(5) == "%PDF-");

    // Other editor settings than the rows': the status says so, the rows stay.
    view.setScoreSettings("raw", true, kBeta);
    QVERIFY(view.findChild<QLabel*>("datasetStatus")->text().contains("Score to rescore"));
    QCOMPARE(view.model()->rowCount(), 12);

    // Filters shrink what is exported: only misranked rows (none among these 12).
    view.findChild<QCheckBox*>("datasetMisranked")->setChecked(true);
    QVERIFY(view.exportTable(csv, &error));
    csvFile.close();
    QVERIFY(csvFile.open(QIODevice::ReadOnly));
    const int misranked =
        static_cast<int>(std::count_if(view.model()->rows().begin(), view.model()->rows().end(),
                                       [](const DatasetRow& r) { return !r.correct; }));
    QCOMPARE(csvFile.readAll().trimmed().split('\n').size(), 1 + misranked);
}

void TestDatasetView::refusesConversationalFile() {
    const QString path = m_tmp.filePath("chat.jsonl");
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write("{\"chosen\":[{\"role\":\"user\",\"content\":\"Hi\"},{\"role\":\"assistant\","
            "\"content\":\"Hello\"}],\"rejected\":[{\"role\":\"user\",\"content\":\"Hi\"},"
            "{\"role\":\"assistant\",\"content\":\"Go away\"}]}\n");
    f.close();
    DatasetView view;
    view.setEngineReady(true);
    QSignalSpy message(&view, &DatasetView::message);
    QVERIFY(!view.openFile(path));
    QVERIFY(view.filePath().isEmpty());
    QVERIFY(!view.isScoring());
    QCOMPARE(message.count(), 1);
    QVERIFY2(message[0][0].toString().contains("conversational"),
             qPrintable(message[0][0].toString()));
}

QTEST_MAIN(TestDatasetView)
#include "tst_dataset_view.moc"
