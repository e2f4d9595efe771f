// File → Recent pairs (issue #17 item 4, RecentPairsMenu): newest first, no duplicates, at most
// eight, malformed entries left out, choosing one names its folders.

#include "ui/window/recent_pairs_menu.h"

#include <QAction>
#include <QApplication>
#include <QMenu>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

class TestRecentPairsMenu : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_settingsDir;

    static QStringList stored() {
        return QSettings().value(cl::RecentPairsMenu::kSettingsKey).toStringList();
    }

private slots:
    void initTestCase() {
        QVERIFY(m_settingsDir.isValid());
        QStandardPaths::setTestModeEnabled(true);
        QApplication::setOrganizationName("CreditLensTest");
        QApplication::setApplicationName("tst_recent_pairs_menu");
        QSettings::setDefaultFormat(QSettings::IniFormat);
        QSettings::setPath(QSettings::IniFormat, QSettings::UserScope, m_settingsDir.path());
    }

    void init() { QSettings().clear(); }

    void withPair_data() {
        QTest::addColumn<QStringList>("before");
        QTest::addColumn<QStringList>("after");
        QTest::newRow("empty") << QStringList{} << QStringList{"p\nr"};
        QTest::newRow("new goes first") << QStringList{"a\nb"} << QStringList{"p\nr", "a\nb"};
        QTest::newRow("known moves to the front")
            << QStringList{"a\nb", "p\nr", "c\nd"} << QStringList{"p\nr", "a\nb", "c\nd"};
        QStringList full;
        for (int i = 0; i < cl::RecentPairsMenu::kMaxPairs; ++i) {
            full << QString("p%1\nr%1").arg(i);
        }
        QStringList capped = full.mid(0, cl::RecentPairsMenu::kMaxPairs - 1);
        capped.prepend("p\nr");
        QTest::newRow("capped, the oldest dropped") << full << capped;
    }

    void withPair() {
        QFETCH(QStringList, before);
        QFETCH(QStringList, after);
        QCOMPARE(cl::RecentPairsMenu::withPair(before, "p", "r"), after);
    }

    void emptyMenuIsDisabled() {
        QMenu menu;
        cl::RecentPairsMenu recent(&menu);
        QVERIFY(menu.isEmpty());
        QVERIFY(!menu.isEnabled());
    }

    void addOrdersAndCaps() {
        QMenu menu;
        cl::RecentPairsMenu recent(&menu);
        for (int i = 0; i < 10; ++i) {
            recent.add(QString("/m/policy%1").arg(i), QString("/m/ref%1").arg(i));
        }
        recent.add("/m/policy3", "/m/ref3"); // again: to the front, not twice
        const QStringList pairs = stored();
        QCOMPARE(pairs.size(), cl::RecentPairsMenu::kMaxPairs);
        QCOMPARE(pairs.front(), QStringLiteral("/m/policy3\n/m/ref3"));
        QCOMPARE(pairs.count("/m/policy3\n/m/ref3"), 1);
        QCOMPARE(pairs[1], QStringLiteral("/m/policy9\n/m/ref9"));
        QVERIFY(!pairs.contains("/m/policy0\n/m/ref0")); // the oldest fell off
        const QList<QAction*> actions = menu.actions();
        QCOMPARE(actions.size(), cl::RecentPairsMenu::kMaxPairs);
        QVERIFY(menu.isEnabled());
        QCOMPARE(actions[0]->text(), QStringLiteral("&1 policy3 vs ref3"));
        QCOMPARE(actions[1]->text(), QStringLiteral("&2 policy9 vs ref9"));
        QCOMPARE(actions[0]->toolTip(), QStringLiteral("/m/policy3 — /m/ref3"));
    }

    void malformedEntriesAreLeftOut() {
        QSettings().setValue(cl::RecentPairsMenu::kSettingsKey,
                             QStringList{"/a/p\n/a/r", "no separator", "/b/p\n/b/r"});
        QMenu menu;
        cl::RecentPairsMenu recent(&menu);
        QCOMPARE(menu.actions().size(), 2);
        QCOMPARE(menu.actions()[1]->text(), QStringLiteral("&3 p vs r")); // numbered by entry
    }

    void choosingEmitsThePair() {
        QMenu menu;
        cl::RecentPairsMenu recent(&menu);
        recent.add("/x/pol", "/x/ref");
        QSignalSpy chosen(&recent, &cl::RecentPairsMenu::pairChosen);
        menu.actions().front()->trigger();
        QCOMPARE(chosen.size(), 1);
        QCOMPARE(chosen[0][0].toString(), QStringLiteral("/x/pol"));
        QCOMPARE(chosen[0][1].toString(), QStringLiteral("/x/ref"));
    }
};

QTEST_MAIN(TestRecentPairsMenu)
#include "tst_recent_pairs_menu.moc"
