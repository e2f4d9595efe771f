// Help → Open demo (issue #9; DemoLauncher since issue #17 item 4): where the demo is found and
// what of it is opened.

#include "ui/window/demo_launcher.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QTemporaryDir>
#include <QTest>

namespace {

void touch(const QString& path) {
    QDir().mkpath(QFileInfo(path).path());
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write("{}");
}

} // namespace

class TestDemoLauncher : public QObject {
    Q_OBJECT

private slots:
    void findsTheFirstCompleteCandidate() {
        QTemporaryDir root;
        QVERIFY(root.isValid());
        const QString halfDone = root.filePath("half");
        touch(halfDone + "/policy/config.json"); // no reference
        const QString complete = root.filePath("complete");
        touch(complete + "/policy/config.json");
        touch(complete + "/reference/config.json");
        const QString also = root.filePath("also");
        touch(also + "/policy/config.json");
        touch(also + "/reference/config.json");
        QCOMPARE(cl::DemoLauncher::findDemoDir({root.filePath("missing"), halfDone, complete,
                                                also}),
                 QDir(complete).canonicalPath());
        QCOMPARE(cl::DemoLauncher::findDemoDir({halfDone}), QString());
    }

    void filesOfADemo() {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString d = dir.path();
        cl::DemoLauncher::Files files = cl::DemoLauncher::filesIn(d);
        QCOMPARE(files.policy, d + "/policy");
        QCOMPARE(files.reference, d + "/reference");
        QVERIFY(files.pairs.isEmpty());
        QVERIFY(files.logs.isEmpty());
        touch(d + "/pairs.jsonl");
        touch(d + "/dpo_without_sft/trainer_state.json");
        touch(d + "/dpo_from_sft/trainer_state.json");
        files = cl::DemoLauncher::filesIn(d);
        QCOMPARE(files.pairs, d + "/pairs.jsonl");
        QCOMPARE(files.logs, (QStringList{d + "/dpo_from_sft/trainer_state.json",
                                          d + "/dpo_without_sft/trainer_state.json"}));
    }

    void theBundledDemo() {
        // The source tree's resources/demo, as a build-tree run finds it.
        const QString dir = cl::DemoLauncher::demoDir();
        if (dir.isEmpty()) {
            QSKIP("resources/demo is not in this source tree");
        }
        const cl::DemoLauncher::Files files = cl::DemoLauncher::filesIn(dir);
        QVERIFY(QFileInfo::exists(files.policy + "/config.json"));
        QVERIFY(QFileInfo::exists(files.reference + "/config.json"));
        QVERIFY(!files.pairs.isEmpty());
        QCOMPARE(files.logs.size(), 2);
    }
};

QTEST_MAIN(TestDemoLauncher)
#include "tst_demo_launcher.moc"
