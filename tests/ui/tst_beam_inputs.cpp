// The beam GUI's inputs and formatting, no models: width lists, prompt files, stop-string
// escapes, the options form's width/numReturn coupling, the n-best table's cells.
#include "ui/beam/beam_options_form.h"
#include "ui/beam/beam_text.h"
#include "ui/beam/nbest_model.h"
#include "ui/beam/sweep_inputs.h"

#include <QSlider>
#include <QSpinBox>
#include <QTemporaryDir>
#include <QTest>

using namespace cl;

class TestBeamInputs : public QObject {
    Q_OBJECT
private slots:
    void widths_data();
    void widths();
    void promptFiles_data();
    void promptFiles();
    void escapes_data();
    void escapes();
    void formCouplesWidthAndReturn();
    void nbestCells();
    void displayTextKeepsSpans_data();
    void displayTextKeepsSpans();
};

void TestBeamInputs::widths_data() {
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("expected"); // formatted, or "error: <substring>"
    QTest::newRow("default") << "1,2,3,5,8,12,16,20"
                             << "1,2,3,5,8,12,16,20";
    QTest::newRow("spaces") << " 1  2, 3 ,\t32 "
                            << "1,2,3,32";
    QTest::newRow("order kept") << "8,1"
                                << "8,1";
    QTest::newRow("letter") << "1,x"
                            << "error: 'x' is not a whole number";
    QTest::newRow("zero") << "0"
                          << "error: '0' is not a whole number from 1 to 32";
    QTest::newRow("too wide") << "33"
                              << "error: from 1 to 32";
    QTest::newRow("fraction") << "1.5"
                              << "error: '1.5'";
    QTest::newRow("repeat") << "2,3,2"
                            << "error: 2 is listed twice";
    QTest::newRow("empty") << " , "
                           << "error: expected a list";
}

void TestBeamInputs::widths() {
    QFETCH(QString, text);
    QFETCH(QString, expected);
    QString error;
    const auto widths = parseSweepWidths(text, &error);
    if (expected.startsWith("error: ")) {
        QVERIFY(!widths);
        QVERIFY2(error.contains(expected.mid(7)), qPrintable(error));
    } else {
        QVERIFY2(widths, qPrintable(error));
        QCOMPARE(formatSweepWidths(*widths), expected);
    }
}

void TestBeamInputs::promptFiles_data() {
    QTest::addColumn<QString>("name");
    QTest::addColumn<QByteArray>("content");
    QTest::addColumn<QStringList>("expected"); // or {"error", substring}
    QTest::newRow("text lines") << "p.txt" << QByteArray("first\n\n second one\nthird")
                                << QStringList{"first", " second one", "third"};
    QTest::newRow("jsonl") << "p.jsonl"
                           << QByteArray("{\"prompt\": \"a\\nb\"}\n\n\"plain string\"\n")
                           << QStringList{"a\nb", "plain string"};
    QTest::newRow("bad jsonl line") << "p.jsonl" << QByteArray("{\"prompt\": 1}\n")
                                    << QStringList{"error", "p.jsonl:1: expected"};
    QTest::newRow("empty") << "p.txt" << QByteArray("\n \n")
                           << QStringList{"error", "holds no prompts"};
}

void TestBeamInputs::promptFiles() {
    QFETCH(QString, name);
    QFETCH(QByteArray, content);
    QFETCH(QStringList, expected);
    QTemporaryDir tmp;
    QFile f(tmp.filePath(name));
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(content);
    f.close();
    QString error;
    const auto prompts = readSweepPrompts(f.fileName(), &error);
    if (expected.size() == 2 && expected[0] == "error") {
        QVERIFY(!prompts);
        QVERIFY2(error.contains(expected[1]), qPrintable(error));
    } else {
        QVERIFY2(prompts, qPrintable(error));
        QCOMPARE(*prompts, expected);
    }
    QVERIFY(!readSweepPrompts(tmp.filePath("missing.txt"), &error));
    QVERIFY(error.contains("cannot be read"));
}

void TestBeamInputs::escapes_data() {
    QTest::addColumn<QString>("typed");
    QTest::addColumn<QByteArray>("value");
    QTest::newRow("newline") << "\\n" << QByteArray("\n");
    QTest::newRow("mixed") << "a\\tb\\\\n" << QByteArray("a\tb\\n");
    QTest::newRow("unknown escape kept") << "\\q" << QByteArray("\\q");
    QTest::newRow("trailing backslash") << "x\\" << QByteArray("x\\");
    QTest::newRow("plain") << "END" << QByteArray("END");
}

void TestBeamInputs::escapes() {
    QFETCH(QString, typed);
    QFETCH(QByteArray, value);
    const std::string v = BeamOptionsForm::unescape(typed);
    QCOMPARE(QByteArray::fromStdString(v), value);
    QCOMPARE(BeamOptionsForm::unescape(BeamOptionsForm::escape(v)), v); // round trip
}

