// The GUI thread never waits on a model (issue #6), checked by the order of events rather than
// by durations: while the engine thread is held busy (as a long load or score would hold it),
// loading and scoring requests return at once, keystrokes land in the editor, timers fire and
// the status says what is pending; once the engine is free the results arrive. A GUI path that
// waited on the engine thread would hang here instead. The stall durations themselves are a
// benchmark: bench/gui/gui_stall_bench.cpp.

#include "fixture_models.h"
#include "held_job.h"

#include "ui/common/reward_editor.h"
#include "ui/editor/prompt_pane.h"
#include "ui/editor/response_pane.h"
#include "ui/editor/workbench.h"
#include "ui/engine/engine_client.h"

#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

#include <stdexcept>

namespace {

constexpr int kTimeoutMs = 60000; // bounds a hang only

/// True once a zero-timer posted now has fired: the GUI event loop is turning.
bool eventLoopTurns() {
    bool fired = false;
    QTimer::singleShot(0, [&fired] { fired = true; });
    return QTest::qWaitFor([&fired] { return fired; }, kTimeoutMs);
}

} // namespace

class TestGuiResponsiveness : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QString m_policy;
    QString m_reference;

private slots:
    void initTestCase() {
        CL_REQUIRE_FIXTURES();
        QVERIFY(m_dir.isValid());
        QDir(m_dir.path()).mkpath("reference");
        m_policy = cl::test::storiesPolicyDir();
        m_reference = cl::test::makeStoriesReference(m_dir.filePath("reference"));
        QVERIFY(!m_reference.isEmpty());
    }

    // Issue #18: the worker ran jobs in catch (...) {}, so a job that threw vanished without a
    // word. Now the exception reaches the GUI thread as jobFailed(message).
    void escapedJobExceptionsAreReported() {
        cl::EngineClient engine;
        QSignalSpy failed(&engine, SIGNAL(jobFailed(QString)));
        QVERIFY2(failed.isValid(), "EngineClient has no jobFailed(QString) signal");
        engine.runJob([](cl::PairScorer*) {
            throw std::runtime_error("model.safetensors changed size; reload the model");
        });
        QVERIFY(QTest::qWaitFor([&failed] { return failed.count() == 1; }, kTimeoutMs));
        QCOMPARE(failed.at(0).at(0).toString(),
                 QString("model.safetensors changed size; reload the model"));
        engine.runJob([](cl::PairScorer*) { throw 42; });
        QVERIFY(QTest::qWaitFor([&failed] { return failed.count() == 2; }, kTimeoutMs));
        QVERIFY(failed.at(1).at(0).toString().contains("unknown error"));
        QVERIFY(!engine.jobRunning());
    }

    void loadAndScoreNeverBlockTheGuiThread() {
        cl::EngineClient engine;
        cl::Workbench bench(&engine);
        bench.resize(1000, 700);
        bench.show();
        QVERIFY(QTest::qWaitForWindowExposed(&bench));
        bench.promptPane()->setTemplateName("raw");
        bench.promptPane()->setPrompt("Once upon a time");
        cl::RewardEditor* editor = bench.responsePane(0)->editor();
        editor->setFocus();

        // 1. Loading, requested while the engine thread is busy.
        QSignalSpy loaded(&engine, &cl::EngineClient::loaded);
        QSignalSpy failed(&engine, &cl::EngineClient::loadFailed);
        auto held = std::make_unique<cl::test::HeldJob>(engine);
        QTRY_VERIFY_WITH_TIMEOUT(engine.jobRunning(), kTimeoutMs);
        engine.load(m_policy, m_reference); // returns although the engine cannot start it yet
        QVERIFY(engine.isLoading());
        QTest::keyClicks(editor, " there was");
        QCOMPARE(editor->toPlainText(), QStringLiteral(" there was"));
        QVERIFY(eventLoopTurns());
        QVERIFY(loaded.isEmpty() && failed.isEmpty()); // the load really waited for the engine
        held->release();
        QTRY_VERIFY_WITH_TIMEOUT(!loaded.isEmpty() || !failed.isEmpty(), kTimeoutMs);
        QVERIFY2(failed.isEmpty(), failed.isEmpty() ? "" : qPrintable(failed.first().first().toString()));
        QTRY_VERIFY_WITH_TIMEOUT(bench.isCurrent(0), kTimeoutMs);

        // 2. Typing while a rescore cannot run: every key lands, the status says it waits.
        QSignalSpy scored(&engine, &cl::EngineClient::scored);
        held = std::make_unique<cl::test::HeldJob>(engine);
        QTRY_VERIFY_WITH_TIMEOUT(engine.jobRunning(), kTimeoutMs);
        const QString more = QStringLiteral(" a little dog.");
        for (QChar c : more) {
            QTest::keyClick(editor, c.toLatin1());
            QVERIFY(eventLoopTurns());
        }
        bench.rescoreNow();
        QCOMPARE(editor->toPlainText(), QStringLiteral(" there was") + more);
        QVERIFY(!bench.isCurrent(0));
        QVERIFY(bench.statusText().contains("waits for the beam search"));
        QVERIFY(scored.isEmpty());
        held->release();
        QTRY_VERIFY_WITH_TIMEOUT(bench.isCurrent(0), kTimeoutMs);
        QCOMPARE(QString::fromStdString(bench.requestFor(0).response), editor->toPlainText());
        QVERIFY2(bench.score(0)->reusedTokens > bench.score(0)->promptTokens,
                 "the rescore after typing reused no part of the response's cache");
    }
};

QTEST_MAIN(TestGuiResponsiveness)
#include "tst_gui_responsiveness.moc"
