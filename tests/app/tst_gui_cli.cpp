// Runs the built `creditlens` binary (issue #2): --version, --self-test, usage errors.

#include <QDir>
#include <QProcess>
#include <QProcessEnvironment>
#include <QTest>

class TestGuiCli : public QObject {
    Q_OBJECT

private:
    struct Run {
        int exitCode = -1;
        QString out;
        QString err;
    };

    static Run run(const QStringList& arguments, int timeoutMs = 60000) {
        QProcess process;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert("QT_QPA_PLATFORM", "offscreen");
        env.insert("XDG_CONFIG_HOME", QDir::tempPath() + "/creditlens-tst-gui-cli");
        process.setProcessEnvironment(env);
        process.start(QStringLiteral(CREDITLENS_GUI_BINARY), arguments);
        if (!process.waitForFinished(timeoutMs)) {
            process.kill();
            process.waitForFinished();
            return {};
        }
        Run r;
        r.exitCode = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -2;
        r.out = QString::fromUtf8(process.readAllStandardOutput());
        r.err = QString::fromUtf8(process.readAllStandardError());
        return r;
    }

private slots:
    void version() {
        const Run r = run({"--version"});
        QCOMPARE(r.exitCode, 0);
        QCOMPARE(r.out.trimmed(), QStringLiteral("creditlens " CREDITLENS_VERSION));
        QCOMPARE(QStringLiteral(CREDITLENS_VERSION), QStringLiteral("0.1.0"));
    }

    void selfTest() {
        const Run r = run({"--self-test"});
        if (r.exitCode != 0) {
            qWarning().noquote() << r.out << r.err;
        }
        QCOMPARE(r.exitCode, 0);
        QVERIFY2(r.out.contains("self-test passed"), qPrintable(r.out));
        QVERIFY2(r.out.contains("ok    menu menuFile"), qPrintable(r.out));
        QVERIFY2(r.out.contains("ok    core engine"), qPrintable(r.out));
    }

    void usageErrors_data() {
        QTest::addColumn<QStringList>("arguments");
        QTest::addColumn<QString>("message");
        QTest::newRow("policy without reference") << QStringList{"--policy", "/tmp"} << "--reference";
        QTest::newRow("missing prompt file")
            << QStringList{"--policy", "/a", "--reference", "/b", "--prompt-file", "/no/such"}
            << "--prompt-file";
        QTest::newRow("unknown option") << QStringList{"--no-such-option"} << "no-such-option";
    }

    void usageErrors() {
        QFETCH(QStringList, arguments);
        QFETCH(QString, message);
        const Run r = run(arguments);
        QVERIFY2(r.exitCode != 0, qPrintable(r.out));
        QVERIFY2(r.err.contains(message), qPrintable(r.err));
    }
};

QTEST_GUILESS_MAIN(TestGuiCli)
#include "tst_gui_cli.moc"
