// The beam tree (issue #17 item 2): the view lays out only what is visible (a W = 32, 64-step
// trace), collapses pruned candidates, colors each node by its r_t, shows the numbers on hover;
// in the Beam Search dock the tree of a real search reproduces the n-best. With
// CREDITLENS_SCREENSHOT_DIR set, the dock with the tree of a stories260k search is saved there.
#include "common/tolerances.h"
#include "core/engine/reward_scorer.h"
#include "tests/ui/fixture_models.h"
#include "tests/ui/tst_beam_engine.h"
#include "ui/beam/beam_jobs.h"
#include "ui/beam/beam_options_form.h"
#include "ui/beam/beam_panel.h"
#include "ui/beam/beam_tree_panel.h"
#include "ui/beam/beam_tree_view.h"
#include "ui/beam/beam_view.h"
#include "ui/beam/nbest_model.h"
#include "ui/common/reward_colormap.h"

#include <QCheckBox>
#include <QDir>
#include <QScrollBar>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#include <cmath>

using namespace cl;

class TestBeamTree : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void largeTreeCreatesOnlyVisibleItems();
    void collapsePruned();
    void nodesColoredByReward();
    void toolTipText();
    void dockTreeReproducesNBest();
    void storiesScreenshot();
    void storiesWidth32Steps64();
};

namespace {

/// A synthetic trace: W kept + W pruned per step, rewards spread over [-1, 1].
std::shared_ptr<BeamTrace> syntheticTrace(int width, int steps) {
    auto t = std::make_shared<BeamTrace>();
    t->width = width;
    for (int s = 0; s < steps; ++s) {
        BeamTraceStep st;
        for (int i = 0; i < 2 * width; ++i) {
            BeamTraceNode n;
            n.rank = i;
            n.parentSlot = s == 0 ? 0 : (i * 7) % width;
            n.parent = s == 0 ? -1 : n.parentSlot;
            n.token = 100 + i;
            n.text = "tok" + std::to_string(i);
            n.fate = i < width ? BeamNodeFate::Kept : BeamNodeFate::Pruned;
            n.logpPolicy = -0.1 * (i + 1);
            n.logpRef = -0.1 * (i + 1) + 0.05 * std::sin(s + i);
            n.reward = 0.5 * (n.logpPolicy - n.logpRef) * 20;
            n.beamScore = -0.1 * (s + 1) * (i + 1);
            st.nodes.push_back(n);
            if (i < width) {
                st.beamRows.push_back(i);
            }
        }
        t->steps.push_back(std::move(st));
    }
    t->finals.push_back({steps - 1, 0});
    t->scored = true;
    return t;
}

/// Every node whose rectangle meets the viewport, by brute force over the whole trace.
int visibleByBruteForce(const BeamTreeView& view) {
    const QRect visible(
        QPoint(view.horizontalScrollBar()->value(), view.verticalScrollBar()->value()),
        view.viewport()->size());
    int count = 0;
    for (int s = 0; s < static_cast<int>(view.trace()->steps.size()); ++s) {
        for (int i = 0; i < static_cast<int>(view.trace()->steps[s].nodes.size()); ++i) {
            const QRect r = view.nodeRect(s, i);
            count += !r.isEmpty() && r.intersects(visible);
        }
    }
    return count;
}

/// Runs jobs on the GUI thread's event loop (queued, never inline): enough for a screenshot.
EngineRunner queuedRunner(PairScorer* scorer) {
    return [scorer](EngineJob job) {
        QMetaObject::invokeMethod(
            qApp, [scorer, job = std::move(job)] { job(scorer); }, Qt::QueuedConnection);
    };
}

} // namespace

