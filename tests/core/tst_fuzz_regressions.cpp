// Every input the fuzzers found a defect with (fuzz/regressions/<target>/), and the committed
// seeds (fuzz/corpus/<target>/), fed to the same entry function the fuzzer calls (issue #18).
// Built with the normal compiler, so CI replays the findings without clang or libFuzzer; run it
// under scripts/check-sanitizers to replay them with ASan and UBSan as well.

#include "fuzz/fuzz_entries.h"

#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QTest>

namespace {

const QString kFuzzDir = QStringLiteral(CREDITLENS_SOURCE_DIR "/fuzz");

// One row per file under kFuzzDir/<kind>/<target>/, named <kind>/<target>/<file>.
void addRows(const QString& kind) {
    const QDir root(kFuzzDir + '/' + kind);
    for (const QString& target : root.entryList(QDir::Dirs | QDir::NoDotAndDotDot, QDir::Name)) {
        QDirIterator it(root.filePath(target), QDir::Files, QDirIterator::Subdirectories);
        QStringList files;
        while (it.hasNext()) {
            files << it.next();
        }
        files.sort();
        for (const QString& file : files) {
            QTest::newRow(qPrintable(kind + '/' + target + '/' + QDir(root.filePath(target)).relativeFilePath(file)))
                << target << file;
        }
    }
}

void feed() {
    QFETCH(QString, target);
    QFETCH(QString, file);
    const cl::fuzz::Entry* entry = cl::fuzz::findEntry(target.toStdString());
    QVERIFY2(entry, qPrintable("no fuzz entry named " + target + " (fuzz/fuzz_entries.cpp)"));
    QFile f(file);
    QVERIFY2(f.open(QIODevice::ReadOnly), qPrintable(file));
    const QByteArray data = f.readAll();
    // The entry returns for every input; a crash, a sanitizer report or an escaping exception
    // fails the test (Qt Test reports the exception).
    entry->fn(reinterpret_cast<const uint8_t*>(data.constData()), static_cast<size_t>(data.size()));
}

} // namespace

class TestFuzzRegressions : public QObject {
    Q_OBJECT

private slots:
    void everyTargetHasAnEntry() {
        // fuzz/regressions and fuzz/corpus are named after the targets.
        for (const QString& kind : {QStringLiteral("regressions"), QStringLiteral("corpus")}) {
            const QDir root(kFuzzDir + '/' + kind);
            for (const QString& t : root.entryList(QDir::Dirs | QDir::NoDotAndDotDot)) {
                QVERIFY2(cl::fuzz::findEntry(t.toStdString()),
                         qPrintable(kind + '/' + t + " names no fuzz entry"));
            }
        }
        QCOMPARE(cl::fuzz::findEntry("no_such_target"), nullptr);
        QVERIFY(cl::fuzz::entries().size() >= 15);
    }

    // The findings (fuzz/regressions) and the seeds (fuzz/corpus), so the list is never empty.
    void inputs_data() {
        QTest::addColumn<QString>("target");
        QTest::addColumn<QString>("file");
        addRows(QStringLiteral("regressions"));
        addRows(QStringLiteral("corpus"));
    }
    void inputs() { feed(); }
};

QTEST_GUILESS_MAIN(TestFuzzRegressions)
#include "tst_fuzz_regressions.moc"
