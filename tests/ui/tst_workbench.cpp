// The reward editor on real models (issue #6): typing yields, after the debounce, the rewards
// the core scorer computes for that text; recoloring keeps caret and undo stack; the latest edit
// wins; the inspector's alternatives substitute in one undo step; compare mode and preference
// stepping classify pairs.

#include "fixture_models.h"

#include "common/tolerances.h"
#include "held_job.h"

#include "core/engine/reward_scorer.h"
#include "ui/common/reward_editor.h"
#include "ui/editor/compare_panel.h"
#include "ui/editor/prompt_pane.h"
#include "ui/editor/response_pane.h"
#include "ui/editor/workbench.h"
#include "ui/engine/engine_client.h"

#include <QAbstractButton>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <chrono>
#include <cmath>
#include <memory>
#include <thread>

using namespace std::chrono_literals;

namespace {

constexpr int kLoadTimeoutMs = 60000;
constexpr int kScoreTimeoutMs = 30000;

} // namespace

class TestWorkbench : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QString m_policy;
    QString m_reference;

    QString m_neoxPolicy;
    QString m_neoxReference;

    /// Runs `creditlens-cli score` on one {"prompt","response"} line; the per-token rewards.
    static std::vector<double> cliRewards(const QString& policy, const QString& reference,
                                          const cl::ScoreRequest& r, double beta,
                                          const QString& tmp) {
        const QString input = tmp + "/cli_input.jsonl";
        QFile f(input);
        if (!f.open(QIODevice::WriteOnly)) {
            return {};
        }
        f.write(QJsonDocument(QJsonObject{{"prompt", QString::fromStdString(r.prompt)},
                                          {"response", QString::fromStdString(r.response)}})
                    .toJson(QJsonDocument::Compact) +
                "\n");
        f.close();
        QProcess cli;
        cli.start(QStringLiteral(CREDITLENS_BINARY_DIR "/app/cli/creditlens-cli"),
                  {"score", "--policy", policy, "--reference", reference, "--beta",
                   QString::number(beta, 'g', 17), "--template",
                   QString::fromStdString(r.templateName), "--input", input});
        if (!cli.waitForFinished(60000) || cli.exitCode() != 0) {
            qWarning() << "creditlens-cli failed:" << cli.readAllStandardError();
            return {};
        }
        const QJsonObject out = QJsonDocument::fromJson(cli.readAllStandardOutput().trimmed()).object();
        std::vector<double> rewards;
        for (const QJsonValue& t : out.value("tokens").toArray()) {
            rewards.push_back(t.toObject().value("reward").toDouble());
        }
        return rewards;
    }

    /// A shown workbench on the loaded fixture pair, with the prompt "Once upon a time".
    struct StoryBench {
        cl::EngineClient engine;
        std::unique_ptr<cl::Workbench> bench; // destroyed before the engine it talks to
        cl::RewardEditor* editor = nullptr;
    };
    bool openStoryBench(StoryBench& story) {
        if (!loadInto(story.engine)) {
            return false;
        }
        story.bench = std::make_unique<cl::Workbench>(&story.engine);
        story.bench->show();
        story.bench->promptPane()->setPrompt("Once upon a time");
        story.editor = story.bench->responsePane(0)->editor();
        return true;
    }

    bool loadInto(cl::EngineClient& engine, QString policy = {}, QString reference = {}) {
        QSignalSpy loaded(&engine, &cl::EngineClient::loaded);
        QSignalSpy failed(&engine, &cl::EngineClient::loadFailed);
        engine.load(policy.isEmpty() ? m_policy : policy,
                    reference.isEmpty() ? m_reference : reference);
        if (!QTest::qWaitFor([&] { return !loaded.isEmpty() || !failed.isEmpty(); },
                             kLoadTimeoutMs)) {
            qWarning() << "load timed out";
            return false;
        }
        if (!failed.isEmpty()) {
            qWarning() << "load failed:" << failed.first().first().toString();
        }
        return !loaded.isEmpty();
    }

