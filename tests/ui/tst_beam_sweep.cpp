// SweepView against real fixture models (issue #7 item 4): the rows equal cl::widthSweep, the
// chart has one point per width on both axes, the CSV holds the same numbers, figure exports
// have the requested pixel size / valid SVG and PDF headers, cancel and bad input are handled.
#include "common/tolerances.h"
#include "core/engine/beam_scoring.h"
#include "core/engine/prompt_template.h"
#include "tests/ui/tst_beam_engine.h"
#include "ui/beam/sweep_chart.h"
#include "ui/beam/sweep_view.h"

#include <qcustomplot.h>

#include <QImage>
#include <QLineEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QTest>

#include <cmath>

using namespace cl;

namespace {

const QStringList kPrompts = {QStringLiteral("Once upon a time"), QStringLiteral("The little dog")};

BeamOptions baseOptions() {
    BeamOptions o;
    o.maxNewTokens = 8;
    o.lengthPenalty = 1.0;
    return o;
}

std::vector<SweepRow> someRows() {
    return {{1, 2, 8.0, -20.5, 0.25, 0.03},
            {2, 2, 7.5, -18.0, -0.5, -0.06},
            {5, 2, 6.0, -15.25, 1.125, 0.19}};
}

} // namespace

class TestBeamSweep : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void rowsEqualCoreAndChart();
    void csvMatchesRows();
    void exports_data();
    void exports();
    void cancelBeforeStart();
    void badWidthsAreRefused();

private:
    test::BeamEngine m_engine;
};

void TestBeamSweep::initTestCase() {
    if (QDir(test::fixturesDir()).exists()) {
        QVERIFY2(m_engine.load(), qPrintable(m_engine.error()));
    }
}

void TestBeamSweep::rowsEqualCoreAndChart() {
    CL_REQUIRE_FIXTURES();
    SweepView view;
    view.setRunner(m_engine.runner());
    view.setOptionsSource(baseOptions);
    view.setPrompt(kPrompts.first(), "raw");
    view.setPromptList(kPrompts);
    QCOMPARE(view.prompts(), kPrompts);
    view.widthsEdit()->setText("1, 2,3 5");
    QSignalSpy done(&view, &SweepView::sweepFinished);
    QVERIFY(view.run());
    QVERIFY(!view.runButton()->isEnabled());
    QVERIFY(done.wait(120000));

    RewardScorer& s = *m_engine.scorer();
    std::vector<std::vector<int32_t>> ids;
    for (const QString& p : kPrompts) {
        auto seq = applyTemplate(*s.tokenizer(), "raw", p.toStdString(), "", false);
        QVERIFY(seq.ok());
        ids.emplace_back(seq->ids.begin(), seq->ids.begin() + seq->responseStart);
    }
    auto expected = widthSweep(s.policyModel(), s.referenceModel(), s.tokenizer(), ids,
                               {1, 2, 3, 5}, baseOptions(), s.beta());
    QVERIFY2(expected.ok(), expected.error().c_str());
    const std::vector<SweepRow>& rows = view.rows();
    QCOMPARE(rows.size(), expected->size());
    // Two float32 runs of the same searches: means of sums over at most maxNewTokens tokens.
    const int n = baseOptions().maxNewTokens;
    cl::tol::DiffStats dLogL, dReward;
    for (size_t i = 0; i < rows.size(); ++i) {
        QCOMPARE(rows[i].width, expected->at(i).width);
        QCOMPARE(rows[i].prompts, 2);
        QCOMPARE(rows[i].meanLength, expected->at(i).meanLength); // the same beams were chosen
        dLogL.add(rows[i].meanSumLogprob, expected->at(i).meanSumLogprob);
        dReward.add(rows[i].meanRewardSum, expected->at(i).meanRewardSum);
    }
    QVERIFY(dLogL.report("sweep mean Σ log p", cl::tol::sumOf(n, cl::tol::kLogprobMaxF32VsF32)));
    QVERIFY(dReward.report("sweep mean Σr",
                          cl::tol::sumOf(n, cl::tol::rewardMax(s.beta(), cl::tol::kLogprobMaxF32VsF32))));

    QCustomPlot* plot = view.plot();
    QCOMPARE(plot->graphCount(), 2);
    QCPGraph* length = plot->graph(SweepChart::kLengthGraph);
    QCPGraph* reward = plot->graph(SweepChart::kRewardGraph);
    QCOMPARE(length->valueAxis(), plot->yAxis);
    QCOMPARE(reward->valueAxis(), plot->yAxis2);
    QCOMPARE(length->data()->size(), 4);
    QCOMPARE(reward->data()->size(), 4);
    for (int i = 0; i < 4; ++i) {
        QCOMPARE(length->data()->at(i)->key, static_cast<double>(rows[i].width));
        QCOMPARE(length->data()->at(i)->value, rows[i].meanLength);
        QCOMPARE(reward->data()->at(i)->value, rows[i].meanRewardSum);
    }
    QVERIFY(view.runButton()->isEnabled());
    QVERIFY(view.statusText().startsWith(QStringLiteral("4 widths × 2 prompts in ")));
}

