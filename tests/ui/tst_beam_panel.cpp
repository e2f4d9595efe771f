// BeamPanel against real fixture models (issue #7 item 4): the n-best table equals
// cl::searchAndScore for the same options, the selected beam is colored per token, copy emits
// the text, cancel reaches the core search, and errors are shown, not thrown.
#include "common/tolerances.h"
#include "core/engine/beam_scoring.h"
#include "core/engine/prompt_template.h"
#include "tests/ui/tst_beam_engine.h"
#include "ui/beam/beam_options_form.h"
#include "ui/beam/beam_panel.h"
#include "ui/beam/beam_text.h"
#include "ui/beam/beam_view.h"
#include "ui/beam/nbest_model.h"
#include "ui/beam/sweep_view.h"
#include "ui/common/reward_editor.h"

#include <QLineEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTableView>
#include <QTest>

#include <cmath>

using namespace cl;
namespace tol = cl::tol;

Q_DECLARE_METATYPE(cl::BeamOptions)

namespace {

const QString kPrompt = QStringLiteral("Once upon a time, there was a little");

BeamOptions makeOptions(int width, int numReturn, int maxNew) {
    BeamOptions o;
    o.width = width;
    o.numReturn = numReturn;
    o.maxNewTokens = maxNew;
    return o;
}

std::vector<int32_t> promptIds(const RewardScorer& scorer, const QString& prompt) {
    auto seq = applyTemplate(*scorer.tokenizer(), "raw", prompt.toStdString(), "", false);
    return seq ? std::vector<int32_t>(seq->ids.begin(), seq->ids.begin() + seq->responseStart)
               : std::vector<int32_t>{};
}

} // namespace

class TestBeamPanel : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void nbestEqualsCore_data();
    void nbestEqualsCore();
    void selectionColorsAndCopies();
    void cancelBeforeStart();
    void cancelMidRun();
    void errorsAreShown();
    void viewWiresBothTabs();
    void screenshots();

private:
    bool runAndWait(BeamPanel& panel, int timeoutMs = 120000);
    test::BeamEngine m_engine;
    bool m_loaded = false;
};

void TestBeamPanel::initTestCase() {
    QStandardPaths::setTestModeEnabled(true); // BeamView's QSettings stay out of the user's
    QCoreApplication::setOrganizationName("CreditLensTests");
    QCoreApplication::setApplicationName("tst_beam_panel");
    QSettings().clear();
    if (QDir(test::fixturesDir()).exists()) {
        m_loaded = m_engine.load();
        QVERIFY2(m_loaded, qPrintable(m_engine.error()));
    }
}

bool TestBeamPanel::runAndWait(BeamPanel& panel, int timeoutMs) {
    QSignalSpy done(&panel, &BeamPanel::searchFinished);
    QSignalSpy failed(&panel, &BeamPanel::searchFailed);
    if (!panel.run()) {
        return false;
    }
    const bool ok = done.wait(timeoutMs);
    if (!failed.isEmpty()) {
        qWarning() << "search failed:" << failed.first().first().toString();
    }
    return ok;
}

void TestBeamPanel::nbestEqualsCore_data() {
    QTest::addColumn<BeamOptions>("options");
    QTest::newRow("greedy") << makeOptions(1, 1, 10);
    QTest::newRow("width4-return3") << makeOptions(4, 3, 12);
    BeamOptions o = makeOptions(5, 5, 12);
    o.lengthPenalty = 0.5;
    o.earlyStopping = EarlyStopping::True;
    QTest::newRow("penalty0.5-early-true") << o;
    o = makeOptions(3, 2, 10);
    o.earlyStopping = EarlyStopping::Never;
    o.noRepeatNgram = 2;
    o.minNewTokens = 4;
    QTest::newRow("never-norepeat2-min4") << o;
    o = makeOptions(4, 2, 16);
    o.stopString = "\n";
    QTest::newRow("stop-newline") << o;
}

