// The Beam Search dock inside the main window (issue #7 item 4): searches go through the
// EngineClient's worker thread, the dock follows the prompt pane, "Copy to response editor"
// fills the response and it gets scored, and closing the window cancels a running search.
#include "tests/core/scoring_fixture.h"
#include "ui/beam/beam_options_form.h"
#include "ui/beam/beam_panel.h"
#include "ui/beam/beam_view.h"
#include "ui/beam/nbest_model.h"
#include "ui/beam/sweep_view.h"
#include "ui/main_window.h"
#include "ui/prompt_pane.h"
#include "ui/response_pane.h"
#include "ui/reward_editor.h"
#include "ui/workbench.h"

#include <QAction>
#include <QDockWidget>
#include <QElapsedTimer>
#include <QProgressBar>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using namespace cl;

class TestBeamMainWindow : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void dockIsWired();
    void searchCopyAndScore();
    void closingCancelsSearch();

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
    QVERIFY(openPair(window));
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
    QVERIFY(score->tokens.size() > 0);

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
    BeamPanel* panel = window->beamView()->panel();
    BeamOptions o;
    o.width = 32;
    o.maxNewTokens = 120;
    o.minNewTokens = 120; // about a second of work without cancel
    panel->optionsForm()->setOptions(o);
    // The same search uncancelled, for scale (about a second here).
    QSignalSpy done(panel, &BeamPanel::searchFinished);
    QElapsedTimer clock;
    clock.start();
    QVERIFY(panel->run());
    QVERIFY(done.wait(120000));
    const qint64 fullMs = clock.elapsed();

    QVERIFY(panel->run());
    QTRY_VERIFY_WITH_TIMEOUT(panel->progressBar()->value() > 0, 30000);
    clock.restart();
    delete window; // cancels the search, then the EngineClient waits for its thread
    const qint64 closeMs = clock.elapsed();
    QVERIFY2(
        closeMs < fullMs / 2,
        qPrintable(QString("closing took %1 ms, the whole search %2 ms").arg(closeMs).arg(fullMs)));
}

QTEST_MAIN(TestBeamMainWindow)
#include "tst_beam_main_window.moc"
