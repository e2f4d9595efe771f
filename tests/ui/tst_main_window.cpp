// The application shell (issue #2): the window opens, menus and key actions exist with
// shortcuts, and the window state survives a restart through QSettings.

#include "ui/app_actions.h"
#include "ui/main_window.h"

#include <QAction>
#include <QApplication>
#include <QDockWidget>
#include <QMenu>
#include <QMenuBar>
#include <QSettings>
#include <QTemporaryDir>
#include <QTest>

class TestMainWindow : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_settingsDir;

private slots:
    void initTestCase() {
        QVERIFY(m_settingsDir.isValid());
        QApplication::setOrganizationName("CreditLensTest");
        QApplication::setApplicationName("tst_main_window");
        QSettings::setDefaultFormat(QSettings::IniFormat);
        QSettings::setPath(QSettings::IniFormat, QSettings::UserScope, m_settingsDir.path());
        QSettings().clear();
    }

    void opens() {
        cl::MainWindow window;
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QCOMPARE(window.windowTitle().left(10), QStringLiteral("CreditLens"));
        QVERIFY(!window.windowIcon().isNull());
    }

    void menus_data() {
        QTest::addColumn<QString>("menu");
        for (const char* name : {"menuFile", "menuEdit", "menuView", "menuTools", "menuHelp"}) {
            QTest::newRow(name) << QString(name);
        }
    }

    void menus() {
        QFETCH(QString, menu);
        cl::MainWindow window;
        const auto* found = window.menuBar()->findChild<QMenu*>(menu);
        QVERIFY2(found, qPrintable(menu));
        QVERIFY(!found->actions().isEmpty());
    }

    void shortcuts_data() {
        QTest::addColumn<QString>("action");
        QTest::addColumn<QKeySequence>("shortcut");
        QTest::newRow("open policy") << "actionOpenPolicy" << QKeySequence(QKeySequence::Open);
        QTest::newRow("open reference") << "actionOpenReference" << QKeySequence("Ctrl+Shift+O");
        QTest::newRow("open session") << "actionOpenSession" << QKeySequence("Ctrl+Alt+O");
        QTest::newRow("save session") << "actionSaveSession" << QKeySequence(QKeySequence::Save);
        QTest::newRow("export") << "actionExport" << QKeySequence("Ctrl+E");
        QTest::newRow("quit") << "actionQuit" << QKeySequence("Ctrl+Q");
        QTest::newRow("compare") << "actionCompareMode" << QKeySequence("Ctrl+K");
        QTest::newRow("rescore") << "actionRescore" << QKeySequence("F5");
        QTest::newRow("about") << "actionAbout" << QKeySequence("F1");
    }

    void shortcuts() {
        QFETCH(QString, action);
        QFETCH(QKeySequence, shortcut);
        cl::MainWindow window;
        const auto* found = window.findChild<QAction*>(action);
        QVERIFY2(found, qPrintable(action));
        QCOMPARE(found->shortcut(), shortcut);
        QVERIFY2(static_cast<QWidget&>(window).actions().contains(found), "shortcut must work without opening a menu");
    }

    void shortcutsAreUnique() {
        cl::MainWindow window;
        QHash<QString, QString> seen;
        for (const QAction* a : window.findChildren<QAction*>()) {
            if (a->shortcut().isEmpty() || a->objectName().isEmpty()) {
                continue;
            }
            const QString key = a->shortcut().toString();
            QVERIFY2(!seen.contains(key), qPrintable(key + " on " + seen.value(key) + " and " +
                                                     a->objectName()));
            seen.insert(key, a->objectName());
        }
        QVERIFY(seen.size() >= 15);
    }

    void quitClosesWindow() {
        cl::MainWindow window;
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        window.actions()->quit->trigger();
        QTRY_VERIFY(!window.isVisible());
    }

    void settingsRoundTrip() {
        QRect saved;
        {
            cl::MainWindow window;
            window.show();
            QVERIFY(QTest::qWaitForWindowExposed(&window));
            window.setGeometry(40, 50, 1011, 707);
            QTRY_COMPARE(window.size(), QSize(1011, 707));
            saved = window.geometry();
            window.close(); // writes QSettings
        }
        QVERIFY(QSettings().contains("mainWindow/geometry"));
        cl::MainWindow again;
        again.show();
        QVERIFY(QTest::qWaitForWindowExposed(&again));
        QCOMPARE(again.size(), saved.size());
    }
};

QTEST_MAIN(TestMainWindow)
#include "tst_main_window.moc"
