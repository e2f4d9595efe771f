// The Training Curves view (issue #8): runs open off the GUI thread, DPO metrics are
// pre-selected, a growing log is picked up by the file watcher without resetting the zoom.

#include "ui/curves/curves_view.h"
#include "ui/curves/run_store.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QImage>
#include <QMimeData>
#include <QUrl>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <qcustomplot.h>

using namespace cl;

namespace {

void writeText(const QString& path, const QByteArray& text, bool append = false) {
    QFile f(path);
    QVERIFY(f.open(append ? QIODevice::Append : QIODevice::WriteOnly));
    f.write(text);
}

QByteArray line(int step, double chosen, double rejected) {
    return QStringLiteral("{\"step\": %1, \"rewards/chosen\": %2, \"rewards/rejected\": %3, "
                          "\"rewards/margins\": %4, \"loss\": 0.5}\n")
        .arg(step)
        .arg(chosen)
        .arg(rejected)
        .arg(chosen - rejected)
        .toUtf8();
}

} // namespace

class TestCurvesView : public QObject {
    Q_OBJECT

private slots:
    void opensRunsAndPreselectsDpoMetrics();
    void watcherPicksUpAppendedLinesKeepingZoom();
    void unreadablePathGivesMessage();
    void runsKeepTheOrderTheyWereOpenedIn();
    void folderOfRunsOpensEachRun();
    void droppingTheDemoFolderOpensBothRuns();
};

void TestCurvesView::opensRunsAndPreselectsDpoMetrics() {
    QTemporaryDir dir;
    const QString a = dir.filePath("a.jsonl");
    const QString b = dir.filePath("b.jsonl");
    writeText(a, line(1, 0, 0) + line(2, -0.2, -0.5) + line(3, -0.4, -1.1));
    writeText(b, line(1, 0, 0) + line(2, 0.1, -0.1));
    CurvesView view;
    view.resize(1000, 700);
    QSignalSpy changed(&view, &CurvesView::curvesChanged);
    view.openPaths({a, b});
    QTRY_COMPARE_WITH_TIMEOUT(view.store().size(), 2, 30000);
    QCOMPARE(view.settings().metrics,
             QStringList({"rewards/chosen", "rewards/rejected", "rewards/margins"}));
    QCOMPARE(view.plot()->axisRects().size(), 3);
    QCOMPARE(view.plot()->graphCount(), 3 * 2 * 2); // metrics x runs x (raw + smoothed)
    QVERIFY(view.summaryText().contains("both fall"));         // a: -0.4 and -1.1 at the end
    QVERIFY(view.summaryText().contains("Chosen rewards rise")); // b: chosen 0 -> 0.1
    QTemporaryDir out;
    QVERIFY(view.exportFigure(out.filePath("v.png"), QSize(1200, 800), 200));
    QCOMPARE(QImage(out.filePath("v.png")).size(), QSize(1200, 800));
    QVERIFY(view.exportCsv(out.filePath("v.csv")));
    view.setSelectedMetrics({"loss"});
    QCOMPARE(view.plot()->axisRects().size(), 1);
}

void TestCurvesView::watcherPicksUpAppendedLinesKeepingZoom() {
    QTemporaryDir dir;
    const QString path = dir.filePath("trainer_log.jsonl");
    writeText(path, line(1, 0, 0) + line(2, -0.1, -0.3));
    CurvesView view;
    view.openPaths({path});
    QTRY_COMPARE_WITH_TIMEOUT(view.store().size(), 1, 30000);
    QCPAxis* x = view.plot()->axisRects().front()->axis(QCPAxis::atBottom);
    x->setRange(1.25, 1.75); // the user zoomed in
    QSignalSpy updated(&view.store(), &RunStore::runUpdated);
    writeText(path, line(3, -0.2, -0.6) + line(4, -0.3, -0.9), true);
    QVERIFY(updated.wait(30000)); // bounds a hang only
    const logs::Series* chosen = view.store().run(0).find("rewards/chosen");
    QVERIFY(chosen);
    QCOMPARE(chosen->steps, std::vector<double>({1, 2, 3, 4}));
    QCPAxis* after = view.plot()->axisRects().front()->axis(QCPAxis::atBottom);
    QCOMPARE(after->range().lower, 1.25);
    QCOMPARE(after->range().upper, 1.75);
    QCOMPARE(view.plot()->graph(1)->data()->size(), 4);
}

void TestCurvesView::unreadablePathGivesMessage() {
    CurvesView view;
    QSignalSpy messages(&view, &CurvesView::message);
    view.openPaths({"/nonexistent/creditlens/log.jsonl"});
    QVERIFY(messages.wait(30000));
    QVERIFY(messages.front().front().toString().contains("/nonexistent/creditlens/log.jsonl"));
    QCOMPARE(view.store().size(), 0);
}

