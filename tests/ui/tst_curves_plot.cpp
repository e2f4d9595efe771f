// Curves drawn and exported without a window (issue #8): figure sizes, the smoothed graph is
// TensorBoard's EMA, CSV of raw and smoothed series, the DPO summary flag, `creditlens plot`.

#include "core/logs/smoothing.h"
#include "ui/curves/curve_data.h"
#include "ui/curves/curve_plotter.h"
#include "ui/curves/plot_command.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QImage>
#include <QTemporaryDir>
#include <QTest>

#include <qcustomplot.h>

using namespace cl;

namespace {

logs::LogRun dpoRun() {
    logs::LogRun run;
    run.name = "dpo-run";
    const auto add = [&](const char* key, std::vector<double> values) {
        logs::Series s;
        s.originalKey = key;
        s.normalizedName = key;
        for (std::size_t i = 0; i < values.size(); ++i) {
            s.append(logs::Point{double(10 * (i + 1)), values[i], 0.1 * double(i + 1), {}, {}, {}});
        }
        run.series.push_back(s);
    };
    add("rewards/chosen", {0.0, -0.1, -0.3, -0.6, -0.9});
    add("rewards/rejected", {0.0, -0.3, -0.8, -1.5, -2.4});
    add("rewards/margins", {0.0, 0.2, 0.5, 0.9, 1.5});
    add("rewards/accuracies", {0.5, 0.6, 0.7, 0.8, 0.9});
    return run;
}

} // namespace

class TestCurvesPlot : public QObject {
    Q_OBJECT

private slots:
    void smoothedGraphIsTensorBoardEma();
    void oneAxisRectPerMetricOrOverlay();
    void exportedImageHasRequestedSize_data();
    void exportedImageHasRequestedSize();
    void svgAndPdfAreWritten();
    void csvHasRawAndSmoothed();
    void summaryFlagsBothFalling();
    void plotCommand();
    void plotCommandBadUsage();
    void plotCommandFolderOfRuns();
    void plotCommandWithoutDataFails();
    void plotCommandHelp();
};

void TestCurvesPlot::smoothedGraphIsTensorBoardEma() {
    const logs::LogRun run = dpoRun();
    QCustomPlot plot;
    CurveSettings s;
    s.metrics = {"rewards/chosen"};
    s.smoothing = 0.6;
    CurvePlotter::build(plot, {&run}, s, false);
    QCOMPARE(plot.graphCount(), 2); // faint raw + smoothed
    const std::vector<double> expected = logs::smoothEma(run.series[0].values, 0.6);
    QCPGraph* smooth = plot.graph(1);
    QCOMPARE(smooth->data()->size(), 5);
    double maxDiff = 0;
    for (int i = 0; i < 5; ++i) {
        maxDiff = std::max(
            maxDiff, std::abs((smooth->data()->begin() + i)->value - expected[std::size_t(i)]));
    }
    QVERIFY2(maxDiff < 1e-12, qPrintable(QString("max diff %1").arg(maxDiff)));
    QVERIFY(plot.graph(0)->pen().color().alpha() < 100); // raw curve is faint
}

void TestCurvesPlot::oneAxisRectPerMetricOrOverlay() {
    const logs::LogRun run = dpoRun();
    QCustomPlot plot;
    CurveSettings s;
    s.metrics = defaultDpoMetrics();
    s.title = "t";
    CurvePlotter::build(plot, {&run}, s, false);
    QCOMPARE(plot.axisRects().size(), 4);
    // One shared legend outside the plots (issue #17): one entry per run, raw curves hidden.
    QCPLegend* legend = nullptr;
    for (int i = 0; i < plot.plotLayout()->elementCount(); ++i) {
        legend = legend ? legend : qobject_cast<QCPLegend*>(plot.plotLayout()->elementAt(i));
    }
    QVERIFY(legend);
    QCOMPARE(legend->itemCount(), 1);
    for (QCPAxisRect* rect : plot.axisRects()) {
        QCOMPARE(rect->insetLayout()->elementCount(), 0);
    }
    s.overlay = true;
    CurvePlotter::build(plot, {&run}, s, false);
    QCOMPARE(plot.axisRects().size(), 1);
    QCOMPARE(plot.graphCount(), 8);
}

void TestCurvesPlot::exportedImageHasRequestedSize_data() {
    QTest::addColumn<QSize>("size");
    QTest::addColumn<int>("dpi");
    QTest::newRow("1600x900 @150") << QSize(1600, 900) << 150;
    QTest::newRow("640x480 @300") << QSize(640, 480) << 300;
}