void TestBeamInputs::formCouplesWidthAndReturn() {
    BeamOptionsForm form;
    BeamOptions o;
    o.width = 6;
    o.numReturn = 6;
    o.maxNewTokens = 33;
    o.minNewTokens = 2;
    o.lengthPenalty = -0.5;
    o.earlyStopping = EarlyStopping::Never;
    o.noRepeatNgram = 3;
    o.stopString = "\n\n";
    form.setOptions(o);
    BeamOptions back = form.options();
    QCOMPARE(back.width, 6);
    QCOMPARE(back.numReturn, 6);
    QCOMPARE(back.maxNewTokens, 33);
    QCOMPARE(back.minNewTokens, 2);
    QCOMPARE(back.lengthPenalty, -0.5);
    QVERIFY(back.earlyStopping == EarlyStopping::Never);
    QCOMPARE(back.noRepeatNgram, 3);
    QCOMPARE(back.stopString, std::string("\n\n"));
    QVERIFY(!back.eosId);
    form.widthSlider()->setValue(3); // the slider drives the spin box, numReturn follows
    QCOMPARE(form.widthSpin()->value(), 3);
    QCOMPARE(form.options().width, 3);
    QCOMPARE(form.options().numReturn, 3);
    form.widthSpin()->setValue(32);
    QCOMPARE(form.widthSlider()->value(), 32);
    form.widthSpin()->setValue(40); // clamped to the contract's 1..32
    QCOMPARE(form.options().width, 32);
}

void TestBeamInputs::nbestCells() {
    ScoredBeam a;
    a.beam.ids = {5, 6, 7};
    a.beam.sumLogprob = -3.14159;
    a.beam.score = -1.0472;
    a.text = "line one\nline\ttwo";
    a.reward = ResponseScore{};
    a.reward->rewardSum = 0.4567;
    ScoredBeam b; // no reference: no reward
    b.beam.ids = {9};
    NBestModel model;
    model.setBeams({a, b});
    QCOMPARE(model.rowCount(), 2);
    QCOMPARE(model.columnCount(), int(NBestModel::ColumnCount));
    QCOMPARE(model.index(0, NBestModel::Rank).data().toInt(), 1);
    QCOMPARE(model.index(0, NBestModel::Text).data().toString(),
             QString("line one") + QChar(0x23CE) + "line" + QChar(0x2192) + "two");
    QCOMPARE(model.index(0, NBestModel::Text).data(Qt::UserRole).toString(),
             QString::fromStdString(a.text));
    QCOMPARE(model.index(0, NBestModel::Length).data().toInt(), 3);
    QCOMPARE(model.index(0, NBestModel::LogLikelihood).data().toString(), QString("-3.142"));
    QCOMPARE(model.index(0, NBestModel::Score).data().toString(), QString("-1.0472"));
    QCOMPARE(model.index(0, NBestModel::RewardSum).data().toString(), QString("0.457"));
    QVERIFY(!model.index(1, NBestModel::RewardSum).data(Qt::UserRole).isValid());
    QCOMPARE(model.headerData(NBestModel::RewardSum, Qt::Horizontal).toString(), QString("Σr"));
    QVERIFY(model.beam(2) == nullptr);
    model.clear();
    QCOMPARE(model.rowCount(), 0);
}

using Spans = QList<QPair<int, int>>;

void TestBeamInputs::displayTextKeepsSpans_data() {
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<Spans>("spans");
    QTest::addColumn<QByteArray>("shown");
    QTest::addColumn<Spans>("shownSpans");
    // "a" ESC "b": ESC (1 byte) becomes U+241B (3 bytes); b moves by 2.
    QTest::newRow("control") << QByteArray("a\x1b"
                                           "b")
                             << Spans{{0, 1}, {1, 2}, {2, 3}}
                             << QByteArray("a\xe2\x90\x9b"
                                           "b")
                             << Spans{{0, 1}, {1, 4}, {4, 5}};
    QTest::newRow("nbsp") << QByteArray("x\xc2\xa0y") << Spans{{0, 1}, {1, 3}, {3, 4}}
                          << QByteArray("x y") << Spans{{0, 1}, {1, 2}, {2, 3}};
    // A lone continuation byte and a cut 3-byte sequence: one U+FFFD per bad byte.
    QTest::newRow("invalid") << QByteArray("\x80z\xe2\x82") << Spans{{0, 1}, {1, 2}, {2, 4}}
                             << QByteArray("\xef\xbf\xbdz\xef\xbf\xbd\xef\xbf\xbd")
                             << Spans{{0, 3}, {3, 4}, {4, 10}};
    // A span ending inside a valid character (byte-level piece) covers all of it.
    QTest::newRow("mid character")
        << QByteArray("\xe2\x82\xac!") << Spans{{0, 1}, {1, 3}, {3, 4}, {4, 4}}
        << QByteArray("\xe2\x82\xac!") << Spans{{0, 3}, {0, 3}, {3, 4}, {4, 4}};
    QTest::newRow("newlines kept, U+2028 mapped")
        << QByteArray("a\nb\te\xe2\x80\xa8") << Spans{{0, 2}, {2, 4}, {4, 8}}
        << QByteArray("a\nb\te\n") << Spans{{0, 2}, {2, 4}, {4, 6}};
}

void TestBeamInputs::displayTextKeepsSpans() {
    QFETCH(QByteArray, text);
    QFETCH(Spans, spans);
    QFETCH(QByteArray, shown);
    QFETCH(Spans, shownSpans);
    ResponseScore score;
    for (const auto& [s, e] : spans) {
        TokenScore t;
        t.start = s;
        t.end = e;
        score.tokens.push_back(t);
    }
    const DisplayText d = displayText(text.toStdString(), score);
    QCOMPARE(QByteArray::fromStdString(d.text), shown);
    Spans got;
    for (const TokenScore& t : d.score.tokens) {
        got.append({static_cast<int>(t.start), static_cast<int>(t.end)});
    }
    QCOMPARE(got, shownSpans);
    // What the widget gets back is what was shown: colors can cover the whole text.
    QCOMPARE(QString::fromUtf8(shown).toUtf8(), shown);
}

QTEST_MAIN(TestBeamInputs)
#include "tst_beam_inputs.moc"
