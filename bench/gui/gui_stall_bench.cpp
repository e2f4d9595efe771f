// Benchmark (never fails): the longest GUI event-loop stall while two pythia-70m-shaped models
// (GPT-NeoX 6 x 512, vocab 50304, 70 M parameters each) load, score and rescore during typing,
// measured with a 2 ms timer on the GUI thread. The goal (issue #6) is < 50 ms; the test suite
// checks the threading by order of events instead (tests/ui/tst_gui_responsiveness.cpp).
// Run: QT_QPA_PLATFORM=offscreen ./build/bench/gui_stall_bench

#include "tests/ui/fixture_models.h"

#include "ui/common/reward_editor.h"
#include "ui/editor/prompt_pane.h"
#include "ui/editor/response_pane.h"
#include "ui/editor/workbench.h"
#include "ui/engine/engine_client.h"

#include <QElapsedTimer>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QTextCursor>
#include <QTimer>

#include <cstdio>

namespace {

/// Records the longest gap between ticks of a 2 ms timer on the GUI thread.
class StallMeter {
public:
    StallMeter() {
        m_timer.setInterval(2);
        m_timer.setTimerType(Qt::PreciseTimer);
        QObject::connect(&m_timer, &QTimer::timeout, [this] {
            const double now = static_cast<double>(m_clock.nsecsElapsed()) / 1e6;
            m_max = std::max(m_max, now - m_last);
            m_last = now;
        });
    }
    void start() {
        m_max = 0.0;
        m_clock.start();
        m_last = 0.0;
        m_timer.start();
    }
    double stop() {
        m_timer.stop();
        return m_max;
    }

private:
    QTimer m_timer;
    QElapsedTimer m_clock;
    double m_last = 0.0;
    double m_max = 0.0;
};

const char* kResponse =
    " I think the best way to handle this is to talk to your roommate directly, explain how you "
    "feel about the shared food, and agree on a simple rule: label what is yours, keep a shelf "
    "for shared things, and split the cost of staples. If that does not work after a couple of "
    "weeks, bring it up again calmly and consider a written agreement.";

} // namespace

class GuiStallBench : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QString m_policy;
    QString m_reference;

private slots:
    void initTestCase() {
        CL_REQUIRE_FIXTURES();
        QVERIFY(m_dir.isValid());
        QDir(m_dir.path()).mkpath("policy");
        QDir(m_dir.path()).mkpath("reference");
        m_policy = cl::test::makePythia70mShaped(m_dir.filePath("policy"), 1);
        m_reference = cl::test::makePythia70mShaped(m_dir.filePath("reference"), 2);
        QVERIFY(!m_policy.isEmpty() && !m_reference.isEmpty());
    }

    void measureStalls() {
        cl::EngineClient engine;
        cl::Workbench bench(&engine);
        bench.resize(1000, 700);
        bench.show();
        QVERIFY(QTest::qWaitForWindowExposed(&bench));
        StallMeter meter;

        // 1. Loading two 280 MB checkpoints.
        QSignalSpy loaded(&engine, &cl::EngineClient::loaded);
        QSignalSpy failed(&engine, &cl::EngineClient::loadFailed);
        meter.start();
        engine.load(m_policy, m_reference);
        QVERIFY(QTest::qWaitFor([&] { return !loaded.isEmpty() || !failed.isEmpty(); }, 120000));
        const double loadStall = meter.stop();
        QVERIFY2(failed.isEmpty(), failed.isEmpty() ? "" : qPrintable(failed.first().first().toString()));
        QCOMPARE(loaded.first().first().value<cl::ModelInfo>().parameters > 60'000'000, true);

        // 2. A full score of a ~70-token response, then typing while rescoring runs.
        bench.promptPane()->setTemplateName("raw");
        bench.promptPane()->setPrompt("SUBREDDIT: r/relationships\nTITLE: My roommate eats my food"
                                      "\nPOST: What should I do?\nTL;DR:");
        cl::RewardEditor* editor = bench.responsePane(0)->editor();
        editor->setFocus();
        QSignalSpy scored(&engine, &cl::EngineClient::scored);
        meter.start();
        editor->setPlainText(QString::fromUtf8(kResponse));
        QTRY_VERIFY_WITH_TIMEOUT(bench.isCurrent(0), 60000);
        const double scoreStall = meter.stop();
        const double fullMs = bench.score(0)->elapsedMs;
        const size_t tokens = bench.score(0)->tokens.size();

        editor->moveCursor(QTextCursor::End); // the common case: the response grows at its end
        meter.start();
        double longestKey = 0.0;
        for (QChar c : QStringLiteral(" Also, talk to the landlord.")) {
            QElapsedTimer key;
            key.start();
            QTest::keyClick(editor, c.toLatin1());
            longestKey = std::max(longestKey, static_cast<double>(key.nsecsElapsed()) / 1e6);
            QTest::qWait(30); // a fast typist: ~33 keys per second
        }
        QElapsedTimer afterLastKey;
        afterLastKey.start();
        QTRY_VERIFY_WITH_TIMEOUT(bench.isCurrent(0), 60000);
        const double lastKeyToColorMs = static_cast<double>(afterLastKey.nsecsElapsed()) / 1e6;
        const double typeStall = meter.stop();
        const cl::ResponseScore& last = *bench.score(0);

        qInfo("load: %.0f ms longest GUI stall", loadStall);
        qInfo("full score of %zu tokens: model %.0f ms, longest GUI stall %.1f ms", tokens, fullMs,
              scoreStall);
        qInfo("typing 28 keys at the end while rescoring: longest stall %.1f ms, longest key "
              "%.1f ms, %lld results, last rescore %.0f ms model (%lld of %zu tokens reused), "
              "last key to colors %.0f ms",
              typeStall, longestKey, static_cast<long long>(scored.count()), last.elapsedMs,
              static_cast<long long>(last.reusedTokens),
              static_cast<size_t>(last.promptTokens) + last.tokens.size(), lastKeyToColorMs);
        // One line for scripts (goal: every stall < 50 ms).
        std::printf("load_stall_ms=%.1f score_stall_ms=%.1f typing_stall_ms=%.1f "
                    "last_key_to_colors_ms=%.0f\n",
                    loadStall, scoreStall, typeStall, lastKeyToColorMs);
    }
};

QTEST_MAIN(GuiStallBench)
#include "gui_stall_bench.moc"