namespace {

/// stories260k against its reference copy in `tmp`, beta 0.1; null (with a warning) if it fails.
std::unique_ptr<RewardScorer> loadStoriesPair(const QTemporaryDir& tmp) {
    const QString ref = test::makeStoriesReference(tmp.path());
    auto loaded = ref.isEmpty() ? Result<std::unique_ptr<RewardScorer>>(Error{"no reference copy"})
                                : RewardScorer::load(test::storiesPolicyDir().toStdString(),
                                                     ref.toStdString());
    if (!loaded) {
        qWarning("%s", loaded.error().c_str());
        return nullptr;
    }
    loaded.value()->setBeta(0.1);
    return std::move(loaded).value();
}

} // namespace

void TestBeamTree::initTestCase() {
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication::setOrganizationName("CreditLensTests");
    QCoreApplication::setApplicationName("tst_beam_tree");
    QSettings().clear();
}

void TestBeamTree::largeTreeCreatesOnlyVisibleItems() {
    BeamTreeView view;
    view.resize(800, 500);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    auto trace = syntheticTrace(32, 64);
    QCOMPARE(trace->nodeCount(), size_t(32 * 2 * 64));
    view.setTrace(trace, 1.0);
    // 800 px hold about 7 columns of 112 px, 500 px about 24 rows of 20: a screenful, not 4096.
    const int expected = visibleByBruteForce(view);
    QCOMPARE(view.itemCount(), expected);
    QVERIFY2(view.itemCount() > 0 && view.itemCount() <= 8 * 25,
             qPrintable(QString::number(view.itemCount())));
    // Scrolled to the far corner: the items are the last steps' last rows.
    view.horizontalScrollBar()->setValue(view.horizontalScrollBar()->maximum());
    view.verticalScrollBar()->setValue(view.verticalScrollBar()->maximum());
    QCOMPARE(view.itemCount(), visibleByBruteForce(view));
    QVERIFY(view.itemCount() <= 8 * 25);
    for (const BeamTreeView::Item& item : view.items()) {
        QVERIFY(item.step >= 64 - 8);
        QVERIFY(view.viewport()->rect().intersects(item.rect));
    }
    // The returned beam's path: one node per step, marked on its items.
    int onPath = 0;
    for (int s = 0; s < 64; ++s) {
        for (int i = 0; i < 64; ++i) {
            onPath += view.onFinalPath(s, i);
        }
    }
    QCOMPARE(onPath, 64);
    QVERIFY(view.onFinalPath(63, 0));
    // Hover finds the node under the pointer, and nothing between columns.
    const BeamTreeView::Item& some = view.items().front();
    const auto hit = view.nodeAt(some.rect.center());
    QVERIFY(hit && hit->first == some.step && hit->second == some.node);
    QVERIFY(!view.nodeAt(QPoint(some.rect.right() + 5, some.rect.center().y())));
    // A paint of the corner touches only the items.
    const QImage img = view.viewport()->grab().toImage();
    QVERIFY(!img.isNull());
}

void TestBeamTree::collapsePruned() {
    BeamTreePanel panel;
    panel.resize(800, 900);
    panel.show();
    panel.setTrace(syntheticTrace(32, 64), 1.0);
    BeamTreeView* view = panel.view();
    QVERIFY(view->showPruned());
    QVERIFY(!view->nodeRect(0, 40).isEmpty());
    panel.prunedToggle()->setChecked(false);
    QVERIFY(!view->showPruned());
    QVERIFY(view->nodeRect(0, 40).isEmpty()); // pruned: collapsed
    QVERIFY(!view->nodeRect(0, 31).isEmpty());
    for (const BeamTreeView::Item& item : view->items()) {
        QVERIFY(view->trace()->steps[item.step].nodes[item.node].fate != BeamNodeFate::Pruned);
    }
    QCOMPARE(view->itemCount(), visibleByBruteForce(*view));
    QVERIFY(panel.summaryText().contains("2048 pruned"));
}

