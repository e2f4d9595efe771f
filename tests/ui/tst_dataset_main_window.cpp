// The Dataset dock in the main window (issue #17 item 1): menu entry and shortcut, a file
// opened before the pair loads is scored once it has, double-clicking a row opens the pair in
// the compare editor, an edit there updates the row, and `--dataset FILE` on the command line.
#include "app/gui/gui_command_line.h"
#include "ui/app_actions.h"
#include "ui/common/reward_editor.h"
#include "ui/dataset/dataset_filter.h"
#include "ui/dataset/dataset_model.h"
#include "ui/dataset/dataset_view.h"
#include "ui/editor/prompt_pane.h"
#include "ui/editor/response_pane.h"
#include "ui/editor/workbench.h"
#include "ui/main_window.h"

#include <QAction>
#include <QDockWidget>
#include <QMenu>
#include <QSettings>
#include <QStandardPaths>
#include <QTableView>
#include <QTemporaryDir>
#include <QtTest>

using namespace cl;

namespace {

const QString kDemo = QStringLiteral(CREDITLENS_SOURCE_DIR "/resources/demo");

} // namespace

class TestDatasetMainWindow : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void dockMenuAndShortcut();
    void doubleClickOpensPairAndEditsUpdateRow();
    void commandLineTakesDataset();

private:
    QTemporaryDir m_tmp;
    QString m_subset;
};

void TestDatasetMainWindow::initTestCase() {
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication::setOrganizationName("CreditLensTest");
    QCoreApplication::setApplicationName("tst_dataset_main_window");
    QSettings::setDefaultFormat(QSettings::IniFormat);
    QSettings::setPath(QSettings::IniFormat, QSettings::UserScope, m_tmp.path());
    QSettings().clear();
    if (!QFile::exists(kDemo + "/pairs.jsonl")) {
        QSKIP("no bundled demo in this tree");
    }
    QFile all(kDemo + "/pairs.jsonl");
    QVERIFY(all.open(QIODevice::ReadOnly));
    const QList<QByteArray> lines = all.readAll().split('\n');
    m_subset = m_tmp.filePath("subset.jsonl");
    QFile out(m_subset);
    QVERIFY(out.open(QIODevice::WriteOnly));
    for (int i = 0; i < 10; ++i) {
        out.write(lines[i] + '\n');
    }
}

void TestDatasetMainWindow::dockMenuAndShortcut() {
    MainWindow window;
    auto* dock = window.findChild<QDockWidget*>("datasetDock");
    QVERIFY(dock);
    QVERIFY(dock->isHidden());
    QCOMPARE(dock->toggleViewAction()->shortcut(), QKeySequence("Ctrl+Shift+D"));
    QVERIFY(window.actions()->viewMenu()->actions().contains(dock->toggleViewAction()));
    auto* open = window.findChild<QAction*>("actionOpenDataset");
    QVERIFY(open);
    QCOMPARE(open->shortcut(), QKeySequence("Ctrl+Alt+D"));
    QVERIFY(window.actions()->toolsMenu()->actions().contains(open));
    QCOMPARE(window.datasetView(), dock->widget());
}

void TestDatasetMainWindow::doubleClickOpensPairAndEditsUpdateRow() {
    MainWindow window;
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    DatasetView* view = window.datasetView();
    QSignalSpy finished(view, &DatasetView::scoringFinished);
    QSignalSpy loaded(&window, &MainWindow::pairLoaded);
    // As `creditlens --policy --reference --dataset` does: the file before the pair has loaded.
    window.openPair(kDemo + "/policy", kDemo + "/reference");
    QVERIFY(window.openDataset(m_subset));
    QVERIFY(window.findChild<QDockWidget*>("datasetDock")->isVisible());
    QVERIFY(loaded.wait(60000));
    QTRY_VERIFY_WITH_TIMEOUT(finished.count() == 1, 120000);
    QCOMPARE(view->model()->rowCount(), 10);
    QCOMPARE(window.workbench()->promptPane()->templateName(), QString("tldr"));

    // Sort by margin, then double-click the top row (the smallest margin).
    QTableView* table = view->table();
    table->sortByColumn(DatasetModel::Margin, Qt::AscendingOrder);
    const QModelIndex top = view->filter()->index(0, DatasetModel::Margin);
    const int source = view->filter()->mapToSource(top).row();
    const DatasetEntry entry = view->model()->entryOf(source);
    const int entryIndex = view->model()->rowAt(source).entry;
    table->scrollTo(top);
    const QPoint at = table->visualRect(top).center();
    // A double click as a window system delivers it: press, release, then the double-click
    // event (QAbstractItemView acts on it only for the index the press went to).
    QTest::mouseClick(table->viewport(), Qt::LeftButton, {}, at);
    QTest::mouseDClick(table->viewport(), Qt::LeftButton, {}, at);
    Workbench* wb = window.workbench();
    QCOMPARE(wb->promptPane()->prompt(), entry.prompt);
    QCOMPARE(wb->responsePane(0)->editor()->text(), entry.chosen);
    QCOMPARE(wb->responsePane(1)->editor()->text(), entry.rejected);
    QVERIFY(wb->compareMode());
    QVERIFY(window.actions()->compareMode->isChecked());
    // The unedited pair keeps the batch numbers (the CLI's).
    QSignalSpy pairScored(wb, &Workbench::pairScored);
    QVERIFY(pairScored.wait(60000));
    QVERIFY(!view->model()->rowAt(source).edited);

    // Edit the rejected response: the row takes the editor's numbers.
    const QString edited = entry.rejected + " And then a kitten.";
    wb->responsePane(1)->editor()->setPlainText(edited);
    QTRY_VERIFY_WITH_TIMEOUT(view->model()->rowAt(source).edited, 60000);
    QTRY_VERIFY_WITH_TIMEOUT(wb->isCurrent(0) && wb->isCurrent(1), 60000);
    const DatasetRow& row = view->model()->rowAt(source);
    QCOMPARE(row.entry, entryIndex);
    QCOMPARE(row.sumChosen, wb->score(0)->rewardSum);
    QCOMPARE(row.sumRejected, wb->score(1)->rewardSum);
    QCOMPARE(row.margin, wb->score(0)->rewardSum - wb->score(1)->rewardSum);
    QCOMPARE(row.tokensRejected, static_cast<int>(wb->score(1)->tokens.size()));
    QVERIFY(!row.lowestInErrorSpan); // rejected changed: its spans no longer apply
    QCOMPARE(view->model()->entryOf(source).rejected, edited);
    QVERIFY(view->model()
                ->data(view->model()->index(source, DatasetModel::Index))
                .toString()
                .contains("✎"));
    window.setModified(false);
}

void TestDatasetMainWindow::commandLineTakesDataset() {
    const GuiOptions o =
        parseGuiCommandLine({"creditlens", "--policy", kDemo + "/policy", "--reference",
                             kDemo + "/reference", "--dataset", m_subset});
    QCOMPARE(o.datasetFile, m_subset);
    QCOMPARE(o.policyDir, kDemo + "/policy");
    QVERIFY(parseGuiCommandLine({"creditlens"}).datasetFile.isEmpty());
}

QTEST_MAIN(TestDatasetMainWindow)
#include "tst_dataset_main_window.moc"