void TestBeamPanel::nbestEqualsCore() {
    CL_REQUIRE_FIXTURES();
    QFETCH(BeamOptions, options);
    BeamPanel panel;
    panel.setRunner(m_engine.runner());
    panel.setPrompt(kPrompt, "raw");
    panel.optionsForm()->setOptions(options);
    const BeamOptions shown = panel.optionsForm()->options();
    QCOMPARE(shown.width, options.width);
    QCOMPARE(shown.numReturn, options.numReturn);
    QCOMPARE(shown.stopString, options.stopString);
    QVERIFY(runAndWait(panel));
    QVERIFY(!panel.isRunning());
    QVERIFY(panel.runButton()->isEnabled());

    // The engine thread is idle now, so the scorer may be used here.
    RewardScorer& s = *m_engine.scorer();
    auto expected = searchAndScore(s.policyModel(), &s.referenceModel(), s.tokenizer(),
                                   promptIds(s, kPrompt), options, s.beta());
    QVERIFY2(expected.ok(), expected.error().c_str());
    const NBestModel* model = panel.model();
    QCOMPARE(model->rowCount(), static_cast<int>(expected->size()));
    QCOMPARE(model->rowCount(), options.numReturn);
    for (int row = 0; row < model->rowCount(); ++row) {
        const ScoredBeam& e = expected->at(row);
        const auto cell = [&](int column) { return model->index(row, column).data(Qt::UserRole); };
        QCOMPARE(model->beam(row)->beam.ids, e.beam.ids);
        QCOMPARE(cell(NBestModel::Text).toString(), QString::fromStdString(e.text));
        QCOMPARE(cell(NBestModel::Length).toInt(), static_cast<int>(e.beam.ids.size()));
        // The panel's search and this one are two float32 runs of the same beams: each summed
        // log-prob carries at most the float32-vs-float32 bound per token.
        const size_t n = e.beam.ids.size();
        const double logLBound = tol::sumOf(n, tol::kLogprobMaxF32VsF32);
        const double rewardBound = tol::sumOf(n, tol::rewardMax(s.beta(), tol::kLogprobMaxF32VsF32));
        const double dLogL =
            std::abs(cell(NBestModel::LogLikelihood).toDouble() - e.beam.sumLogprob);
        const double dScore = std::abs(cell(NBestModel::Score).toDouble() - e.beam.score);
        const double dReward =
            std::abs(cell(NBestModel::RewardSum).toDouble() - e.reward->rewardSum);
        // score = Σ log p / n^lp with n >= 1, so its bound is no larger than Σ's.
        QVERIFY2(dLogL <= logLBound && dScore <= logLBound && dReward <= rewardBound,
                 qPrintable(QString("row %1: |dlogL| %2 |dscore| %3 |dSr| %4")
                                .arg(row)
                                .arg(dLogL)
                                .arg(dScore)
                                .arg(dReward)));
        QCOMPARE(model->index(row, NBestModel::LogLikelihood).data().toString(),
                 QString::number(e.beam.sumLogprob, 'f', 3));
    }
    QCOMPARE(panel.progressBar()->value(), panel.progressBar()->maximum());
}

