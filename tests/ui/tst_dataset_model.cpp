// The Dataset view's pieces without models (issue #17 item 1): the preference-file parser, the
// row numbers, the accuracy interval, the margin histogram, the table's sort and filters, and
// the CSV/JSONL export.
#include "ui/dataset/dataset_chart.h"
#include "ui/dataset/dataset_export.h"
#include "ui/dataset/dataset_file.h"
#include "ui/dataset/dataset_filter.h"
#include "ui/dataset/dataset_model.h"
#include "ui/dataset/dataset_row.h"
#include "ui/dataset/dataset_stats.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QtTest>

#include <numeric>

using namespace cl;

namespace {

ResponseScore scoreOf(const std::vector<std::pair<std::string, double>>& tokens) {
    ResponseScore s;
    int64_t at = 0;
    for (const auto& [text, r] : tokens) {
        TokenScore t;
        t.text = text;
        t.start = at;
        at += static_cast<int64_t>(text.size());
        t.end = at;
        t.reward = r;
        s.tokens.push_back(t);
        s.rewardSum += r;
    }
    return s;
}

/// A file of n pairs, entry i with margin margins[i] (chosen Σr = margin, rejected Σr = 0).
DatasetModel* modelWith(const std::vector<double>& margins, QObject* parent) {
    QByteArray data;
    for (size_t i = 0; i < margins.size(); ++i) {
        data += QJsonDocument(QJsonObject{{"prompt", QString("prompt %1").arg(i)},
                                          {"chosen", QString("good answer %1").arg(i)},
                                          {"rejected", i == 2 ? "a Needle here" : "bad"}})
                    .toJson(QJsonDocument::Compact) +
                '\n';
    }
    auto file = DatasetFile::parse(data, "mem.jsonl");
    auto* model = new DatasetModel(parent);
    model->setFile(std::move(file.value()));
    std::vector<DatasetRow> rows;
    for (size_t i = 0; i < margins.size(); ++i) {
        rows.push_back(makeDatasetRow(static_cast<int>(i), static_cast<qint64>(i + 1),
                                      scoreOf({{"a", margins[i]}}), scoreOf({{"b", 0.0}}),
                                      std::nullopt));
    }
    model->appendRows(std::move(rows));
    return model;
}

std::vector<int> entriesShown(const DatasetFilter& f) {
    std::vector<int> out;
    for (int i = 0; i < f.rowCount(); ++i) {
        out.push_back(f.data(f.index(i, DatasetModel::Index), DatasetModel::kSortRole).toInt() - 1);
    }
    return out;
}

} // namespace

class TestDatasetModel : public QObject {
    Q_OBJECT
private slots:
    void parsesPairsSpansAndLineNumbers() {
        const QByteArray data = "{\"prompt\":\"p\",\"chosen\":\"c\",\"rejected\":\"r x\","
                                "\"rejected_error_spans\":[[2,3]]}\n"
                                "\n"
                                "not json\n"
                                "{\"prompt\":\"p2\",\"chosen\":\"c2\"}\n"
                                "{\"prompt\":\"p3\",\"chosen\":\"c3\",\"rejected\":\"r3\"}\n";
        auto f = DatasetFile::parse(data, "f.jsonl");
        QVERIFY2(f.ok(), f.error().c_str());
        QCOMPARE(f->entries().size(), size_t(2));
        QCOMPARE(f->entries()[0].line, 1);
        QCOMPARE(f->entries()[1].line, 5); // std::getline's numbering, blank lines counted
        QVERIFY(f->hasErrorSpans());
        QCOMPARE(f->entries()[0].rejectedErrorSpans->at(0), std::make_pair(qint64(2), qint64(3)));
        QVERIFY(!f->entries()[1].rejectedErrorSpans);
        QCOMPARE(f->warnings().size(), size_t(2));
        QCOMPARE(f->warnings()[0].line, 3);
        QVERIFY(QString::fromStdString(f->warnings()[1].message).contains("rejected"));
        QCOMPARE(f->indexOfLine(5), 1);
        QCOMPARE(f->indexOfLine(3), -1);
    }

    void refusesConversationalLayout() {
        const QByteArray data = "{\"chosen\":[{\"role\":\"user\",\"content\":\"hi\"},"
                                "{\"role\":\"assistant\",\"content\":\"yo\"}],"
                                "\"rejected\":[{\"role\":\"user\",\"content\":\"hi\"}]}\n";
        auto f = DatasetFile::parse(data, "chat.jsonl");
        QVERIFY(!f.ok());
        QVERIFY2(QString::fromStdString(f.error()).contains("conversational"), f.error().c_str());
        QVERIFY(QString::fromStdString(f.error()).contains("chat.jsonl line 1"));
    }

