// The Beam Search dock inside the main window (issue #7 item 4): searches go through the
// EngineClient's worker thread, the dock follows the prompt pane, "Copy to response editor"
// fills the response and it gets scored, and closing the window cancels a running search.
#include "tests/common/tolerances.h"
#include "tests/core/scoring_fixture.h"
#include "tests/ui/fixture_models.h"
#include "ui/beam/beam_options_form.h"
#include "ui/beam/beam_panel.h"
#include "ui/beam/beam_view.h"
#include "ui/beam/nbest_model.h"
#include "ui/beam/sweep_view.h"
#include "ui/common/engine_task.h"
#include "ui/common/reward_editor.h"
#include "ui/editor/prompt_pane.h"
#include "ui/editor/response_pane.h"
#include "ui/editor/workbench.h"
#include "ui/engine/engine_client.h"
#include "ui/main_window.h"

#include <QAction>
#include <QDockWidget>
#include <QProgressBar>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#include <atomic>
#include <chrono>
#include <memory>
#include <thread>

using namespace cl;
namespace tol = cl::tol;

class TestBeamMainWindow : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void dockIsWired();
    void searchCopyAndScore();
    void closingCancelsSearch();
    void deletingATaskCancelsItsRunningJob();

private:
    bool openPair(MainWindow& window);
    QTemporaryDir m_settings;
    QTemporaryDir m_models;
    QString m_policy;
    QString m_reference;
};

void TestBeamMainWindow::initTestCase() {
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication::setOrganizationName("CreditLensTest");
    QCoreApplication::setApplicationName("tst_beam_main_window");
    QSettings::setDefaultFormat(QSettings::IniFormat);
    QSettings::setPath(QSettings::IniFormat, QSettings::UserScope, m_settings.path());
    QSettings().clear();
    if (QDir(test::fixturesDir()).exists()) {
        m_policy = test::makeModelFolder(m_models, "gpt_neox_parallel", "policy");
        m_reference = test::makeModelFolder(m_models, "gpt_neox_sequential", "reference");
    }
}

bool TestBeamMainWindow::openPair(MainWindow& window) {
    QSignalSpy loaded(&window, &MainWindow::pairLoaded);
    window.openPair(m_policy, m_reference, QStringLiteral("Once upon a time"));
    return loaded.wait(60000);
}

void TestBeamMainWindow::dockIsWired() {
    MainWindow window;
    BeamView* beam = window.beamView();
    QVERIFY(beam);
    auto* dock = window.findChild<QDockWidget*>("beamDock");
    QVERIFY(dock);
    QCOMPARE(dock->widget(), beam);
    QCOMPARE(dock->toggleViewAction()->shortcut(), QKeySequence("Ctrl+Shift+B"));
    PromptPane* prompt = window.workbench()->promptPane();
    prompt->setTemplateName("raw");
    prompt->setPrompt("The little dog");
    QCOMPARE(beam->panel()->prompt(), QStringLiteral("The little dog"));
    QCOMPARE(beam->panel()->templateName(), prompt->templateName());
    QCOMPARE(beam->sweep()->prompts(), QStringList{"The little dog"});
}