void TestBeamTree::nodesColoredByReward() {
    BeamTreeView view;
    view.resize(600, 400);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    auto trace = syntheticTrace(4, 5);
    view.setTrace(trace, 0.8);
    const QImage img = view.viewport()->grab().toImage();
    const qreal dpr = img.devicePixelRatio();
    int checked = 0;
    for (const BeamTreeView::Item& item : view.items()) {
        if (!view.viewport()->rect().contains(item.rect)) {
            continue; // cut by the viewport's edge
        }
        const BeamTraceNode& n = trace->steps[item.step].nodes[item.node];
        const QColor want = RewardColormap::color(n.reward, 0.8);
        // A point right of the (elided) text, inside the outline.
        const QPoint at(item.rect.right() - 4, item.rect.center().y());
        const QColor got = img.pixelColor(at * dpr);
        QVERIFY2(std::abs(got.red() - want.red()) <= 2 &&
                     std::abs(got.green() - want.green()) <= 2 &&
                     std::abs(got.blue() - want.blue()) <= 2,
                 qPrintable(QString("step %1 node %2: %3 vs %4")
                                .arg(item.step)
                                .arg(item.node)
                                .arg(got.name(), want.name())));
        ++checked;
    }
    QVERIFY2(checked >= 4 * 8, qPrintable(QString::number(checked))); // 4 whole columns of 8
}

void TestBeamTree::toolTipText() {
    BeamTraceNode n;
    n.rank = 2;
    n.token = 278;
    n.text = " the";
    n.fate = BeamNodeFate::Pruned;
    n.logpPolicy = -1.25;
    n.logpRef = -1.5;
    n.reward = 0.1 * 0.25;
    n.beamScore = -4.5;
    const QString t = BeamTreeView::toolTipText(n, 3);
    QCOMPARE(t, QString("Step 4 · pruned candidate (rank 3)\n"
                        "token “ the” (id 278)\n"
                        "log π_θ = -1.2500\n"
                        "log π_ref = -1.5000\n"
                        "r_t = β(log π_θ − log π_ref) = 0.0250\n"
                        "beam score Σ log π_θ = -4.5000"));
    n.logpRef = std::nan("");
    n.reward = std::nan("");
    n.text = "\n";
    n.fate = BeamNodeFate::Finished;
    const QString u = BeamTreeView::toolTipText(n, 0);
    QVERIFY(u.startsWith("Step 1 · finished hypothesis"));
    QVERIFY(u.contains("log π_ref = n/a"));
    QVERIFY(u.contains("token “⏎”"));
}

void TestBeamTree::dockTreeReproducesNBest() {
    CL_REQUIRE_FIXTURES();
    test::BeamEngine engine;
    QVERIFY2(engine.load(), qPrintable(engine.error()));
    BeamView view;
    view.resize(1280, 500);
    view.setRunner(engine.runner());
    view.setPrompt("Once upon a time, there was a little", "raw");
    BeamOptions o;
    o.width = 4;
    o.numReturn = 3;
    o.maxNewTokens = 10;
    view.panel()->optionsForm()->setOptions(o);
    view.show();
    QSignalSpy done(view.panel(), &BeamPanel::searchFinished);
    QVERIFY(view.panel()->run());
    QVERIFY(done.wait(60000));
    auto trace = view.panel()->trace();
    QVERIFY(trace && trace->scored);
    QCOMPARE(view.tree()->view()->trace(), trace.get());
    QCOMPARE(view.tree()->view()->colorLimit(), view.panel()->colorLimit());
    QCOMPARE(trace->finals.size(), size_t(view.panel()->model()->rowCount()));
    for (int i = 0; i < view.panel()->model()->rowCount(); ++i) {
        const ScoredBeam* b = view.panel()->model()->beam(i);
        QVERIFY(b && b->reward);
        QCOMPARE(trace->pathIds(trace->finals[i]), b->beam.ids);
        // The path's rewards are the n-best's per-token rewards (one reference, two routes:
        // the replayed beam rows and the forked prompt).
        int node = trace->finals[i].node;
        for (int s = trace->finals[i].step; s >= 0; --s) {
            const BeamTraceNode& n = trace->steps[s].nodes[node];
            QVERIFY(std::abs(n.reward - b->reward->tokens[s].reward) <=
                    tol::rewardMax(engine.scorer()->beta(), tol::kLogprobMaxF32VsF32));
            node = n.parent;
        }
    }
    view.setCurrentWidget(view.tree());
    QVERIFY(view.tree()->view()->itemCount() > 0);
}

