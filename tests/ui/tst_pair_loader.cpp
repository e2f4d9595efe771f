// The pair being put together (issue #17 item 4, PairLoader): a load starts only when both
// folders are known, one dropped folder fills the missing side, a failed load is reported.

#include "ui/engine/engine_client.h"
#include "ui/window/pair_loader.h"

#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

class TestPairLoader : public QObject {
    Q_OBJECT

private slots:
    void oneFolderAtATime() {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        cl::EngineClient engine;
        cl::PairLoader pairs(&engine, nullptr);
        QSignalSpy missing(&pairs, &cl::PairLoader::folderMissing);
        QSignalSpy started(&pairs, &cl::PairLoader::loadStarted);
        QSignalSpy failed(&engine, &cl::EngineClient::loadFailed);

        pairs.openFolders({dir.filePath("a")}); // policy first
        QCOMPARE(pairs.policyDir(), dir.filePath("a"));
        QVERIFY(pairs.referenceDir().isEmpty());
        QCOMPARE(missing.size(), 1);
        QVERIFY(missing[0][0].toString().contains("reference folder"));
        QCOMPARE(started.size(), 0);

        pairs.openFolders({dir.filePath("b")}); // then the missing reference
        QCOMPARE(pairs.referenceDir(), dir.filePath("b"));
        QCOMPARE(started.size(), 1);
        QVERIFY(failed.wait(30000)); // not model folders: the engine says why
        QVERIFY(!engine.isLoaded());
    }

    void twoFoldersArePolicyAndReference() {
        cl::EngineClient engine;
        cl::PairLoader pairs(&engine, nullptr);
        QSignalSpy started(&pairs, &cl::PairLoader::loadStarted);
        QSignalSpy failed(&engine, &cl::EngineClient::loadFailed);
        pairs.openFolders({"/nonexistent/p", "/nonexistent/r", "/nonexistent/x"});
        QCOMPARE(pairs.policyDir(), QStringLiteral("/nonexistent/p"));
        QCOMPARE(pairs.referenceDir(), QStringLiteral("/nonexistent/r"));
        QCOMPARE(started.size(), 1);
        QVERIFY(failed.wait(30000));
    }

    void missingPolicyIsAskedFor() {
        cl::EngineClient engine;
        cl::PairLoader pairs(&engine, nullptr);
        QSignalSpy missing(&pairs, &cl::PairLoader::folderMissing);
        pairs.open({}, "/nonexistent/r");
        QCOMPARE(missing.size(), 1);
        QVERIFY(missing[0][0].toString().contains("policy folder"));
        pairs.openFolders({});
        QCOMPARE(missing.size(), 1); // nothing dropped: nothing asked
    }
};

QTEST_MAIN(TestPairLoader)
#include "tst_pair_loader.moc"
