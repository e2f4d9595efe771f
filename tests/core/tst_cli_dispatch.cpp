// The two CLI binaries (issue #19 item 4): creditlens-cli answers --version, tokenize,
// detokenize, logs and chat-render without LibTorch, and hands every other command to
// creditlens-cli-engine; without the engine beside it, a model command is one sentence.
#include "common/cli_process.h"

#include <QFile>
#include <QTemporaryDir>
#include <QtTest>

class TestCliDispatch : public QObject {
    Q_OBJECT
private slots:
    void lightBinaryDoesNotLinkLibTorch();
    void versionAnsweredByTheLightBinary();
    void modelCommandsReachTheEngine();
    void helpListsEveryCommand();
    void missingEngineIsOneSentence();
};

namespace {

QString binary(const QString& name) {
    return QString::fromLocal8Bit(qgetenv("CREDITLENS_BINARY_DIR")) + "/app/cli/" + name;
}

} // namespace

void TestCliDispatch::lightBinaryDoesNotLinkLibTorch() {
    QProcess ldd;
    ldd.start("ldd", {binary("creditlens-cli")});
    QVERIFY(ldd.waitForFinished(30000));
    const QByteArray libs = ldd.readAllStandardOutput();
    QVERIFY2(libs.contains("libc.so"), libs.constData()); // ldd did list the libraries
    QVERIFY2(!libs.contains("libtorch") && !libs.contains("libc10"), libs.constData());
    ldd.start("ldd", {binary("creditlens-cli-engine")});
    QVERIFY(ldd.waitForFinished(30000));
    QVERIFY(ldd.readAllStandardOutput().contains("libtorch"));
}

void TestCliDispatch::versionAnsweredByTheLightBinary() {
    const auto r = cl::test::runCli({"--version"});
    QCOMPARE(r.code, 0);
    QCOMPARE(r.out.trimmed(), QByteArray("creditlens-cli " CREDITLENS_VERSION));
}

void TestCliDispatch::modelCommandsReachTheEngine() {
    // doctor loads LibTorch: only the engine has it. Its report names the LibTorch version.
    const auto r = cl::test::runCli({"doctor"});
    QCOMPARE(r.code, 0);
    QVERIFY2(r.out.contains("libtorch "), r.out.constData());
    // A usage error of an engine command keeps its exit code through the exec.
    QCOMPARE(cl::test::runCli({"score", "--no-such-option"}).code, 2);
}

void TestCliDispatch::helpListsEveryCommand() {
    const auto r = cl::test::runCli({"--help"});
    QCOMPARE(r.code, 0);
    for (const char* command : {"doctor", "tokenize", "logs", "score", "beam", "sweep",
                                "chat-render", "inspect", "serve"}) {
        QVERIFY2(r.out.contains(command), command);
    }
}

void TestCliDispatch::missingEngineIsOneSentence() {
    QTemporaryDir dir;
    const QString alone = dir.path() + "/creditlens-cli";
    QVERIFY(QFile::copy(binary("creditlens-cli"), alone));
    QVERIFY(QFile::setPermissions(alone, QFile::ReadOwner | QFile::ExeOwner));
    QProcess p;
    p.start(alone, {"doctor"});
    QVERIFY(p.waitForFinished(30000));
    QCOMPARE(p.exitStatus(), QProcess::NormalExit);
    QCOMPARE(p.exitCode(), 1);
    const QByteArray err = p.readAllStandardError();
    QVERIFY2(err.contains("creditlens-cli-engine") && err.count('\n') == 1, err.constData());
    p.start(alone, {"--version"}); // what needs no engine still works
    QVERIFY(p.waitForFinished(30000));
    QCOMPARE(p.exitCode(), 0);
}

QTEST_GUILESS_MAIN(TestCliDispatch)
#include "tst_cli_dispatch.moc"
