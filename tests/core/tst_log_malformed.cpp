// Malformed and truncated logs: skipped lines are counted and reported with their line
// (record) numbers, good lines around them are kept, nothing crashes (issue #8).

#include "core/logs/log_reader.h"
#include "tst_log_helpers.h"

#include <QRandomGenerator>
#include <QTemporaryDir>
#include <QTest>

using namespace cl::logs;
using cl::Result;
using cl::test::writeFile;

namespace {

QString lines(const LogRun& run) {
    QStringList out;
    for (const cl::ParseWarning& w : run.warnings) {
        out << QString::number(w.line);
    }
    return out.join(',');
}

} // namespace

class TestLogMalformed : public QObject {
    Q_OBJECT

private slots:
    void skipsBadLines_data();
    void skipsBadLines();
    void tensorboardBadChecksumAndTruncation();
    void tensorboardBrokenLengthStopsCleanly();
    void tensorboardHalfBf16AndPackedScalars();
    void trainerStateErrors_data();
    void trainerStateErrors();
    void randomBytesNeverCrash();
    void cancelFromProgress();
    void missingPathIsAnError();
};

void TestLogMalformed::skipsBadLines_data() {
    QTest::addColumn<QString>("file");
    QTest::addColumn<QByteArray>("content");
    QTest::addColumn<int>("format");
    QTest::addColumn<QString>("key");
    QTest::addColumn<int>("points");
    QTest::addColumn<int>("skipped");
    QTest::addColumn<QString>("warningLines");

    QTest::newRow("jsonl truncated last line")
        << "a.jsonl"
        << QByteArray(
               "{\"step\": 1, \"loss\": 0.5}\n{\"step\": 2, \"loss\": 0.4}\n{\"step\": 3, \"lo")
        << int(Format::Jsonl) << "loss" << 2 << 1 << "3";
    QTest::newRow("jsonl garbage in the middle")
        << "b.jsonl"
        << QByteArray("{\"step\": 1, \"loss\": 0.5}\nnot json\n{\"step\": 2 \"loss\": 1}\n"
                      "[1,2]\n{\"step\": 5, \"loss\": 0.25}\n")
        << int(Format::Jsonl) << "loss" << 2 << 3 << "2,3,4";
    // Issue #18: a bracket closed by the wrong kind was accepted.
    QTest::newRow("jsonl [1} is not JSON")
        << "b2.jsonl"
        << QByteArray("{\"step\": 1, \"loss\": 0.5}\n{\"step\": 2, \"loss\": 0.4, \"a\": [1}}\n"
                      "{\"step\": 3, \"loss\": 0.25, \"b\": [{\"c\": [1]}, \"]}\"]}\n")
        << int(Format::Jsonl) << "loss" << 2 << 1 << "2";
    // Issue #18: an unpaired surrogate escape was written out as invalid UTF-8 (CESU bytes).
    QTest::newRow("jsonl lone surrogate becomes U+FFFD with a warning")
        << "b3.jsonl" << QByteArray("{\"step\": 1, \"x\\uD800y\": 0.5}\n")
        << int(Format::Jsonl) << QString::fromUtf8("x\xEF\xBF\xBDy") << 1 << 0 << "1";
    QTest::newRow("csv wrong field count")
        << "c.csv" << QByteArray("step,loss\n1,0.5\n2\n3,0.25,9\n4,0.125\n") << int(Format::Csv)
        << "loss" << 2 << 2 << "3,4";
    QTest::newRow("csv non-numeric cell is warned, row kept")
        << "d.csv" << QByteArray("step,loss,acc\n1,abc,0.5\n2,0.25,0.75\n") << int(Format::Csv)
        << "acc" << 2 << 0 << "2";
    QTest::newRow("dpo stdout cut-off dict")
        << "e.log"
        << QByteArray("train stats after 64 examples: {'loss/train': '0.69'}\n"
                      "train stats after 128 examples: {'loss/train': '0.6\n"
                      "eval after x: {}\n"
                      "train stats after 192 examples: {'loss/train': '0.5'}\n")
        << int(Format::DpoStdout) << "loss/train" << 2 << 2 << "2,3";
}

void TestLogMalformed::skipsBadLines() {
    QFETCH(QString, file);
    QFETCH(QByteArray, content);
    QFETCH(int, format);
    QFETCH(QString, key);
    QFETCH(int, points);
    QFETCH(int, skipped);
    QFETCH(QString, warningLines);
    QTemporaryDir dir;
    const QString path = writeFile(dir, file, content);
    const Result<LogRun> run = readLog(path.toStdString(), Format(format));
    QVERIFY2(run.ok(), run.error().c_str());
    const Series* s = run->find(key.toStdString());
    QVERIFY(s);
    QCOMPARE(int(s->size()), points);
    QCOMPARE(int(run->skippedCount), skipped);
    QCOMPARE(lines(*run), warningLines);
    for (const cl::ParseWarning& w : run->warnings) {
        QVERIFY(!w.message.empty());
    }
}