void TestCurvesPlot::exportedImageHasRequestedSize() {
    QFETCH(QSize, size);
    QFETCH(int, dpi);
    const logs::LogRun run = dpoRun();
    QCustomPlot plot;
    CurveSettings s;
    s.metrics = {"rewards/chosen", "rewards/rejected"};
    CurvePlotter::build(plot, {&run}, s, false);
    QTemporaryDir dir;
    const QString path = dir.filePath("fig.png");
    QString error;
    QVERIFY2(CurvePlotter::exportFigure(plot, path, size, dpi, &error), qPrintable(error));
    const QImage image(path);
    QCOMPARE(image.size(), size);
    QCOMPARE(qRound(image.dotsPerMeterX() * 0.0254), dpi);
}

void TestCurvesPlot::svgAndPdfAreWritten() {
    const logs::LogRun run = dpoRun();
    QCustomPlot plot;
    CurveSettings s;
    s.metrics = {"rewards/margins"};
    s.title = "Margins";
    CurvePlotter::build(plot, {&run}, s, false);
    QTemporaryDir dir;
    QVERIFY(CurvePlotter::exportFigure(plot, dir.filePath("f.svg"), QSize(800, 600), 96));
    QVERIFY(CurvePlotter::exportFigure(plot, dir.filePath("f.pdf"), QSize(800, 600), 96));
    QFile svg(dir.filePath("f.svg"));
    QVERIFY(svg.open(QIODevice::ReadOnly));
    const QByteArray text = svg.readAll();
    QVERIFY(text.contains("<svg"));
    QVERIFY(text.contains("Margins")); // title
    QFile pdf(dir.filePath("f.pdf"));
    QVERIFY(pdf.open(QIODevice::ReadOnly));
    QVERIFY(pdf.read(5) == "%PDF-");
    QString error;
    QVERIFY(!CurvePlotter::exportFigure(plot, dir.filePath("f.bmp"), QSize(8, 8), 96, &error));
    QVERIFY(error.contains("f.bmp"));
}

void TestCurvesPlot::csvHasRawAndSmoothed() {
    const logs::LogRun run = dpoRun();
    CurveSettings s;
    s.metrics = {"rewards/chosen"};
    s.smoothing = 0.5;
    QTemporaryDir dir;
    QVERIFY(CurvePlotter::exportCsv({&run}, s, dir.filePath("c.csv")));
    QFile f(dir.filePath("c.csv"));
    QVERIFY(f.open(QIODevice::ReadOnly));
    const QStringList lines = QString::fromUtf8(f.readAll()).trimmed().split('\n');
    QCOMPARE(lines.size(), 6);
    QCOMPARE(lines[0], QString("run,metric,original_key,step,raw,smoothed"));
    // second point: EMA (0.5*0.5*0 + 0.5*-0.1) / (1 - 0.25) = -0.0666...
    const QStringList row = lines[2].split(',');
    QCOMPARE(row[3], QString("20"));
    QCOMPARE(row[4], QString("-0.1"));
    QVERIFY(std::abs(row[5].toDouble() - (-0.05 / 0.75)) < 1e-12);
}

void TestCurvesPlot::summaryFlagsBothFalling() {
    const DpoSummary d = summarizeDpo(dpoRun());
    QVERIFY(d.valid);
    QVERIFY(d.bothFall);
    QCOMPARE(d.chosenEnd, -0.9);
    QCOMPARE(d.marginEnd, 1.5);
    QCOMPARE(d.accuracyEnd, 0.9);
    QVERIFY(bothFallExplanation().contains("KL"));
    logs::LogRun rising = dpoRun();
    rising.series[0].values = {0.0, 0.1, 0.2, 0.3, 0.4};
    QVERIFY(!summarizeDpo(rising).bothFall);
    QVERIFY(summarizeDpo(rising).chosenRises);
    QVERIFY(!d.chosenRises);
    rising.series[0].values = {-0.4, -0.3, -0.2, -0.1, -0.05}; // rises, but stays below zero
    QVERIFY(!summarizeDpo(rising).chosenRises);
}

void TestCurvesPlot::plotCommand() {
    QTemporaryDir dir;
    QFile log(dir.filePath("trainer_state.json"));
    QVERIFY(log.open(QIODevice::WriteOnly));
    log.write(R"({"log_history": [
        {"step": 10, "epoch": 0.5, "rewards/chosen": 0.0, "rewards/rejected": 0.0, "loss": 0.69},
        {"step": 20, "epoch": 1.0, "rewards/chosen": -0.2, "rewards/rejected": -0.6, "loss": 0.5}]})");
    log.close();
    const QString out = dir.filePath("fig.png");
    QCOMPARE(runPlotCommand({"--input", log.fileName(), "--metrics", "rewards/chosen,loss",
                             "--smoothing", "0.3", "--log-y", "--out", out, "--size", "900x500"}),
             0);
    QCOMPARE(QImage(out).size(), QSize(900, 500));
    QCOMPARE(runPlotCommand({"--input", dir.path(), "--out", dir.filePath("fig.svg")}), 0);
    QVERIFY(QFile::exists(dir.filePath("fig.svg")));
    QCOMPARE(runPlotCommand({"--input", dir.filePath("missing.json"), "--out", out}), 1);
}