private slots:
    void initTestCase() {
        CL_REQUIRE_FIXTURES();
        QVERIFY(m_dir.isValid());
        m_policy = cl::test::storiesPolicyDir();
        m_reference = cl::test::makeStoriesReference(m_dir.path());
        QVERIFY2(!m_reference.isEmpty(), "could not write the reference model");
        QDir(m_dir.path()).mkpath("neox_policy");
        QDir(m_dir.path()).mkpath("neox_reference");
        m_neoxPolicy = cl::test::makeNeoxWithStoriesTokenizer(m_dir.filePath("neox_policy"),
                                                             "gpt_neox_parallel");
        m_neoxReference = cl::test::makeNeoxWithStoriesTokenizer(
            m_dir.filePath("neox_reference"), "gpt_neox_sequential");
        QVERIFY(!m_neoxPolicy.isEmpty() && !m_neoxReference.isEmpty());
    }

    void typingMatchesScorer_data() {
        QTest::addColumn<bool>("neox");
        QTest::addColumn<QString>("templateName");
        QTest::newRow("stories260k pair, raw") << false << "raw";
        QTest::newRow("stories260k pair, tldr") << false << "tldr";
        QTest::newRow("gpt_neox parallel vs sequential, raw") << true << "raw";
    }

    void typingMatchesScorer() {
        QFETCH(bool, neox);
        QFETCH(QString, templateName);
        const QString policy = neox ? m_neoxPolicy : m_policy;
        const QString reference = neox ? m_neoxReference : m_reference;
        cl::EngineClient engine;
        QVERIFY(loadInto(engine, policy, reference));
        cl::Workbench bench(&engine);
        bench.resize(900, 600);
        bench.show();
        bench.promptPane()->setTemplateName(templateName);
        bench.promptPane()->setBeta(0.25);
        bench.promptPane()->setPrompt("Once upon a time");
        cl::RewardEditor* editor = bench.responsePane(0)->editor();
        editor->setFocus();
        const QString typed = " there was a little cat named Tom. He liked to play.";
        QTest::keyClicks(editor, typed);
        QCOMPARE(editor->toPlainText(), typed);
        QTRY_VERIFY_WITH_TIMEOUT(bench.isCurrent(0), kScoreTimeoutMs);

        // What the core computes for this text from scratch (as creditlens-cli score does).
        auto scorer = cl::RewardScorer::load(policy.toStdString(), reference.toStdString());
        QVERIFY2(scorer.ok(), scorer.error().c_str());
        (*scorer)->setBeta(bench.promptPane()->beta());
        const auto expected = (*scorer)->score(bench.requestFor(0));
        QVERIFY2(expected.ok(), expected.error().c_str());
        const cl::ResponseScore& got = *bench.score(0);
        QCOMPARE(got.tokens.size(), expected->tokens.size());
        QVERIFY(got.tokens.size() > 10);
        // The GUI scored incrementally while typing, the core from scratch: two float32
        // computations of each reward.
        const double perToken = cl::tol::rewardMax(0.25, cl::tol::kLogprobMaxF32VsF32);
        cl::tol::DiffStats core;
        for (size_t i = 0; i < got.tokens.size(); ++i) {
            QCOMPARE(got.tokens[i].id, expected->tokens[i].id);
            QCOMPARE(got.tokens[i].start, expected->tokens[i].start);
            QCOMPARE(got.tokens[i].end, expected->tokens[i].end);
            core.add(got.tokens[i].reward, expected->tokens[i].reward);
        }
        QVERIFY(core.report("r_gui vs r_core", perToken));
        QVERIFY(std::abs(got.rewardSum - expected->rewardSum) <=
                cl::tol::sumOf(got.tokens.size(), perToken));
        // And what `creditlens-cli score` prints for the same text (issue #6 test 1).
        const std::vector<double> cli =
            cliRewards(policy, reference, bench.requestFor(0), 0.25, m_dir.path());
        QCOMPARE(cli.size(), got.tokens.size());
        cl::tol::DiffStats printed;
        for (size_t i = 0; i < cli.size(); ++i) {
            printed.add(cli[i], got.tokens[i].reward);
        }
        QVERIFY(printed.report("r_gui vs r_cli", perToken + cl::tol::kPrintedFloat32));
        // The editor shows it: every token with characters is colored.
        QVERIFY(editor->coloredTokenCount() >= static_cast<int>(got.tokens.size()) - 1);
    }

    void recolorKeepsCaretAndUndo() {
        StoryBench story;
        QVERIFY(openStoryBench(story));
        cl::EngineClient& engine = story.engine;
        cl::Workbench& bench = *story.bench;
        cl::RewardEditor* editor = story.editor;
        editor->setFocus();
        QTest::keyClicks(editor, " a dog ran to the park.");
        QTest::keyClick(editor, Qt::Key_Left);
        QTest::keyClick(editor, Qt::Key_Left);
        QTRY_VERIFY_WITH_TIMEOUT(bench.isCurrent(0), kScoreTimeoutMs);
        const int caret = editor->textCursor().position();
        const int undo = editor->document()->availableUndoSteps();
        const int revision = editor->document()->revision();
        QSignalSpy scored(&engine, &cl::EngineClient::scored);
        bench.rescoreNow();
        QTRY_VERIFY_WITH_TIMEOUT(!scored.isEmpty(), kScoreTimeoutMs);
        // The workbench recolors inside its own (earlier) connection to scored(), so the new
        // colors are on screen by the time the spy has seen the signal.
        QCOMPARE(editor->textCursor().position(), caret);
        QCOMPARE(editor->document()->availableUndoSteps(), undo);
        QCOMPARE(editor->document()->revision(), revision);
        QVERIFY(editor->coloredTokenCount() > 3);
    }

    // A beam search holds the engine thread: an edit made meanwhile says it waits, and is
    // scored as soon as the job ends.
    void editDuringABeamJobSaysItWaits() {
        StoryBench story;
        QVERIFY(openStoryBench(story));
        cl::EngineClient& engine = story.engine;
        cl::Workbench& bench = *story.bench;
        cl::RewardEditor* editor = story.editor;
        QTest::keyClicks(editor, " the sun");
        QTRY_VERIFY_WITH_TIMEOUT(bench.isCurrent(0), kScoreTimeoutMs);
        QVERIFY(!bench.statusText().contains("waits for the beam search"));

        // The job holds the engine thread until the test has seen the status, however slow the
        // machine: no time window to lose.
        cl::test::HeldJob job(engine);
        QTRY_VERIFY_WITH_TIMEOUT(engine.jobRunning(), kScoreTimeoutMs);
        QTest::keyClicks(editor, " was warm.");
        QTRY_VERIFY_WITH_TIMEOUT(bench.statusText().contains("waits for the beam search"),
                                 kScoreTimeoutMs);
        QVERIFY(!bench.isCurrent(0));
        job.release();
        QTRY_VERIFY_WITH_TIMEOUT(bench.isCurrent(0), kScoreTimeoutMs);
        QVERIFY(!engine.jobRunning());
        QVERIFY(!bench.statusText().contains("waits for the beam search"));
        QCOMPARE(QString::fromStdString(bench.requestFor(0).response),
                 QStringLiteral(" the sun was warm."));
    }

    // Requests that queue behind busy work are superseded: only the latest one is scored, and it
    // reuses the cached prefix.
    void latestEditWins() {
        StoryBench story;
        QVERIFY(openStoryBench(story));
        cl::EngineClient& engine = story.engine;
        cl::Workbench& bench = *story.bench;
        cl::RewardEditor* editor = story.editor;
        QTest::keyClicks(editor, " the");
        QTRY_VERIFY_WITH_TIMEOUT(bench.isCurrent(0), kScoreTimeoutMs);
        const int64_t cachedUpTo = bench.score(0)->promptTokens + 1; // prompt + " the"

        cl::test::HeldJob job(engine);
        QTRY_VERIFY_WITH_TIMEOUT(engine.jobRunning(), kScoreTimeoutMs);
        QSignalSpy scored(&engine, &cl::EngineClient::scored);
        const QStringList words = {" sun", " was", " warm", " and", " bright."};
        for (const QString& word : words) {
            QTest::keyClicks(editor, word);
            bench.rescoreNow(); // one request per word, each superseding the one before
        }
        job.release();
        // A job posted now runs after every drain those requests scheduled (one queue, FIFO),
        // and its note back to this thread arrives after every result they posted here.
        auto drained = std::make_shared<bool>(false);
        engine.runJob([this, drained](cl::PairScorer*) {
            QMetaObject::invokeMethod(this, [drained] { *drained = true; }, Qt::QueuedConnection);
        });
        QTRY_VERIFY_WITH_TIMEOUT(*drained, kScoreTimeoutMs);
        QCOMPARE(scored.count(), 1);
        const auto request = scored.first().at(2).value<cl::ScoreRequest>();
        QCOMPARE(QString::fromStdString(request.response),
                 QStringLiteral(" the sun was warm and bright."));
        QVERIFY(bench.isCurrent(0));
        QVERIFY2(bench.score(0)->reusedTokens >= cachedUpTo,
                 qPrintable(QString("reused %1 tokens, expected at least %2")
                                .arg(bench.score(0)->reusedTokens)
                                .arg(cachedUpTo)));
    }

    // Issue #17 "0 reused": switching between the chosen and the rejected response used to
    // recompute the whole response (one shared sequence); each slot has its own cache now, and
    // the status bar reports both slots' reuse.
    void compareSwitchingSidesReuses() {
        StoryBench story;
        QVERIFY(openStoryBench(story));
        cl::Workbench& bench = *story.bench;
        bench.setCompareMode(true);
        cl::RewardEditor* chosen = story.editor;
        cl::RewardEditor* rejected = bench.responsePane(1)->editor();
        QTest::keyClicks(chosen, " there was a little cat named Tom. He liked");
        QTRY_VERIFY_WITH_TIMEOUT(bench.isCurrent(0), kScoreTimeoutMs);
        QTest::keyClicks(rejected, " a dog dog dog ran and ran and ran.");
        QTRY_VERIFY_WITH_TIMEOUT(bench.isCurrent(1), kScoreTimeoutMs);
        QTest::keyClicks(chosen, " to play.");
        QTRY_VERIFY_WITH_TIMEOUT(bench.isCurrent(0), kScoreTimeoutMs);
        const cl::ResponseScore& a = *bench.score(0);
        QVERIFY2(a.reusedTokens > a.promptTokens + 8,
                 qPrintable(QString("chosen: %1 reused, prompt %2 tokens")
                                .arg(a.reusedTokens)
                                .arg(a.promptTokens)));
        QTest::keyClicks(rejected, " Bad");
        QTRY_VERIFY_WITH_TIMEOUT(bench.isCurrent(1), kScoreTimeoutMs);
        const cl::ResponseScore& b = *bench.score(1);
        QVERIFY2(b.reusedTokens > b.promptTokens + 8,
                 qPrintable(QString("rejected: %1 reused, prompt %2 tokens")
                                .arg(b.reusedTokens)
                                .arg(b.promptTokens)));
        const QString status = bench.statusText();
        const auto total = [](const cl::ResponseScore& s) {
            return s.promptTokens + static_cast<qint64>(s.tokens.size());
        };
        QVERIFY2(status.contains(QString("%1/%2 reused").arg(a.reusedTokens).arg(total(a))),
                 qPrintable(status));
        QVERIFY2(status.contains(QString("%1/%2 reused").arg(b.reusedTokens).arg(total(b))),
                 qPrintable(status));
    }

    // Issue #17: the auto color range used to follow every edit (±1.5, then ±0.6 after one
    // word), so a color meant something else from one keystroke to the next. It now holds
    // until the user resets it (a visible button); pinning still works.
    void autoRangeHoldsUntilReset() {
        cl::EngineClient engine; // nothing loaded: scores arrive as the engine would send them
        cl::Workbench bench(&engine);
        bench.show();
        const auto scoreWith = [](double r) {
            cl::ResponseScore s;
            s.beta = 0.1;
            for (int i = 0; i < cl::Workbench::kTokensToHoldRange; ++i) {
                cl::TokenScore t;
                t.text = "abc";
                t.start = 3 * i;
                t.end = 3 * i + 3;
                t.logpPolicy = i == 0 ? r / 0.1 : 0.0;
                t.logpRef = 0.0;
                t.reward = i == 0 ? r : 0.0;
                s.tokens.push_back(t);
            }
            s.rewardSum = r;
            return s;
        };
        const cl::ScoreRequest request = bench.requestFor(0);
        cl::ResponseScore firstWord = scoreWith(0.3); // too little text to fix the range on
        firstWord.tokens.resize(1);
        emit engine.scored(0, 1, request, firstWord);
        QCOMPARE(bench.colorLimit(), 0.3);
        QVERIFY(!bench.colorRangeHeld());
        emit engine.scored(0, 2, request, scoreWith(1.3));
        QCOMPARE(bench.colorLimit(), 1.5);
        QVERIFY(bench.colorRangeHeld());
        emit engine.scored(0, 3, request, scoreWith(0.55)); // one word changed
        QCOMPARE(bench.colorLimit(), 1.5);
        emit engine.scored(0, 4, request, scoreWith(2.2)); // saturates rather than moving
        QCOMPARE(bench.colorLimit(), 1.5);
        auto* reset = bench.findChild<QAbstractButton*>("resetColorRangeButton");
        QVERIFY(reset);
        QVERIFY(reset->isVisible());
        reset->click();
        QCOMPARE(bench.colorLimit(), 2.5); // fitted to what is shown now
        QVERIFY(!bench.colorPinned());
        emit engine.scored(0, 5, request, scoreWith(0.55));
        QCOMPARE(bench.colorLimit(), 2.5);
        bench.setColorPinned(true, 0.75);
        emit engine.scored(0, 6, request, scoreWith(3.0));
        QCOMPARE(bench.colorLimit(), 0.75);
        QVERIFY(bench.colorPinned());
        reset->click(); // Refit unpins and fits the auto range again
        QVERIFY(!bench.colorPinned());
        QCOMPARE(bench.colorLimit(), 3.0);
    }

    void compareAndPreferences() {
        cl::EngineClient engine;
        QVERIFY(loadInto(engine));
        cl::Workbench bench(&engine);
        cl::ComparePanel panel;
        connect(&bench, &cl::Workbench::pairScored, &panel, &cl::ComparePanel::setPairScores);
        connect(&panel, &cl::ComparePanel::pairSelected, &bench, [&](const cl::PreferencePair& p) {
            bench.promptPane()->setPrompt(p.prompt);
            bench.responsePane(0)->editor()->setPlainText(p.chosen);
            bench.responsePane(1)->editor()->setPlainText(p.rejected);
            bench.rescoreNow();
        });
        bench.setCompareMode(true);
        auto set = cl::PreferenceSet::parse(
            R"({"prompt":"Once upon a time","chosen":" there was a cat.","rejected":" cat cat cat"}
{"prompt":"Tom was","chosen":" happy.","rejected":" the the"}
)",
            "prefs.jsonl");
        QVERIFY(set.ok());
        QSignalSpy pairs(&bench, &cl::Workbench::pairScored);
        panel.setPreferenceSet(std::move(set).value(), "prefs.jsonl");
        QTRY_VERIFY_WITH_TIMEOUT(panel.preferenceSet()->outcome(0).has_value(), kScoreTimeoutMs);
        const double a = bench.score(0)->rewardSum;
        const double b = bench.score(1)->rewardSum;
        QCOMPARE(*panel.preferenceSet()->outcome(0), a > b);
        panel.next();
        QCOMPARE(panel.currentIndex(), 1);
        QTRY_VERIFY_WITH_TIMEOUT(panel.preferenceSet()->outcome(1).has_value(), kScoreTimeoutMs);
        QCOMPARE(panel.preferenceSet()->scoredCount(), 2);
        QVERIFY(pairs.count() >= 2);
    }

    void alternativesSubstitute() {
        cl::EngineClient engine;
        QVERIFY(loadInto(engine));
        cl::Workbench bench(&engine);
        bench.promptPane()->setPrompt("Once upon a time");
        cl::RewardEditor* editor = bench.responsePane(0)->editor();
        editor->setPlainText(" there was a big dog.");
        bench.rescoreNow();
        QTRY_VERIFY_WITH_TIMEOUT(bench.isCurrent(0), kScoreTimeoutMs);
        QSignalSpy ready(&engine, &cl::EngineClient::alternativesReady);
        engine.requestAlternatives(bench.requestFor(0), 2, 5);
        QTRY_VERIFY_WITH_TIMEOUT(!ready.isEmpty(), kScoreTimeoutMs);
        const auto alts = ready.first().at(1).value<cl::Alternatives>();
        QCOMPARE(alts.position, 2);
        QCOMPARE(alts.byReward.size(), size_t(5));
        QCOMPARE(alts.byPolicy.size(), size_t(5));
        // The documented two-group order: tokens the policy might write (plausible) first, the
        // rest after them, each group by reward; byPolicy by log pi_theta.
        for (size_t i = 1; i < alts.byReward.size(); ++i) {
            const cl::Alternative& before = alts.byReward[i - 1];
            const cl::Alternative& after = alts.byReward[i];
            QVERIFY(before.plausible >= after.plausible);
            QVERIFY(before.plausible != after.plausible || before.reward >= after.reward);
            QVERIFY(alts.byPolicy[i - 1].logpPolicy >= alts.byPolicy[i].logpPolicy);
        }
        const QString before = editor->toPlainText();
        QVERIFY(editor->substituteToken(2, QString::fromStdString(alts.byPolicy[0].text)));
        QVERIFY(editor->toPlainText() != before || alts.byPolicy[0].text ==
                                                       bench.score(0)->tokens[2].text);
        editor->undo();
        QCOMPARE(editor->toPlainText(), before);
    }
};

QTEST_MAIN(TestWorkbench)
#include "tst_workbench.moc"