    void refusesFileWithoutPairs() {
        auto f = DatasetFile::parse("{\"prompt\":\"p\",\"response\":\"r\"}\n", "single.jsonl");
        QVERIFY(!f.ok());
        QVERIFY(QString::fromStdString(f.error()).contains("single.jsonl"));
    }

    void rowNumbers() {
        // rejected "I am a principal dev": the lowest token " principal" at bytes [6, 16).
        const ResponseScore chosen = scoreOf({{"I", 0.1}, {" am", -0.2}, {"</s>", 0.05}});
        const ResponseScore rejected =
            scoreOf({{"I", 0.0}, {" am a", 0.1}, {" principal", -0.9}, {" dev", -0.1}});
        const std::vector<std::pair<qint64, qint64>> hit{{8, 12}}, miss{{0, 6}};
        DatasetRow row = makeDatasetRow(3, 9, chosen, rejected, hit);
        QCOMPARE(row.entry, 3);
        QCOMPARE(row.line, 9);
        QCOMPARE(row.sumChosen, chosen.rewardSum);
        QCOMPARE(row.sumRejected, rejected.rewardSum);
        QCOMPARE(row.margin, chosen.rewardSum - rejected.rewardSum);
        QCOMPARE(row.pChosen, bradleyTerry(chosen.rewardSum, rejected.rewardSum));
        QVERIFY(row.correct);
        QCOMPARE(row.lowestChosen.text, QString(" am"));
        QCOMPARE(row.lowestChosen.position, 1);
        QCOMPARE(row.lowestChosen.reward, -0.2);
        QCOMPARE(row.lowestRejected.text, QString(" principal"));
        QCOMPARE(row.lowestRejected.position, 2);
        QCOMPARE(row.tokensChosen, 3);
        QCOMPARE(row.tokensRejected, 4);
        QCOMPARE(row.lowestInErrorSpan, std::optional<bool>(true));
        QCOMPARE(makeDatasetRow(0, 1, chosen, rejected, miss).lowestInErrorSpan,
                 std::optional<bool>(false));
        QVERIFY(!makeDatasetRow(0, 1, chosen, rejected, std::nullopt).lowestInErrorSpan);
        // A margin of 0 is not a correct ranking (as scoreJsonl counts accuracy).
        QVERIFY(!makeDatasetRow(0, 1, chosen, chosen, std::nullopt).correct);
    }

    void wilsonInterval_data() {
        QTest::addColumn<int>("correct");
        QTest::addColumn<int>("pairs");
        QTest::addColumn<double>("lo");
        QTest::addColumn<double>("hi");
        // Reference values from the closed form in double (Python), z = Φ⁻¹(0.975).
        QTest::newRow("199/200") << 199 << 200 << 0.972226295602 << 0.999116831284;
        QTest::newRow("10/10") << 10 << 10 << 0.722467200137 << 1.0;
        QTest::newRow("5/10") << 5 << 10 << 0.236593090513 << 0.763406909487;
        QTest::newRow("0/3") << 0 << 3 << 0.0 << 0.561497031755;
        QTest::newRow("none") << 0 << 0 << 0.0 << 1.0;
    }
    void wilsonInterval() {
        QFETCH(int, correct);
        QFETCH(int, pairs);
        QFETCH(double, lo);
        QFETCH(double, hi);
        const AccuracyInterval a = cl::wilsonInterval(correct, pairs);
        QVERIFY2(std::abs(a.lo - lo) < 1e-11, qPrintable(QString::number(a.lo, 'g', 15)));
        QVERIFY2(std::abs(a.hi - hi) < 1e-11, qPrintable(QString::number(a.hi, 'g', 15)));
        QCOMPARE(a.accuracy, pairs ? double(correct) / pairs : 0.0);
        QVERIFY(a.lo <= a.accuracy + 1e-15 && (pairs == 0 || a.accuracy <= a.hi + 1e-15));
    }

    void accuracyText() {
        QCOMPARE(DatasetChart::accuracyText(cl::wilsonInterval(199, 200)),
                 QString("accuracy 99.5% (199 / 200)\n95% Wilson interval [97.2%, 99.9%]"));
        QCOMPARE(DatasetChart::accuracyText(cl::wilsonInterval(0, 0)), QString("no pairs scored"));
    }

    void histogramHasZeroOnAnEdge() {
        const std::vector<double> v{-0.35, -0.1, 0.0, 0.2, 1.0, 2.9, 3.0};
        const MarginHistogram h = makeMarginHistogram(v, 10);
        QCOMPARE(std::accumulate(h.counts.begin(), h.counts.end(), 0), int(v.size()));
        bool zeroEdge = false;
        for (size_t i = 0; i < h.lefts.size(); ++i) {
            zeroEdge = zeroEdge || std::abs(h.lefts[i]) < 1e-12;
            if (i > 0) {
                QVERIFY(std::abs(h.lefts[i] - h.lefts[i - 1] - h.width) < 1e-12);
            }
        }
        QVERIFY(zeroEdge);
        QVERIFY(h.lefts.front() <= -0.35 && h.lefts.back() + h.width > 3.0);
        // Bins left of 0 hold exactly the two negative margins.
        int negative = 0;
        for (size_t i = 0; i < h.lefts.size(); ++i) {
            negative += h.lefts[i] < 0 ? h.counts[i] : 0;
        }
        QCOMPARE(negative, 2);
        QVERIFY(makeMarginHistogram({}).counts.empty());
    }