void TestCurvesPlot::plotCommandBadUsage() {
    QCOMPARE(runPlotCommand({"--out", "x.png"}), 2);
    QCOMPARE(runPlotCommand({"--input", "a", "--out", "x.png", "--size", "big"}), 2);
    QCOMPARE(runPlotCommand({"--input", "a", "--out", "x.png", "--smoothing", "1.5"}), 2);
    QCOMPARE(runPlotCommand({"--input", "a", "--bogus"}), 2);
}

namespace {

void writeFile(const QString& path, const QByteArray& text) {
    QDir().mkpath(QFileInfo(path).absolutePath());
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(text);
}

QByteArray trainerState(double sign) {
    QByteArray history;
    for (int step = 1; step <= 20; ++step) {
        history += QStringLiteral(R"(%1{"step": %2, "epoch": %3, "rewards/chosen": %4, "rewards/rejected": %5, "loss": 0.6})")
                       .arg(step > 1 ? "," : "")
                       .arg(step)
                       .arg(step / 20.0)
                       .arg(sign * 0.05 * step)
                       .arg(-0.1 * step)
                       .toUtf8();
    }
    return "{\"log_history\": [" + history + "]}";
}

/// resources/demo's layout: a preference file beside two runs in subfolders.
void writeLogdir(const QString& root) {
    writeFile(root + "/pairs.jsonl",
              R"({"prompt": "p", "chosen": " a", "rejected": " b"})" "\n"
              R"({"prompt": "q", "chosen": " c", "rejected": " d"})" "\n");
    writeFile(root + "/dpo_from_sft/trainer_state.json", trainerState(-1));
    writeFile(root + "/dpo_without_sft/trainer_state.json", trainerState(1));
}

/// Pixels of exactly `color` (the smoothed curves are drawn opaque in their run's color).
int pixelsOf(const QImage& image, const QColor& color) {
    int n = 0;
    const QImage img = image.convertToFormat(QImage::Format_RGB32);
    for (int y = 0; y < img.height(); ++y) {
        for (int x = 0; x < img.width(); ++x) {
            n += QColor(img.pixel(x, y)).rgb() == color.rgb() ? 1 : 0;
        }
    }
    return n;
}

} // namespace

// Issue #17 "a folder of runs plots nothing": as TensorBoard's logdir, every subfolder holding
// a log is a run; the preference file beside them is no log.
void TestCurvesPlot::plotCommandFolderOfRuns() {
    QTemporaryDir dir;
    writeLogdir(dir.filePath("demo"));
    const QString out = dir.filePath("fig.png");
    QCOMPARE(runPlotCommand({"--input", dir.filePath("demo"), "--metrics",
                             "rewards/chosen,rewards/rejected", "--out", out, "--size", "800x600"}),
             0);
    const QImage image(out);
    QCOMPARE(image.size(), QSize(800, 600));
    QVERIFY2(pixelsOf(image, runColor(0)) > 100, "the first run is not drawn");
    QVERIFY2(pixelsOf(image, runColor(1)) > 100, "the second run is not drawn");
}

// A figure with no data is an error with a sentence, not an empty file and exit code 0.
void TestCurvesPlot::plotCommandWithoutDataFails() {
    QTemporaryDir dir;
    writeLogdir(dir.filePath("demo"));
    const QString out = dir.filePath("none.png");
    QCOMPARE(runPlotCommand({"--input", dir.filePath("demo"), "--metrics", "no/such_metric",
                             "--out", out}),
             1);
    QVERIFY(!QFile::exists(out));
    writeFile(dir.filePath("prefs/pairs.jsonl"),
              R"({"prompt": "p", "chosen": " a", "rejected": " b"})" "\n");
    QCOMPARE(runPlotCommand({"--input", dir.filePath("prefs"), "--out", out}), 1);
    QCOMPARE(runPlotCommand({"--input", dir.filePath("prefs/pairs.jsonl"), "--out", out}), 1);
    QVERIFY(!QFile::exists(out));
}

void TestCurvesPlot::plotCommandHelp() {
    QCOMPARE(runPlotCommand({"--help"}), 0);
    QCOMPARE(runPlotCommand({"-h"}), 0);
}

QTEST_MAIN(TestCurvesPlot)
#include "tst_curves_plot.moc"