void TestBeamPanel::selectionColorsAndCopies() {
    CL_REQUIRE_FIXTURES();
    BeamPanel panel;
    panel.setRunner(m_engine.runner());
    panel.setPrompt(kPrompt, "raw");
    panel.optionsForm()->setOptions(makeOptions(4, 4, 12));
    QVERIFY(runAndWait(panel));
    QCOMPARE(panel.shownBeam(), 0); // the best beam is shown at once
    for (int row : {0, 2}) {
        panel.table()->selectRow(row);
        QCOMPARE(panel.shownBeam(), row);
        const ScoredBeam& b = *panel.model()->beam(row);
        const QString text = QString::fromStdString(b.text);
        const DisplayText shown = displayText(b.text, *b.reward);
        QCOMPARE(panel.beamView()->toPlainText(), QString::fromStdString(shown.text));
        QVERIFY(panel.beamView()->hasScore());
        int visible = 0; // tokens with characters (EOS and skipped ids have none)
        for (const TokenScore& t : shown.score.tokens) {
            visible += t.end > t.start ? 1 : 0;
        }
        QVERIFY(visible > 0);
        QCOMPARE(panel.beamView()->coloredTokenCount(), visible);
        QSignalSpy copied(&panel, &BeamPanel::copyToResponse);
        QVERIFY(panel.copyButton()->isEnabled());
        QTest::mouseClick(panel.copyButton(), Qt::LeftButton);
        QCOMPARE(copied.count(), 1);
        QCOMPARE(copied.first().first().toString(), text);
    }
    // One color range for all beams: at least the largest |r_t| of any beam's text tokens.
    double maxAbs = 0;
    for (const ScoredBeam& b : panel.model()->beams()) {
        for (const TokenScore& t : b.reward->tokens) {
            maxAbs = std::max(maxAbs, t.isEos ? 0.0 : std::abs(t.reward));
        }
    }
    QVERIFY(panel.colorLimit() >= maxAbs);
}

void TestBeamPanel::cancelBeforeStart() {
    CL_REQUIRE_FIXTURES();
    BeamPanel panel;
    panel.setRunner(m_engine.runner());
    panel.setPrompt(kPrompt, "raw");
    panel.optionsForm()->setOptions(makeOptions(8, 2, 40));
    QSignalSpy cancelled(&panel, &BeamPanel::searchCancelled);
    QSignalSpy finished(&panel, &BeamPanel::searchFinished);
    m_engine.block(); // the job waits in the engine thread's queue
    QVERIFY(panel.run());
    QVERIFY(panel.isRunning());
    QVERIFY(!panel.runButton()->isEnabled());
    QVERIFY(panel.cancelButton()->isEnabled());
    QTest::mouseClick(panel.cancelButton(), Qt::LeftButton);
    m_engine.release();
    QVERIFY(cancelled.wait(30000));
    QCOMPARE(finished.count(), 0);
    QCOMPARE(panel.model()->rowCount(), 0);
    QVERIFY(!panel.isRunning());
    QVERIFY(panel.runButton()->isEnabled());
    QVERIFY(!panel.cancelButton()->isEnabled());
    QCOMPARE(panel.statusText(), QStringLiteral("Cancelled."));
}

void TestBeamPanel::cancelMidRun() {
    CL_REQUIRE_FIXTURES();
    BeamPanel panel;
    panel.setRunner(m_engine.runner());
    panel.setPrompt(QStringLiteral("Once"), "raw");
    BeamOptions o = makeOptions(32, 1, 120);
    o.minNewTokens = 120; // no early EOS: the search needs all 120 steps
    panel.optionsForm()->setOptions(o);
    QSignalSpy cancelled(&panel, &BeamPanel::searchCancelled);
    QSignalSpy finished(&panel, &BeamPanel::searchFinished);
    bool sent = false;
    connect(panel.progressBar(), &QProgressBar::valueChanged, &panel, [&](int value) {
        if (value > 0 && !sent) { // the core search is running: cancel from the GUI thread
            sent = true;
            panel.cancel();
        }
    });
    QVERIFY(panel.run());
    QVERIFY(cancelled.wait(60000));
    QVERIFY(sent);
    QCOMPARE(finished.count(), 0);
    QVERIFY2(panel.progressBar()->value() < 120,
             qPrintable(QString("stopped at step %1 of 120").arg(panel.progressBar()->value())));
}