QTEST_MAIN(TestCurvesView)
#include "tst_curves_view.moc"

// A long log opened first finishes loading after a short one opened second; it still comes
// first (color 0), as the user listed them.
void TestCurvesView::runsKeepTheOrderTheyWereOpenedIn() {
    QTemporaryDir dir;
    const QString big = dir.filePath("big.jsonl");
    const QString small = dir.filePath("small.jsonl");
    QByteArray text;
    for (int step = 1; step <= 60000; ++step) {
        text += line(step, -0.00001 * step, -0.00002 * step);
    }
    writeText(big, text);
    writeText(small, line(1, 0, 0) + line(2, 0.1, -0.1));
    CurvesView view;
    QSignalSpy added(&view.store(), &RunStore::runAdded);
    view.openPaths({big, small, big}); // the repeat, still loading, is ignored
    // Every read has finished (none pending), and the repeat added nothing.
    QTRY_VERIFY_WITH_TIMEOUT(view.store().size() == 2 && view.store().pending() == 0, 20000);
    QCoreApplication::processEvents(); // a result posted by a third read would be delivered here
    QCOMPARE(view.store().size(), 2);
    QCOMPARE(view.store().path(0), QFileInfo(big).absoluteFilePath());
    QCOMPARE(view.store().path(1), QFileInfo(small).absoluteFilePath());
    QCOMPARE(view.store().run(0).find("rewards/chosen")->size(), size_t(60000));
    QCOMPARE(added.count(), 2);
}

// Issue #17: a folder dropped on the view opens every subfolder holding a log as a run named by
// its path (TensorBoard's logdir), and never reads the preference file beside them.
void TestCurvesView::folderOfRunsOpensEachRun() {
    QTemporaryDir dir;
    QDir(dir.path()).mkpath("demo/dpo_from_sft");
    QDir(dir.path()).mkpath("demo/nested/dpo_without_sft");
    writeText(dir.filePath("demo/pairs.jsonl"),
              R"({"prompt": "p", "chosen": " a", "rejected": " b"})" "\n");
    writeText(dir.filePath("demo/dpo_from_sft/trainer_log.jsonl"), line(1, 0, 0) + line(2, -0.2, -0.5));
    writeText(dir.filePath("demo/nested/dpo_without_sft/trainer_log.jsonl"),
              line(1, 0, 0) + line(2, 0.1, -0.1));
    CurvesView view;
    QSignalSpy messages(&view, &CurvesView::message);
    view.openPaths({dir.filePath("demo")});
    QTRY_VERIFY_WITH_TIMEOUT(view.store().size() == 2 && view.store().pending() == 0, 30000);
    QStringList names;
    for (int i = 0; i < view.store().size(); ++i) {
        names << QString::fromStdString(view.store().run(i).name);
    }
    QCOMPARE(names, QStringList({"dpo_from_sft", "nested/dpo_without_sft"}));
    QCOMPARE(view.plot()->axisRects().size(), 3);
}

// Issue #17: the bundled demo folder dropped on the view: its two runs, not pairs.jsonl.
// CREDITLENS_SCREENSHOT_DIR=dir keeps a PNG of the view.
void TestCurvesView::droppingTheDemoFolderOpensBothRuns() {
    const QString demo = QStringLiteral(CREDITLENS_SOURCE_DIR "/resources/demo");
    if (!QFile::exists(demo + "/pairs.jsonl")) {
        QSKIP("no bundled demo in this tree");
    }
    struct DropTarget : CurvesView { // the handler a real drop reaches
        using CurvesView::dropEvent;
    } view;
    view.resize(1280, 420);
    view.show();
    QMimeData mime;
    mime.setUrls({QUrl::fromLocalFile(demo)});
    QDropEvent drop(QPointF(50, 50), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
    view.dropEvent(&drop);
    QVERIFY(drop.isAccepted());
    QTRY_VERIFY_WITH_TIMEOUT(view.store().size() == 2 && view.store().pending() == 0, 30000);
    QCOMPARE(QString::fromStdString(view.store().run(0).name), QStringLiteral("dpo_from_sft"));
    QCOMPARE(QString::fromStdString(view.store().run(1).name), QStringLiteral("dpo_without_sft"));
    QVERIFY(view.store().run(0).find("rewards/chosen"));
    if (const QByteArray dir = qgetenv("CREDITLENS_SCREENSHOT_DIR"); !dir.isEmpty()) {
        QTest::qWait(100);
        view.grab().save(QString::fromLocal8Bit(dir) + "/demo_folder_dropped.png");
    }
}
