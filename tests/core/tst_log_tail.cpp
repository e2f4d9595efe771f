// Live reload (issue #8): a growing log is re-read incrementally; half-written lines and
// records wait for the next poll; a rewritten file starts over.

#include "core/logs/log_tail.h"
#include "tst_log_helpers.h"

#include <QTemporaryDir>
#include <QTest>
#include <QThread>

using namespace cl::logs;
using cl::Result;
using cl::test::appendFile;
using cl::test::writeFile;

class TestLogTail : public QObject {
    Q_OBJECT

private slots:
    void jsonlAppendedLinesArePickedUp();
    void csvKeepsHeaderAcrossPolls();
    void truncatedFileStartsOver();
    void tensorboardAppendedRecords();
    void trainerStateRewritten();
    void tensorboardHugeLengthIsNotBuffered();
};

void TestLogTail::jsonlAppendedLinesArePickedUp() {
    QTemporaryDir dir;
    const QString path = writeFile(dir, "trainer_log.jsonl",
                                   "{\"current_steps\": 1, \"loss\": 0.7}\n"
                                   "{\"current_steps\": 2, \"loss\": 0.6}\n{\"current_st");
    LogTail tail(path.toStdString());
    Result<TailUpdate> u = tail.poll();
    QVERIFY2(u.ok(), u.error().c_str());
    QCOMPARE(u->newPoints, std::size_t(2));
    QCOMPARE(tail.run().skippedCount, int64_t(0)); // the half line is not an error yet

    appendFile(path, "eps\": 3, \"loss\": 0.5}\n{\"current_steps\": 4, \"loss\": 0.4}\n");
    u = tail.poll();
    QVERIFY2(u.ok(), u.error().c_str());
    QVERIFY(!u->reset);
    QCOMPARE(u->newPoints, std::size_t(2));
    QCOMPARE(tail.run().find("loss")->steps, std::vector<double>({1, 2, 3, 4}));
    QCOMPARE(tail.run().find("loss")->values, std::vector<double>({0.7, 0.6, 0.5, 0.4}));

    u = tail.poll(); // nothing new
    QVERIFY(u.ok());
    QCOMPARE(u->newPoints, std::size_t(0));
}

void TestLogTail::csvKeepsHeaderAcrossPolls() {
    QTemporaryDir dir;
    const QString path = writeFile(dir, "m.csv", "step,loss\n1,0.5\n");
    LogTail tail(path.toStdString());
    QVERIFY(tail.poll().ok());
    appendFile(path, "2,0.25\n");
    const Result<TailUpdate> u = tail.poll();
    QVERIFY(u.ok());
    QCOMPARE(u->newPoints, std::size_t(1));
    QCOMPARE(tail.run().find("loss")->steps, std::vector<double>({1, 2}));
    QCOMPARE(tail.run().series.size(), std::size_t(1));
}

void TestLogTail::truncatedFileStartsOver() {
    QTemporaryDir dir;
    const QString path = writeFile(dir, "a.jsonl",
                                   "{\"step\": 1, \"loss\": 0.7}\n"
                                   "{\"step\": 2, \"loss\": 0.6}\n");
    LogTail tail(path.toStdString());
    QVERIFY(tail.poll().ok());
    writeFile(dir, "a.jsonl", "{\"step\": 9, \"loss\": 0.1}\n"); // a new run, same file
    const Result<TailUpdate> u = tail.poll();
    QVERIFY(u.ok());
    QVERIFY(u->reset);
    QCOMPARE(tail.run().find("loss")->steps, std::vector<double>({9}));
}

void TestLogTail::tensorboardAppendedRecords() {
    QTemporaryDir dir;
    const std::string second = cl::test::scalarEvent(3.0, 20, "train/loss", 0.5f);
    const QString path =
        writeFile(dir, "events.out.tfevents.1.host",
                  cl::test::bytes(cl::test::fileVersionEvent(1.0) +
                                  cl::test::scalarEvent(2.0, 10, "train/loss", 0.75f) +
                                  second.substr(0, 10)));
    LogTail tail(path.toStdString());
    Result<TailUpdate> u = tail.poll();
    QVERIFY(u.ok());
    QCOMPARE(u->newPoints, std::size_t(1));
    appendFile(path, cl::test::bytes(second.substr(10)));
    u = tail.poll();
    QVERIFY(u.ok());
    QCOMPARE(u->newPoints, std::size_t(1));
    QCOMPARE(tail.run().find("train/loss")->steps, std::vector<double>({10, 20}));
    QCOMPARE(tail.run().skippedCount, int64_t(0));
}

void TestLogTail::trainerStateRewritten() {
    QTemporaryDir dir;
    const QString path = writeFile(dir, "out/trainer_state.json",
                                   "{\"log_history\": [{\"step\": 1, \"loss\": 0.7}]}");
    LogTail tail(dir.filePath("out").toStdString());
    QVERIFY(tail.poll().ok());
    QCOMPARE(tail.run().find("loss")->size(), std::size_t(1));
    writeFile(dir, "out/trainer_state.json",
              "{\"log_history\": [{\"step\": 1, \"loss\": 0.7}, {\"step\": 2, \"loss\": 0.55}]}");
    const Result<TailUpdate> u = tail.poll();
    QVERIFY2(u.ok(), u.error().c_str());
    QVERIFY(u->reset);
    QCOMPARE(tail.run().find("loss")->values, std::vector<double>({0.7, 0.55}));
}

// Issue #18: a record length of 2^40 bytes with a valid length CRC left live reload waiting
// for the record and buffering every appended byte. Now it is skipped with a warning as its
// bytes arrive, and the points before it stay.
void TestLogTail::tensorboardHugeLengthIsNotBuffered() {
    QTemporaryDir dir;
    const std::string frame = cl::test::tfRecord(std::string(4, 'x'));
    std::string huge = frame.substr(0, 12);
    const uint64_t len = uint64_t(1) << 40;
    std::memcpy(huge.data(), &len, 8);
    const uint32_t crc = cl::logs::maskCrc(cl::logs::crc32c(huge.data(), 8));
    std::memcpy(huge.data() + 8, &crc, 4);
    const QString path =
        writeFile(dir, "events.out.tfevents.9.host",
                  cl::test::bytes(cl::test::fileVersionEvent(1.0) +
                                  cl::test::scalarEvent(2.0, 10, "train/loss", 0.75f) + huge +
                                  std::string(1000, 'y')));
    LogTail tail(path.toStdString());
    Result<TailUpdate> u = tail.poll();
    QVERIFY2(u.ok(), u.error().c_str());
    QCOMPARE(tail.run().find("train/loss")->steps, std::vector<double>({10}));
    appendFile(path, QByteArray(1 << 20, 'z'));
    u = tail.poll();
    QVERIFY2(u.ok(), u.error().c_str());
    QCOMPARE(tail.run().skippedCount, int64_t(1));
    QVERIFY(!tail.run().warnings.empty());
    QVERIFY2(tail.run().warnings[0].message.find("over the limit") != std::string::npos,
             tail.run().warnings[0].message.c_str());
}

QTEST_GUILESS_MAIN(TestLogTail)
#include "tst_log_tail.moc"