void TestLogMalformed::tensorboardBadChecksumAndTruncation() {
    QTemporaryDir dir;
    std::string file = cl::test::fileVersionEvent(1.0);
    file += cl::test::scalarEvent(2.0, 1, "train/loss", 0.5f);
    std::string bad = cl::test::scalarEvent(3.0, 2, "train/loss", 0.4f);
    bad[bad.size() - 6] ^= 0x5A; // corrupt the payload: data CRC no longer matches
    file += bad;
    file += cl::test::scalarEvent(4.0, 3, "train/loss", 0.25f);
    const std::string last = cl::test::scalarEvent(5.0, 4, "train/loss", 0.125f);
    file += last.substr(0, last.size() - 7); // cut off mid-record
    const QString path = writeFile(dir, "events.out.tfevents.1.host", cl::test::bytes(file));
    const Result<LogRun> run = readLog(path.toStdString());
    QVERIFY2(run.ok(), run.error().c_str());
    const Series* s = run->find("train/loss");
    QVERIFY(s);
    QCOMPARE(s->steps, std::vector<double>({1, 3}));
    QCOMPARE(int(run->skippedCount), 2);
    QCOMPARE(lines(*run), QString("3,5"));
    QVERIFY(run->warnings.size() >= 2);
    QVERIFY(run->warnings[0].message.find("checksum") != std::string::npos);
    QVERIFY(run->warnings[1].message.find("truncated") != std::string::npos);
}

void TestLogMalformed::tensorboardBrokenLengthStopsCleanly() {
    QTemporaryDir dir;
    std::string file = cl::test::scalarEvent(2.0, 1, "train/loss", 0.5f);
    std::string bad = cl::test::scalarEvent(3.0, 2, "train/loss", 0.4f);
    bad[0] ^= 0x7F; // the length is now wrong and its CRC says so
    file += bad + cl::test::scalarEvent(4.0, 3, "train/loss", 0.25f);
    const QString path = writeFile(dir, "events.out.tfevents.2.host", cl::test::bytes(file));
    const Result<LogRun> run = readLog(path.toStdString());
    QVERIFY2(run.ok(), run.error().c_str());
    QCOMPARE(run->find("train/loss")->steps, std::vector<double>({1}));
    QCOMPARE(int(run->skippedCount), 1);
    QCOMPARE(lines(*run), QString("2"));
}

namespace {

/// An Event whose value `tag` is the given TensorProto, with the "scalars" plugin metadata.
std::string scalarTensorEvent(int64_t step, const std::string& tag, const cl::test::Proto& t) {
    cl::test::Proto pluginData;
    pluginData.bytesField(1, "scalars");
    cl::test::Proto metadata;
    metadata.bytesField(1, pluginData.bytes);
    cl::test::Proto value;
    value.bytesField(1, tag);
    value.bytesField(8, t.bytes);
    value.bytesField(9, metadata.bytes);
    cl::test::Proto summary;
    summary.bytesField(1, value.bytes);
    cl::test::Proto event;
    event.doubleField(1, 1.0 + double(step));
    event.int64Field(2, step);
    event.bytesField(5, summary.bytes);
    return cl::test::tfRecord(event.bytes);
}

} // namespace

// Issue #18: packed int_val, float16 (half_val) and bfloat16 (tensor_content) scalars were
// dropped without a word; now they are read, and a scalar that holds several values is warned.
void TestLogMalformed::tensorboardHalfBf16AndPackedScalars() {
    cl::test::Proto half; // DT_HALF, half_val packed: 0x3800 = 0.5
    half.int64Field(1, 19);
    cl::test::Proto halfBits;
    halfBits.varint(0x3800);
    half.bytesField(13, halfBits.bytes);
    cl::test::Proto bf16; // DT_BFLOAT16, tensor_content: 0x3F40 = 0.75
    bf16.int64Field(1, 14);
    bf16.bytesField(4, std::string("\x40\x3F", 2));
    cl::test::Proto packedInt; // DT_INT32, int_val packed: 7
    packedInt.int64Field(1, 3);
    cl::test::Proto sevens;
    sevens.varint(7);
    packedInt.bytesField(7, sevens.bytes);
    cl::test::Proto three; // DT_FLOAT, three float_val: not a scalar
    three.int64Field(1, 1);
    three.bytesField(5, std::string(12, '\0'));
    const std::string file = cl::test::fileVersionEvent(1.0) + scalarTensorEvent(1, "h", half) +
                             scalarTensorEvent(1, "b", bf16) + scalarTensorEvent(1, "i", packedInt) +
                             scalarTensorEvent(1, "v", three) + scalarTensorEvent(2, "v", three);
    QTemporaryDir dir;
    const QString path = writeFile(dir, "events.out.tfevents.3.host", cl::test::bytes(file));
    const Result<LogRun> run = readLog(path.toStdString());
    QVERIFY2(run.ok(), run.error().c_str());
    QVERIFY(run->find("h"));
    QCOMPARE(run->find("h")->values, std::vector<double>({0.5}));
    QVERIFY(run->find("b"));
    QCOMPARE(run->find("b")->values, std::vector<double>({0.75}));
    QVERIFY(run->find("i"));
    QCOMPARE(run->find("i")->values, std::vector<double>({7}));
    QVERIFY(!run->find("v"));
    QCOMPARE(int(run->warnings.size()), 1); // once per tag
    QVERIFY2(run->warnings[0].message.find("'v' holds 3 values") != std::string::npos,
             run->warnings[0].message.c_str());
}

