// Per-token data export (issue #6 item 5): CSV, JSON and HTML carry every token's numbers.

#include "ui/editor/token_data_export.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

namespace {

cl::FigurePanel sample() {
    cl::FigurePanel p;
    p.title = "chosen";
    p.text = "Hi, \"you\"";
    const std::vector<std::tuple<std::string, int, int, double>> toks = {
        {"Hi", 0, 2, 0.5}, {",", 2, 3, -0.25}, {" \"you\"", 3, 9, 0.125}};
    for (const auto& [text, a, b, r] : toks) {
        cl::TokenScore t;
        t.text = text;
        t.start = a;
        t.end = b;
        t.reward = r;
        t.logpPolicy = -2.0;
        t.logpRef = -2.0 - r / 0.1;
        p.score.tokens.push_back(t);
        p.score.rewardSum += r;
    }
    cl::TokenScore eos;
    eos.start = eos.end = 9;
    eos.isEos = true;
    eos.id = 0;
    eos.reward = -1.5;
    p.score.tokens.push_back(eos);
    p.score.rewardSum += eos.reward;
    return p;
}

} // namespace

class TestTokenDataExport : public QObject {
    Q_OBJECT

private slots:
    void csv() {
        const QByteArray csv = cl::TokenDataExport::toCsv({sample()});
        const QList<QByteArray> lines = csv.trimmed().split('\n');
        QCOMPARE(lines.size(), 5);
        QVERIFY(lines[0].startsWith("response,index,id,token,"));
        QVERIFY2(lines[2].contains("\",\""), lines[2].constData()); // comma token is quoted
        QVERIFY2(lines[3].contains("\" \"\"you\"\"\""), lines[3].constData());
        QVERIFY(lines[4].endsWith(",1")); // EOS flag
        QVERIFY(lines[4].contains(",-1.125,")); // cumulative 0.5-0.25+0.125-1.5
    }

    void json() {
        const QJsonDocument doc = QJsonDocument::fromJson(cl::TokenDataExport::toJson({sample()}));
        const QJsonArray responses = doc.object().value("responses").toArray();
        QCOMPARE(responses.size(), 1);
        const QJsonObject r = responses[0].toObject();
        QCOMPARE(r.value("tokens").toArray().size(), 4);
        QCOMPARE(r.value("reward_sum").toDouble(), -1.125);
        QCOMPARE(r.value("tokens").toArray()[1].toObject().value("reward").toDouble(), -0.25);
    }

    void html() {
        const QString html = cl::TokenDataExport::toHtml({sample()}, 1.0);
        QCOMPARE(html.count("<span"), 3);
        QVERIFY(html.contains("&quot;you&quot;"));
        QVERIFY(html.contains("background-color:#"));
    }

    void save() {
        QTemporaryDir dir;
        QVERIFY(cl::TokenDataExport::save(dir.filePath("t.csv"), {sample()}));
        QVERIFY(cl::TokenDataExport::save(dir.filePath("t.json"), {sample()}));
        QString error;
        QVERIFY(!cl::TokenDataExport::save(dir.filePath("t.xls"), {sample()}, &error));
        QVERIFY(error.contains("xls"));
    }
};

QTEST_GUILESS_MAIN(TestTokenDataExport)
#include "tst_token_data_export.moc"
