// Session files (issue #6 item 6): round trip, defaults, clear errors for bad input.

#include "ui/session.h"

#include <QTemporaryDir>
#include <QTest>

class TestSession : public QObject {
    Q_OBJECT

private slots:
    void roundTrip() {
        cl::Session s;
        s.policyDir = "/models/policy";
        s.referenceDir = "/models/ref";
        s.prompt = QString::fromUtf8("SUBREDDIT: r/cats\nTITLE: é😀");
        s.response = " The cat sat.";
        s.rejectedResponse = " The cat ran.";
        s.compare = true;
        s.beta = 0.25;
        s.templateName = "raw";
        s.colorPinned = true;
        s.colorLimit = 2.5;
        s.preferencesFile = "/data/prefs.jsonl";
        s.preferenceIndex = 7;
        QTemporaryDir dir;
        const QString path = dir.filePath("a.clsession");
        QVERIFY(s.save(path).ok());
        const auto back = cl::Session::load(path);
        QVERIFY2(back.ok(), back.error().c_str());
        QVERIFY(back.value() == s);
    }

    void defaults() {
        const auto s = cl::Session::fromJson(R"({"format":"creditlens-session","version":1})", "x");
        QVERIFY(s.ok());
        QCOMPARE(s->beta, 0.1);
        QCOMPARE(s->templateName, QStringLiteral("tldr"));
        QVERIFY(!s->compare);
    }

    void errors_data() {
        QTest::addColumn<QByteArray>("json");
        QTest::addColumn<QString>("mentions");
        QTest::newRow("not json") << QByteArray("{oops") << "not valid JSON";
        QTest::newRow("wrong format") << QByteArray(R"({"format":"other"})") << "format";
        QTest::newRow("future version")
            << QByteArray(R"({"format":"creditlens-session","version":99})") << "version";
        QTest::newRow("prompt not string")
            << QByteArray(R"({"format":"creditlens-session","version":1,"prompt":3})") << "prompt";
        QTest::newRow("beta negative")
            << QByteArray(R"({"format":"creditlens-session","version":1,"beta":-1})") << "beta";
    }

    void errors() {
        QFETCH(QByteArray, json);
        QFETCH(QString, mentions);
        const auto s = cl::Session::fromJson(json, "bad.clsession");
        QVERIFY(!s.ok());
        const QString msg = QString::fromStdString(s.error());
        QVERIFY2(msg.contains("bad.clsession") && msg.contains(mentions), qPrintable(msg));
    }

    void missingFile() {
        const auto s = cl::Session::load("/no/such/file.clsession");
        QVERIFY(!s.ok());
        QVERIFY(QString::fromStdString(s.error()).contains("/no/such/file.clsession"));
    }
};

QTEST_GUILESS_MAIN(TestSession)
#include "tst_session.moc"