void TestBeamSweep::csvMatchesRows() {
    SweepView view;
    view.setRows(someRows());
    QTemporaryDir tmp;
    const QString path = tmp.filePath("sweep.csv");
    QString error;
    QVERIFY2(view.exportCsv(path, &error), qPrintable(error));
    QFile f(path);
    QVERIFY(f.open(QIODevice::ReadOnly | QIODevice::Text));
    const QStringList lines = QString::fromUtf8(f.readAll()).split('\n', Qt::SkipEmptyParts);
    QCOMPARE(lines.size(), 4);
    QCOMPARE(lines[0], QStringLiteral("width,prompts,mean_length,mean_sum_logprob,"
                                      "mean_reward_sum,mean_reward_per_token"));
    const std::vector<SweepRow> rows = someRows();
    for (int i = 0; i < 3; ++i) {
        const QStringList cells = lines[i + 1].split(',');
        QCOMPARE(cells.size(), 6);
        QCOMPARE(cells[0].toInt(), rows[i].width);
        QCOMPARE(cells[1].toInt(), rows[i].prompts);
        QCOMPARE(cells[2].toDouble(), rows[i].meanLength);
        QCOMPARE(cells[3].toDouble(), rows[i].meanSumLogprob);
        QCOMPARE(cells[4].toDouble(), rows[i].meanRewardSum);
        QCOMPARE(cells[5].toDouble(), rows[i].meanRewardPerToken);
    }
    QVERIFY(!view.exportCsv(tmp.filePath("missing/dir/sweep.csv"), &error));
    QVERIFY(error.contains("cannot be written"));
}

void TestBeamSweep::exports_data() {
    QTest::addColumn<QString>("file");
    QTest::addColumn<QSize>("size");
    QTest::newRow("png 640x400") << "sweep.png" << QSize(640, 400);
    QTest::newRow("png 1600x1000") << "sweep.png" << QSize(1600, 1000);
    QTest::newRow("svg") << "sweep.svg" << QSize(800, 500);
    QTest::newRow("pdf") << "sweep.pdf" << QSize(800, 500);
}

void TestBeamSweep::exports() {
    QFETCH(QString, file);
    QFETCH(QSize, size);
    SweepView view;
    view.setRows(someRows());
    QTemporaryDir tmp;
    const QString path = tmp.filePath(file);
    QString error;
    QVERIFY2(view.exportFigure(path, size, &error), qPrintable(error));
    QFile f(path);
    QVERIFY(f.open(QIODevice::ReadOnly));
    const QByteArray bytes = f.readAll();
    if (file.endsWith(".png")) {
        const QImage image(path);
        QCOMPARE(image.size(), size);
        // Not blank: the two series' colors are in the picture.
        QSet<QRgb> colors;
        for (int y = 0; y < image.height(); y += 4) {
            for (int x = 0; x < image.width(); x += 4) {
                colors.insert(image.pixel(x, y));
            }
        }
        QVERIFY(colors.size() > 10);
    } else if (file.endsWith(".svg")) {
        QVERIFY(bytes.startsWith("<?xml"));
        QVERIFY(bytes.contains("<svg"));
        QVERIFY(bytes.contains(
            QString("viewBox=\"0 0 %1 %2\"").arg(size.width()).arg(size.height()).toUtf8()));
        QVERIFY(bytes.trimmed().endsWith("</svg>"));
    } else {
        QVERIFY(bytes.startsWith("%PDF-"));
        QVERIFY(bytes.trimmed().endsWith("%%EOF"));
    }
    QVERIFY(!view.exportFigure(tmp.filePath("sweep.bmpx"), size, &error));
    QVERIFY(error.contains("expected .png, .svg or .pdf"));
}

void TestBeamSweep::cancelBeforeStart() {
    CL_REQUIRE_FIXTURES();
    SweepView view;
    view.setRunner(m_engine.runner());
    view.setPrompt(kPrompts.first(), "raw");
    view.setRows(someRows());
    QSignalSpy cancelled(&view, &SweepView::sweepCancelled);
    m_engine.block();
    QVERIFY(view.run());
    QVERIFY(view.isRunning());
    QTest::mouseClick(view.cancelButton(), Qt::LeftButton);
    m_engine.release();
    QVERIFY(cancelled.wait(30000));
    QVERIFY(!view.isRunning());
    QCOMPARE(view.rows().size(), someRows().size()); // the last results stay
    QCOMPARE(view.plot()->graph(0)->data()->size(), 3);
    QCOMPARE(view.statusText(), QStringLiteral("Cancelled."));
}

void TestBeamSweep::badWidthsAreRefused() {
    SweepView view;
    int jobs = 0;
    view.setRunner([&jobs](EngineJob) { ++jobs; });
    for (const char* text : {"1,a", "0,2", "33", "", "2,2"}) {
        view.widthsEdit()->setText(text);
        QVERIFY2(!view.run(), text);
        QVERIFY2(view.statusText().startsWith("beam widths: "), qPrintable(view.statusText()));
    }
    QCOMPARE(jobs, 0);
    QVERIFY(view.runButton()->isEnabled());
}

QTEST_MAIN(TestBeamSweep)
#include "tst_beam_sweep.moc"