void TestBeamMainWindow::searchCopyAndScore() {
    CL_REQUIRE_FIXTURES();
    MainWindow window;
    // A trained pair (stories260k and a variant), whose beams are text that tokenizes back to
    // the same ids; random models emit lone byte pieces that cannot.
    QDir(m_models.path()).mkpath("stories_ref");
    const QString storiesRef = test::makeStoriesReference(m_models.filePath("stories_ref"));
    QVERIFY(!storiesRef.isEmpty());
    QSignalSpy loaded(&window, &MainWindow::pairLoaded);
    window.openPair(test::storiesPolicyDir(), storiesRef, QStringLiteral("Once upon a time,"));
    QVERIFY(loaded.wait(60000));
    window.workbench()->promptPane()->setTemplateName("raw");
    BeamPanel* panel = window.beamView()->panel();
    BeamOptions o;
    o.width = 3;
    o.numReturn = 3;
    o.maxNewTokens = 10;
    panel->optionsForm()->setOptions(o);
    QSignalSpy done(panel, &BeamPanel::searchFinished);
    QVERIFY(panel->run());
    QVERIFY(done.wait(60000));
    QCOMPARE(panel->model()->rowCount(), 3);
    const QString best = QString::fromStdString(panel->model()->beam(0)->text);
    RewardEditor* editor = window.workbench()->responsePane(0)->editor();
    QTest::mouseClick(panel->copyButton(), Qt::LeftButton);
    QCOMPARE(editor->toPlainText(), best);
    // The copied response is scored by the editor's own path; Σr matches the beam's.
    QTRY_VERIFY_WITH_TIMEOUT(window.workbench()->isCurrent(0), 30000);
    const auto& score = window.workbench()->score(0);
    QVERIFY(score.has_value());
    // The editor tokenizes the copied text again (the panel says it may differ from the beam's
    // ids). Up to the first token where they differ the contexts are the same, so each of those
    // tokens gets the beam's reward: two float32 computations of it.
    const ScoredBeam& beam = *panel->model()->beam(0);
    const std::vector<TokenScore>& beamTokens = beam.reward->tokens;
    size_t same = 0;
    while (same < beamTokens.size() && same < score->tokens.size() &&
           score->tokens[same].id == beamTokens[same].id) {
        ++same;
    }
    qInfo("the editor's tokens agree with the beam's for %zu of %zu", same, beamTokens.size());
    QVERIFY(same >= beamTokens.size() / 2);
    const double beta = window.workbench()->promptPane()->beta();
    const double perToken = tol::rewardMax(beta, tol::kLogprobMaxF32VsF32);
    tol::DiffStats d;
    double editorSum = 0, beamSum = 0;
    for (size_t i = 0; i < same; ++i) {
        d.add(score->tokens[i].reward, beamTokens[i].reward);
        editorSum += score->tokens[i].reward;
        beamSum += beamTokens[i].reward;
    }
    QVERIFY(d.report("editor r vs beam r over the shared tokens", perToken));
    QVERIFY(std::abs(editorSum - beamSum) <= tol::sumOf(same, perToken));
    if (same == beamTokens.size()) { // the whole beam round-tripped: its Σr too
        QVERIFY(std::abs(beamSum - beam.reward->rewardSum) <= tol::kSameFloatsInDouble);
    }

    const QString dir = qEnvironmentVariable("CREDITLENS_SCREENSHOT_DIR");
    if (!dir.isEmpty()) { // the whole window with the dock open, to look at
        window.resize(1400, 900);
        window.findChild<QDockWidget*>("beamDock")->show();
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QVERIFY(window.grab().save(dir + "/beam_main_window.png"));
    }
}

void TestBeamMainWindow::closingCancelsSearch() {
    CL_REQUIRE_FIXTURES();
    auto* window = new MainWindow;
    QVERIFY(openPair(*window));
    window->workbench()->promptPane()->setTemplateName("raw");
    // The window's own runner, wrapped to learn when the search job has returned.
    auto returned = std::make_shared<std::atomic<bool>>(false);
    window->beamView()->setRunner([engine = window->engine(), returned](EngineJob job) {
        engine->runJob([job = std::move(job), returned](PairScorer* scorer) {
            job(scorer);
            *returned = true;
        });
    });
    BeamPanel* panel = window->beamView()->panel();
    BeamOptions o;
    o.width = 32;
    o.maxNewTokens = 120;
    o.minNewTokens = 120;
    panel->optionsForm()->setOptions(o);
    QSignalSpy finished(panel, &BeamPanel::searchFinished);
    QSignalSpy stepped(panel->progressBar(), &QProgressBar::valueChanged);
    QVERIFY(panel->run());
    QVERIFY(stepped.wait(30000)); // returns at the first step shown
    QVERIFY(finished.isEmpty()); // closing below interrupts a search in progress
    delete window; // cancels the search, then the EngineClient waits for its thread
    // The job had returned before the engine thread was joined: nothing runs on a dead engine.
    QVERIFY(returned->load());
}

// What closing relies on: deleting a task sets the running job's cancel flag, and the job sees
// it at its next step (a flag the worker records), long before it could finish.
void TestBeamMainWindow::deletingATaskCancelsItsRunningJob() {
    EngineClient engine;
    auto* task = new EngineTask;
    task->setRunner([&engine](EngineJob job) { engine.runJob(std::move(job)); });
    constexpr qint64 kSteps = 1'000'000; // ~17 minutes at 1 ms a step: only a cancel ends it
    auto stoppedAt = std::make_shared<std::atomic<qint64>>(-1);
    QSignalSpy progress(task, &EngineTask::progress);
    QVERIFY(task->start([stoppedAt](PairScorer*, const ProgressFn& report,
                                    const std::atomic<bool>*) -> Result<EngineTask::Deliver> {
        for (qint64 step = 0; step < kSteps; ++step) {
            if (!report({"step", step, kSteps})) {
                *stoppedAt = step;
                return Error{kCancelledMessage};
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(1));
        }
        return EngineTask::Deliver([] {});
    }));
    QTRY_VERIFY_WITH_TIMEOUT(progress.count() >= 3, 30000);
    delete task;
    auto drained = std::make_shared<std::atomic<bool>>(false);
    engine.runJob([drained](PairScorer*) { *drained = true; }); // runs after the task's job
    QTRY_VERIFY_WITH_TIMEOUT(drained->load(), 60000);
    QVERIFY2(*stoppedAt >= 3 && *stoppedAt < kSteps, qPrintable(QString::number(*stoppedAt)));
}

QTEST_MAIN(TestBeamMainWindow)
#include "tst_beam_main_window.moc"