void TestBeamTree::storiesScreenshot() {
    CL_REQUIRE_FIXTURES();
    QTemporaryDir tmp;
    std::unique_ptr<RewardScorer> scorer = loadStoriesPair(tmp);
    QVERIFY(scorer);
    BeamView view;
    view.resize(1280, 720);
    view.setRunner(queuedRunner(scorer.get()));
    view.setPrompt("Once upon a time, there was a little", "raw");
    BeamOptions o;
    o.width = 4;
    o.numReturn = 4;
    o.maxNewTokens = 16;
    view.panel()->optionsForm()->setOptions(o);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    QSignalSpy done(view.panel(), &BeamPanel::searchFinished);
    QVERIFY(view.panel()->run());
    QVERIFY(done.wait(60000));
    view.setCurrentWidget(view.tree());
    auto trace = view.panel()->trace();
    QVERIFY(trace && trace->steps.size() > 1);
    for (size_t i = 0; i < trace->finals.size(); ++i) {
        QCOMPARE(trace->pathIds(trace->finals[i]), view.panel()->model()->beam(int(i))->beam.ids);
    }
    QTest::qWait(50);
    const QImage shot = view.grab().toImage();
    QCOMPARE(shot.size(), QSize(1280, 720));
    const QString dir = qEnvironmentVariable("CREDITLENS_SCREENSHOT_DIR");
    if (!dir.isEmpty()) {
        QDir().mkpath(dir);
        QVERIFY(shot.save(dir + "/beam_tree.png"));
    }
}

void TestBeamTree::storiesWidth32Steps64() {
    CL_REQUIRE_FIXTURES();
    QTemporaryDir tmp;
    std::unique_ptr<RewardScorer> scorer = loadStoriesPair(tmp);
    QVERIFY(scorer);
    // A real W = 32 search run for all 64 steps (an EOS id that never comes), traced as the
    // panel's engine job traces it.
    auto trace = std::make_shared<BeamTrace>();
    BeamOptions o;
    o.width = 32;
    o.numReturn = 32;
    o.maxNewTokens = 64;
    o.eosIds = {999999};
    o.trace = trace.get();
    auto beams = runBeamSearch(scorer.get(), "Once upon a time", "raw", o);
    QVERIFY2(beams.ok(), beams.ok() ? "" : beams.error().c_str());
    QCOMPARE(trace->steps.size(), size_t(64));
    QCOMPARE(trace->nodeCount(), size_t(64 * 64));
    QVERIFY(trace->scored);
    BeamTreeView view;
    view.resize(1000, 600);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    view.setTrace(trace, 0.5);
    QCOMPARE(view.itemCount(), visibleByBruteForce(view));
    QVERIFY2(view.itemCount() <= 10 * 30, qPrintable(QString::number(view.itemCount())));
    view.ensureVisible(40, trace->finals.front().node);
    QCOMPARE(view.itemCount(), visibleByBruteForce(view));
    QVERIFY(view.itemCount() <= 10 * 30);
    bool sawFinal = false;
    for (const BeamTreeView::Item& item : view.items()) {
        sawFinal = sawFinal || (item.onFinalPath && item.step == 40);
    }
    QVERIFY(sawFinal);
    const QImage shot = view.grab().toImage();
    QVERIFY(!shot.isNull());
    const QString dir = qEnvironmentVariable("CREDITLENS_SCREENSHOT_DIR");
    if (!dir.isEmpty()) {
        QDir().mkpath(dir);
        QVERIFY(shot.save(dir + "/beam_tree_w32.png"));
    }
    qInfo("W=32 x 64 steps: %zu nodes, %d items created for the %dx%d viewport", trace->nodeCount(),
          view.itemCount(), view.viewport()->width(), view.viewport()->height());
}

QTEST_MAIN(TestBeamTree)
#include "tst_beam_tree.moc"