    void sortsNumericallyAndFilters() {
        QObject owner;
        DatasetModel* model = modelWith({0.5, -1.0, 10.0, 2.0, -0.2, 0.05}, &owner);
        DatasetFilter filter;
        filter.setSourceModel(model);
        filter.sort(DatasetModel::Margin, Qt::AscendingOrder);
        // Numeric, not textual: "10.0000" sorts last, "-1.0000" first.
        QCOMPARE(entriesShown(filter), (std::vector<int>{1, 4, 5, 0, 3, 2}));
        filter.setMisrankedOnly(true);
        QCOMPARE(entriesShown(filter), (std::vector<int>{1, 4}));
        filter.setMisrankedOnly(false);
        filter.setMarginBelow(0.5); // strictly below
        QCOMPARE(entriesShown(filter), (std::vector<int>{1, 4, 5}));
        filter.setMarginBelow(std::nullopt);
        filter.setSearchText("needle"); // any case, in the rejected text of entry 2
        QCOMPARE(entriesShown(filter), (std::vector<int>{2}));
        filter.setSearchText("PROMPT 3");
        QCOMPARE(entriesShown(filter), (std::vector<int>{3}));
        filter.setSearchText({});
        filter.sort(DatasetModel::PChosen, Qt::DescendingOrder);
        QCOMPARE(entriesShown(filter), (std::vector<int>{2, 3, 0, 5, 4, 1}));
        QCOMPARE(filter.rowCount(), 6);
    }

    void editedRowReplacesNumbersAndTexts() {
        QObject owner;
        DatasetModel* model = modelWith({0.5, -1.0}, &owner);
        QSignalSpy changed(model, &QAbstractItemModel::dataChanged);
        DatasetRow row =
            makeDatasetRow(1, 2, scoreOf({{"x", 3.0}}), scoreOf({{"y", 1.0}}), std::nullopt);
        row.edited = true;
        QVERIFY(model->replaceRow(row, "p", "c", "r"));
        QCOMPARE(changed.count(), 1);
        QCOMPARE(model->rowAt(1).margin, 2.0);
        QVERIFY(model->rowAt(1).correct);
        QCOMPARE(model->entryOf(1).rejected, QString("r"));
        QVERIFY(model->data(model->index(1, DatasetModel::Index)).toString().contains("✎"));
        row.entry = 7;
        QVERIFY(!model->replaceRow(row, "p", "c", "r"));
    }

    void exportsCsvAndJsonl() {
        QObject owner;
        DatasetModel* model = modelWith({0.125, -1.0 / 3.0}, &owner);
        const QStringList csv = DatasetExport::toCsv(*model, {1, 0}).trimmed().split('\n');
        QCOMPARE(csv.size(), 3);
        QVERIFY(
            csv[0].startsWith("line,index,sum_r_chosen,sum_r_rejected,margin,p_chosen,correct"));
        QVERIFY(csv[0].endsWith("lowest_rejected_in_error_span,edited"));
        const QStringList first = csv[1].split(',');
        QCOMPARE(first[0], QString("2"));          // line
        QCOMPARE(first[4].toDouble(), -1.0 / 3.0); // margin round-trips exactly
        QCOMPARE(first[6], QString("false"));      // correct
        QCOMPARE(csv[2].split(',')[6], QString("true"));
        const QStringList jsonl = DatasetExport::toJsonl(*model, {0, 1}).trimmed().split('\n');
        QCOMPARE(jsonl.size(), 2);
        const QJsonObject o = QJsonDocument::fromJson(jsonl[1].toUtf8()).object();
        QCOMPARE(o.value("margin").toDouble(), -1.0 / 3.0);
        QCOMPARE(o.value("index").toInt(), 2);
        QCOMPARE(o.value("rejected").toString(), QString("bad"));
        QVERIFY(o.value("lowest_rejected_in_error_span").isNull());
        QTemporaryDir dir;
        QString error;
        QVERIFY2(DatasetExport::write(*model, {0, 1}, dir.filePath("t.csv"), &error),
                 qPrintable(error));
        QVERIFY(!DatasetExport::write(*model, {0, 1}, dir.filePath("t.xlsx"), &error));
        QVERIFY(error.contains(".csv"));
    }
};

QTEST_MAIN(TestDatasetModel)
#include "tst_dataset_model.moc"
