// The sentencepiece bridge inside a process that also runs LibTorch (issue #2 item 8; DESIGN.md
// platform fact 2): linking libsentencepiece next to libtorch crashes before main(), so the
// bridge is dlopen'ed with RTLD_DEEPBIND. This executable links creditlens_engine (LibTorch),
// trains a tiny model in a temp dir (the bridge's trainer, else the spm_train program), encodes
// and decodes with byte offsets, cross-checks the ids with the spm_encode program, and checks
// that LibTorch still computes correctly before and after.
#include "core/engine/runtime.h"
#include "core/text/spm_library.h"
#include "core/text/spm_tokenizer.h"
#include "core/text/tokenizer.h"

#include "tst_tokenizer_helpers.h"

#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QtTest>

class TestSpmBridge : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void torchWorksBefore();
    void trainsEncodesDecodes();
    void matchesSpmEncodeProgram();
    void torchWorksAfter();

private:
    QTemporaryDir m_dir;
    QString m_model;
    std::unique_ptr<cl::Tokenizer> m_tok;
};

namespace {

/// Deterministic English-like corpus (a fixed word list, an LCG for the order).
std::string corpus() {
    const char* words[] = {"the",   "cat",  "sat", "on",    "a",           "mat",     "and",
                           "dog",   "ran",  "to",  "park",  "with",        "little",  "girl",
                           "named", "Lily", "she", "loved", "play",        "outside", "sun",
                           "was",   "warm", "day", "happy", "w\xC3\xB6rld"};
    std::string out;
    uint32_t state = 12345;
    for (int line = 0; line < 400; ++line) {
        for (int w = 0; w < 12; ++w) {
            state = state * 1664525u + 1013904223u;
            out += words[(state >> 16) % (sizeof(words) / sizeof(words[0]))];
            out += w == 11 ? ".\n" : " ";
        }
    }
    return out;
}

} // namespace

void TestSpmBridge::initTestCase() {
    QVERIFY(m_dir.isValid());
    const auto lib = cl::SpmLibrary::instance();
    QVERIFY2(lib.ok(), lib.error().c_str());
    qInfo("bridge: %s", lib.value()->path().c_str());
}

void TestSpmBridge::torchWorksBefore() {
    QVERIFY(cl::runtime::torchSelfCheck());
}

void TestSpmBridge::trainsEncodesDecodes() {
    const std::string input = m_dir.path().toStdString() + "/corpus.txt";
    cl::test::writeTextFile(input, corpus());
    const std::string prefix = m_dir.path().toStdString() + "/tiny";
    const std::string args = "--input=" + input + " --model_prefix=" + prefix +
                             " --vocab_size=400 --model_type=bpe --byte_fallback=true"
                             " --character_coverage=1.0 --hard_vocab_limit=false"
                             " --normalization_rule_name=identity"
                             " --remove_extra_whitespaces=false --minloglevel=2";
    const cl::SpmLibrary* lib = cl::SpmLibrary::instance().value();
    char err[512] = {0};
    const int rc = lib->train(args.c_str(), err, sizeof(err));
    if (rc == -2) {
        // Bridge built without libsentencepiece_train: use the program in a child process.
        const QString program = QStandardPaths::findExecutable("spm_train");
        if (program.isEmpty()) {
            QSKIP("neither the bridge trainer nor spm_train is available");
        }
        QProcess p;
        p.start(program, QString::fromStdString(args).split(' '));
        QVERIFY(p.waitForFinished(120000));
        QCOMPARE(p.exitCode(), 0);
    } else {
        QVERIFY2(rc == 0, err);
    }
    m_model = QString::fromStdString(prefix + ".model");
    auto tok = cl::Tokenizer::load(m_model.toStdString());
    QVERIFY2(tok.ok(), tok.error().c_str());
    m_tok = std::move(tok).value();
    QCOMPARE(m_tok->kind(), std::string("sentencepiece"));
    QVERIFY(m_tok->vocabSize() >= 256 + 3); // bytes + unk, bos, eos

    // "日" (3 bytes) never occurs in the corpus: three <0xNN> pieces; the first two get an empty
    // span at its start, the last its whole range (sentencepiece's convention).
    const std::string text = "the little cat sat in the w\xC3\xB6rld \xE6\x97\xA5";
    const auto enc = m_tok->encode(text, false);
    QVERIFY2(enc.ok(), enc.error().c_str());
    const auto& e = enc.value();
    const QString spans = cl::test::spanProblem(e, int64_t(text.size()), true);
    QVERIFY2(spans.isEmpty(), qPrintable(spans));
    QCOMPARE(m_tok->decode(e.ids), text);
    const size_t n = e.ids.size();
    QVERIFY(n >= 3);
    QCOMPARE(e.pieces[n - 1], std::string("<0xA5>"));
    QCOMPARE(e.pieces[n - 2], std::string("<0x97>"));
    QCOMPARE(e.pieces[n - 3], std::string("<0xE6>"));
    const int64_t charStart = int64_t(text.size()) - 3;
    QCOMPARE(e.offsets[n - 3], (std::pair<int64_t, int64_t>(charStart, charStart)));
    QCOMPARE(e.offsets[n - 2], (std::pair<int64_t, int64_t>(charStart, charStart)));
    QCOMPARE(e.offsets[n - 1], (std::pair<int64_t, int64_t>(charStart, charStart + 3)));
    const auto& spm = dynamic_cast<const cl::SpmTokenizer&>(*m_tok);
    QVERIFY(spm.isByte(e.ids[n - 1]));
    QVERIFY(spm.isControl(1));
}

void TestSpmBridge::matchesSpmEncodeProgram() {
    if (!m_tok) {
        QSKIP("no model trained");
    }
    const QString program = QStandardPaths::findExecutable("spm_encode");
    if (program.isEmpty()) {
        QSKIP("spm_encode is not installed");
    }
    const std::vector<std::string> lines = {"the cat sat on a mat.", "Lily loved the park",
                                            "  two  spaces  ", "w\xC3\xB6rld \xE6\x97\xA5!"};
    QProcess p;
    p.start(program, {"--model=" + m_model, "--output_format=id"});
    QVERIFY(p.waitForStarted());
    for (const std::string& line : lines) {
        p.write(QByteArray::fromStdString(line + "\n"));
    }
    p.closeWriteChannel();
    QVERIFY(p.waitForFinished(60000));
    const QList<QByteArray> out = p.readAllStandardOutput().trimmed().split('\n');
    QCOMPARE(out.size(), qsizetype(lines.size()));
    for (size_t i = 0; i < lines.size(); ++i) {
        std::vector<int32_t> want;
        for (const QByteArray& id : out[qsizetype(i)].split(' ')) {
            want.push_back(id.toInt());
        }
        const auto got = m_tok->encode(lines[i], false).value().ids;
        const QString diff = cl::test::firstDifference(got, want);
        QVERIFY2(diff.isEmpty(), qPrintable(QString::fromStdString(lines[i]) + ": " + diff));
    }
}

void TestSpmBridge::torchWorksAfter() {
    QVERIFY(cl::runtime::torchSelfCheck());
}

QTEST_GUILESS_MAIN(TestSpmBridge)
#include "tst_spm_bridge.moc"
