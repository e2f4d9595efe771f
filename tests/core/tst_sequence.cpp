// KV cache behaviour through the Sequence facade (issue #3): extending one token at a time,
// truncate-then-extend and fork all equal a full forward within the float32-vs-float32 budget
// (tolerances.h: both sides are float32 computations of the same numbers).
#include "common/fixtures.h"
#include "common/random_ids.h"
#include "common/tolerances.h"
#include "core/engine/model.h"
#include "core/engine/sequence.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>

class TestSequence : public QObject {
    Q_OBJECT
private slots:
    void incrementalEqualsFull_data();
    void incrementalEqualsFull();
    void truncateThenExtend_data() { incrementalEqualsFull_data(); }
    void truncateThenExtend();
    void longSequencesAcrossAttentionBlocks_data();
    void longSequencesAcrossAttentionBlocks();
    void forkIsIndependent();
    void cancelLeavesSequenceIntact();
    void contextOverflowIsAnError();
};

namespace {

using cl::test::randomIds;

/// Compares a Sequence's log-probs (position i scores ids[i]) with a full forward's (entry i-1).
bool matchesFull(const QString& what, const std::vector<double>& a, const std::vector<float>& full,
                 size_t offset) {
    cl::tol::DiffStats d;
    for (size_t i = offset; i < a.size(); ++i) {
        d.add(a[i], full[i - 1]);
    }
    return d.report(what, cl::tol::kLogprobMaxF32VsF32) && d.mean() <= cl::tol::kLogprobMeanF32VsF32;
}

/// The fixture folder with max_position_embeddings raised to 512 (the weights are linked, not
/// copied): rotary models have no learned positions, so only the declared limit changes.
QString widenedCopy(const QString& fixture, const QString& dir) {
    QFile in(fixture + "/config.json");
    if (!in.open(QIODevice::ReadOnly)) {
        return fixture;
    }
    QJsonObject config = QJsonDocument::fromJson(in.readAll()).object();
    if (config.value("max_position_embeddings").toInt() >= 512) {
        return fixture;
    }
    config["max_position_embeddings"] = 512;
    for (const QFileInfo& f : QDir(fixture).entryInfoList(QDir::Files)) {
        if (f.fileName() != "config.json") {
            QFile::link(f.absoluteFilePath(), dir + "/" + f.fileName());
        }
    }
    QFile out(dir + "/config.json");
    if (!out.open(QIODevice::WriteOnly)) {
        return fixture;
    }
    out.write(QJsonDocument(config).toJson());
    return dir;
}

} // namespace

void TestSequence::incrementalEqualsFull_data() {
    QTest::addColumn<QString>("name");
    for (const char* n : {"gpt_neox_parallel", "gpt_neox_sequential", "llama_gqa", "gpt2"}) {
        QTest::newRow(n) << QString::fromLatin1(n);
    }
}

void TestSequence::incrementalEqualsFull() {
    CL_REQUIRE_FIXTURES();
    QFETCH(QString, name);
    auto model = cl::Model::load(cl::test::fixtureStd("models/" + name));
    QVERIFY2(model.ok(), model.error().c_str());
    const auto ids = randomIds(40, 1000, 7);
    auto full = model.value()->logprobs(ids);
    QVERIFY(full.ok());
    cl::Sequence seq(*model.value());
    for (int32_t id : ids) {
        QVERIFY(seq.append({id}).ok());
    }
    QCOMPARE(seq.length(), int64_t(40));
    QVERIFY(std::isnan(seq.logprobs()[0]));
    QVERIFY(matchesFull(name + " one-token extends vs full", seq.logprobs(), full.value(), 1));
}

void TestSequence::longSequencesAcrossAttentionBlocks_data() {
    QTest::addColumn<QString>("name");
    // Rotary models given 512 positions (widened copies below); mistral_swa16's window of 16
    // crosses every block boundary; stories260k is a real trained Llama with 512 positions.
    for (const char* n : {"models/gpt_neox_parallel", "models/llama_gqa", "models/mistral_swa16",
                          "models/gemma", "stories260k"}) {
        QTest::newRow(n) << QString::fromLatin1(n);
    }
}

