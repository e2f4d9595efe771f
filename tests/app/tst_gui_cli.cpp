// Runs the built `creditlens` binary (issue #2): --version, --self-test, usage errors.

#include <QDir>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QProcessEnvironment>
#include <QTemporaryDir>
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

    // Issue #18 item 4: kill -9 the GUI while the user types without a pause; the next start
    // offers back everything typed up to one second before the kill. (An autosave that waited
    // for a 1.5 s pause in typing saved nothing here.)
    void autosaveSurvivesSigkill() {
        QTemporaryDir home;
        QVERIFY(home.isValid());
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert("QT_QPA_PLATFORM", "offscreen");
        env.insert("XDG_CONFIG_HOME", home.filePath("config"));
        env.insert("XDG_DATA_HOME", home.filePath("data"));
        const QString before = "The answer is forty-two, because ";
        const QString after = "the question was never asked in the first place, and nobody "
                              "in the whole galaxy seems to have noticed that, which is odd "
                              "when you think about it for long enough.";
        QProcess gui;
        gui.setProcessEnvironment(env);
        gui.start(QStringLiteral(CREDITLENS_GUI_BINARY),
                  {"--type", before + after, "--type-interval", "25"});
        QVERIFY(gui.waitForStarted(60000));
        // Wait until `before` is typed, then keep the process typing for more than a second.
        const QString typedBefore = QString("typed %1\n").arg(before.size());
        QString out;
        while (!out.contains(typedBefore)) {
            QVERIFY2(gui.waitForReadyRead(60000), qPrintable(out));
            out += QString::fromUtf8(gui.readAllStandardOutput());
        }
        QTest::qWait(1200);
        out += QString::fromUtf8(gui.readAllStandardOutput());
        QVERIFY2(!out.contains(QString("typed %1\n").arg(before.size() + after.size())),
                 "still typing when killed");
        gui.kill(); // SIGKILL: no close event, no clean-up
        QVERIFY(gui.waitForFinished(60000));
        QCOMPARE(gui.exitStatus(), QProcess::CrashExit);

        QProcess again;
        again.setProcessEnvironment(env);
        again.start(QStringLiteral(CREDITLENS_GUI_BINARY), {"--restore-autosave-and-print"});
        QVERIFY(again.waitForFinished(60000));
        QCOMPARE(again.exitCode(), 0);
        const QJsonObject offered =
            QJsonDocument::fromJson(again.readAllStandardOutput()).object();
        QVERIFY2(offered.value("offered").toBool(), "no autosave was offered back");
        const QString response = offered.value("response").toString();
        QVERIFY2(response.startsWith(before), qPrintable(response));
        QVERIFY2((before + after).startsWith(response), qPrintable(response));
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
