// Preference JSONL for compare mode (issue #6 item 4): parsing with warnings, accuracy.

#include "ui/editor/preference_set.h"

#include <QTest>

class TestPreferenceSet : public QObject {
    Q_OBJECT

private slots:
    void parsesWithWarnings() {
        const QByteArray data = R"({"prompt":"P1","chosen":" good","rejected":" bad"}
not json
{"chosen":"c2","rejected":"r2"}
{"prompt":"P3","chosen":"only chosen"}

{"prompt":[{"role":"user","content":"hi"}],"chosen":[{"role":"assistant","content":"A"}],"rejected":"B"}
)";
        const auto set = cl::PreferenceSet::parse(data, "prefs.jsonl");
        QVERIFY2(set.ok(), set.error().c_str());
        QCOMPARE(set->size(), 3);
        QCOMPARE(set->pairs()[0].chosen, QStringLiteral(" good"));
        QCOMPARE(set->pairs()[1].prompt, QString());
        QCOMPARE(set->pairs()[2].prompt, QStringLiteral("hi"));
        QCOMPARE(set->pairs()[2].chosen, QStringLiteral("A"));
        QCOMPARE(set->warnings().size(), size_t(2));
        QCOMPARE(set->warnings()[0].line, 2);
        QCOMPARE(set->warnings()[1].line, 4);
    }

    void emptyIsError() {
        const auto set = cl::PreferenceSet::parse("{}\n", "empty.jsonl");
        QVERIFY(!set.ok());
        QVERIFY(QString::fromStdString(set.error()).contains("empty.jsonl"));
    }

    void accuracy() {
        auto set = cl::PreferenceSet::parse(
            "{\"chosen\":\"a\",\"rejected\":\"b\"}\n{\"chosen\":\"a\",\"rejected\":\"b\"}\n"
            "{\"chosen\":\"a\",\"rejected\":\"b\"}\n",
            "x");
        QVERIFY(set.ok());
        QCOMPARE(set->accuracy(), 0.0);
        set->setOutcome(0, true);
        set->setOutcome(2, false);
        set->setOutcome(7, true); // ignored
        QCOMPARE(set->scoredCount(), 2);
        QCOMPARE(set->correctCount(), 1);
        QCOMPARE(set->accuracy(), 0.5);
        QVERIFY(!set->outcome(1).has_value());
        set->setOutcome(2, true); // rescoring replaces the outcome
        QCOMPARE(set->accuracy(), 1.0);
    }
};

QTEST_GUILESS_MAIN(TestPreferenceSet)
#include "tst_preference_set.moc"