void TestSequence::longSequencesAcrossAttentionBlocks() {
    // Issue #20: a pass over T tokens runs its queries in blocks of 128, each against the keys
    // it sees. 300 tokens in one pass (3 blocks), in chunks that start mid-block (past > 0), and
    // one token at a time (no blocking at all) must give the same numbers.
    CL_REQUIRE_FIXTURES();
    QFETCH(QString, name);
    QTemporaryDir dir;
    const QString folder = widenedCopy(cl::test::fixturePath(name), dir.path());
    auto model = cl::Model::load(folder.toStdString());
    QVERIFY2(model.ok(), model.error().c_str());
    const auto ids = randomIds(300, 256, 11); // within every vocabulary (stories260k: 512)
    auto full = model.value()->logprobs(ids);
    QVERIFY2(full.ok(), full.error().c_str());
    cl::Sequence single(*model.value());
    for (int32_t id : ids) {
        QVERIFY(single.append({id}).ok());
    }
    QVERIFY(matchesFull(name + " one-token extends vs one 300-token pass", single.logprobs(),
                        full.value(), 1));
    cl::Sequence chunked(*model.value());
    for (auto [from, to] : {std::pair{0, 75}, {75, 225}, {225, 300}}) {
        QVERIFY(chunked.append({ids.begin() + from, ids.begin() + to}).ok());
    }
    QVERIFY(matchesFull(name + " 75+150+75-token extends vs one pass", chunked.logprobs(),
                        full.value(), 1));
}

void TestSequence::truncateThenExtend() {
    CL_REQUIRE_FIXTURES();
    QFETCH(QString, name);
    auto model = cl::Model::load(cl::test::fixtureStd("models/" + name));
    QVERIFY(model.ok());
    const auto a = randomIds(30, 1000, 1);
    auto b = a;
    for (int i = 18; i < 30; ++i) {
        b[i] = (a[i] + 17) % 1000; // diverge after 18 tokens
    }
    cl::Sequence seq(*model.value());
    QVERIFY(seq.append(a).ok());
    QCOMPARE(cl::commonPrefix(a, b), int64_t(18));
    seq.truncate(18);
    QVERIFY(seq.append(std::vector<int32_t>(b.begin() + 18, b.end())).ok());
    QCOMPARE(seq.ids(), b);
    auto full = model.value()->logprobs(b);
    QVERIFY(full.ok());
    QVERIFY(matchesFull(name + " truncate-then-extend vs full", seq.logprobs(), full.value(), 1));
}

void TestSequence::forkIsIndependent() {
    CL_REQUIRE_FIXTURES();
    auto model = cl::Model::load(cl::test::fixtureStd("models/llama_gqa"));
    QVERIFY(model.ok());
    const auto ids = randomIds(20, 1000, 3);
    cl::Sequence seq(*model.value());
    QVERIFY(seq.append(std::vector<int32_t>(ids.begin(), ids.begin() + 10)).ok());
    cl::Sequence copy = seq.fork();
    QVERIFY(copy.append(std::vector<int32_t>(ids.begin() + 10, ids.end())).ok());
    QVERIFY(seq.append({5, 6}).ok()); // the original moves on separately
    auto full = model.value()->logprobs(ids);
    QVERIFY(matchesFull("fork vs full", copy.logprobs(), full.value(), 1));
    QCOMPARE(seq.length(), int64_t(12));
}

void TestSequence::cancelLeavesSequenceIntact() {
    CL_REQUIRE_FIXTURES();
    auto model = cl::Model::load(cl::test::fixtureStd("models/gpt2"));
    QVERIFY(model.ok());
    cl::Sequence seq(*model.value());
    QVERIFY(seq.append({1, 2, 3}).ok());
    std::atomic<bool> cancel{true};
    seq.setCancelFlag(&cancel);
    auto r = seq.append({4, 5});
    QVERIFY(!r.ok());
    QCOMPARE(r.error(), std::string(cl::kCancelledMessage));
    QCOMPARE(seq.length(), int64_t(3));
    cancel = false;
    QVERIFY(seq.append({4, 5}).ok());
    auto full = model.value()->logprobs({1, 2, 3, 4, 5});
    QVERIFY(matchesFull("extend after cancel vs full", seq.logprobs(), full.value(), 1));
}

void TestSequence::contextOverflowIsAnError() {
    CL_REQUIRE_FIXTURES();
    auto model = cl::Model::load(cl::test::fixtureStd("models/gpt_neox_parallel"));
    QVERIFY(model.ok());
    cl::Sequence seq(*model.value());
    auto r = seq.append(randomIds(129, 1000, 5)); // max_position_embeddings is 128
    QVERIFY(!r.ok());
    QVERIFY(r.error().find("context of 128") != std::string::npos);
}

QTEST_GUILESS_MAIN(TestSequence)
#include "tst_sequence.moc"