void TestBeamPanel::errorsAreShown() {
    BeamPanel panel;
    QVERIFY(!panel.run()); // no runner
    QVERIFY(panel.statusText().contains("No engine"));

    test::BeamEngine empty; // a runner without a loaded pair
    panel.setRunner(empty.runner());
    QSignalSpy failed(&panel, &BeamPanel::searchFailed);
    QVERIFY(panel.run());
    QVERIFY(failed.wait(60000));
    QVERIFY(failed.first().first().toString().contains("Load a policy"));
    QVERIFY(panel.runButton()->isEnabled());

    CL_REQUIRE_FIXTURES();
    panel.setRunner(m_engine.runner());
    panel.setPrompt(kPrompt, "no-such-template");
    failed.clear();
    QVERIFY(panel.run());
    QVERIFY(failed.wait(60000));
    QVERIFY(panel.statusText().startsWith("Beam search failed: "));
    QCOMPARE(panel.model()->rowCount(), 0);
}

void TestBeamPanel::viewWiresBothTabs() {
    CL_REQUIRE_FIXTURES();
    {
        BeamView view;
        view.setRunner(m_engine.runner());
        view.setPrompt(kPrompt, "raw");
        QCOMPARE(view.sweep()->prompts(), QStringList{kPrompt});
        BeamOptions o = makeOptions(3, 2, 9);
        o.stopString = "\n";
        view.panel()->optionsForm()->setOptions(o);
        view.sweep()->widthsEdit()->setText("1,3");
        QSignalSpy copied(&view, &BeamView::copyToResponse);
        QSignalSpy done(view.panel(), &BeamPanel::searchFinished);
        QVERIFY(view.panel()->run());
        QVERIFY(done.wait(60000));
        QTest::mouseClick(view.panel()->copyButton(), Qt::LeftButton);
        QCOMPARE(copied.count(), 1);
        QCOMPARE(copied.first().first().toString(),
                 QString::fromStdString(view.panel()->model()->beam(0)->text));
        // The sweep takes the panel's options (max new tokens here) and its own widths.
        QSignalSpy swept(view.sweep(), &SweepView::sweepFinished);
        QVERIFY(view.sweep()->run());
        QVERIFY(view.isRunning());
        QVERIFY(swept.wait(60000));
        QCOMPARE(view.sweep()->rows().size(), size_t(2));
        for (const SweepRow& row : view.sweep()->rows()) {
            QVERIFY(row.meanLength <= 9.0);
        }
    } // the destructor saves the options
    BeamView again;
    const BeamOptions restored = again.panel()->optionsForm()->options();
    QCOMPARE(restored.width, 3);
    QCOMPARE(restored.maxNewTokens, 9);
    QCOMPARE(restored.stopString, std::string("\n"));
    QCOMPARE(again.sweep()->widthsEdit()->text(), QStringLiteral("1,3"));
}

// Renders the dock content as a user sees it. CREDITLENS_SCREENSHOT_DIR=dir keeps the PNGs.
void TestBeamPanel::screenshots() {
    CL_REQUIRE_FIXTURES();
    BeamView view;
    view.resize(1280, 400);
    view.setRunner(m_engine.runner());
    view.setPrompt(kPrompt, "raw");
    view.panel()->optionsForm()->setOptions(makeOptions(6, 6, 24));
    view.show();
    QSignalSpy done(view.panel(), &BeamPanel::searchFinished);
    QVERIFY(view.panel()->run());
    QVERIFY(done.wait(60000));
    view.panel()->table()->selectRow(1);
    const QImage nbest = view.grab().toImage();
    view.setCurrentWidget(view.sweep());
    view.sweep()->widthsEdit()->setText("1,2,3,5,8,12");
    QSignalSpy swept(view.sweep(), &SweepView::sweepFinished);
    QVERIFY(view.sweep()->run());
    QVERIFY(swept.wait(120000));
    const QImage sweep = view.grab().toImage();
    QCOMPARE(nbest.size(), QSize(1280, 400));
    QCOMPARE(sweep.size(), QSize(1280, 400));
    const QString dir = qEnvironmentVariable("CREDITLENS_SCREENSHOT_DIR");
    if (!dir.isEmpty()) {
        QVERIFY(nbest.save(dir + "/beam_nbest.png"));
        QVERIFY(sweep.save(dir + "/beam_sweep.png"));
    }
}

QTEST_MAIN(TestBeamPanel)
#include "tst_beam_panel.moc"