void TestLogMalformed::trainerStateErrors_data() {
    QTest::addColumn<QByteArray>("content");
    QTest::addColumn<bool>("ok");
    QTest::addColumn<int>("skipped");
    QTest::addColumn<QString>("mentions");
    QTest::newRow("cut off") << QByteArray("{\"log_history\": [{\"step\": 1, \"loss\"") << false
                             << 0 << "not valid JSON";
    QTest::newRow("no log_history")
        << QByteArray("{\"global_step\": 3}") << false << 0 << "log_history";
    QTest::newRow("bad entries") << QByteArray("{\"log_history\": [1, {\"loss\": 2}, "
                                               "{\"step\": 3, \"loss\": 0.5}]}")
                                 << true << 2 << "log_history[1]";
}

void TestLogMalformed::trainerStateErrors() {
    QFETCH(QByteArray, content);
    QFETCH(bool, ok);
    QFETCH(int, skipped);
    QFETCH(QString, mentions);
    QTemporaryDir dir;
    const QString path = writeFile(dir, "trainer_state.json", content);
    const Result<LogRun> run = readLog(path.toStdString());
    QCOMPARE(run.ok(), ok);
    if (!ok) {
        QVERIFY2(QString::fromStdString(run.error()).contains(mentions), run.error().c_str());
        QVERIFY(QString::fromStdString(run.error()).contains("trainer_state.json"));
        return;
    }
    QCOMPARE(int(run->skippedCount), skipped);
    QVERIFY(run->warnings.size() >= 2);
    QVERIFY(QString::fromStdString(run->warnings[1].message).contains(mentions));
    QCOMPARE(run->find("loss")->steps, std::vector<double>({3}));
}

void TestLogMalformed::randomBytesNeverCrash() {
    QTemporaryDir dir;
    QRandomGenerator rng(8);
    const std::string valid = cl::test::scalarEvent(2.0, 1, "train/loss", 0.5f);
    for (int round = 0; round < 200; ++round) {
        QByteArray junk(int(rng.bounded(1, 400)), '\0');
        for (char& c : junk) {
            c = char(rng.bounded(256));
        }
        if (round % 2 == 0) {
            junk.prepend(cl::test::bytes(valid)); // a good record, then noise
        }
        const QString path = writeFile(dir, "junk.bin", junk);
        for (Format f : {Format::Jsonl, Format::Csv, Format::TensorBoard, Format::DpoStdout,
                         Format::TrainerState}) {
            const Result<LogRun> run = readLog(path.toStdString(), f);
            if (run.ok() && f == Format::TensorBoard && round % 2 == 0) {
                QVERIFY(run->find("train/loss")); // the good record survives the noise
            }
        }
    }
}

void TestLogMalformed::cancelFromProgress() {
    QTemporaryDir dir;
    QByteArray big;
    for (int i = 0; i < 300000; ++i) {
        big += "{\"step\": " + QByteArray::number(i) + ", \"loss\": 0.5}\n";
    }
    const QString path = writeFile(dir, "big.jsonl", big);
    int calls = 0;
    int64_t total = 0;
    const Result<LogRun> run =
        readLog(path.toStdString(), Format::Auto, [&](const cl::Progress& p) {
            ++calls;
            total = p.total;
            return false;
        });
    QCOMPARE(total, int64_t(big.size()));
    QVERIFY(!run.ok());
    QCOMPARE(run.error(), std::string(cl::kCancelledMessage));
    QCOMPARE(calls, 1);
}

void TestLogMalformed::missingPathIsAnError() {
    const Result<LogRun> run = readLog("/nonexistent/creditlens/run");
    QVERIFY(!run.ok());
    QVERIFY(run.error().find("/nonexistent/creditlens/run") != std::string::npos);
}

QTEST_GUILESS_MAIN(TestLogMalformed)
#include "tst_log_malformed.moc"
