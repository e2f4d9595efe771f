// The engine's CLI contracts run as real processes (issues #3, #5, #7): logprobs equals the HF
// references, score's per-token output equals the core scorer, beam equals HF's beams, and user
// errors exit 1 with one sentence (never a crash signal).
#include "scoring_fixture.h"

#include "core/engine/reward_scorer.h"

#include "common/cli_process.h"
#include "common/tolerances.h"

#include <QtTest>

#include <nlohmann/json.hpp>

#include <fstream>

using nlohmann::json;

namespace {

using Run = cl::test::CliRun;

Run cli(const QStringList& args) {
    return cl::test::runCli(args);
}

json refs(const QString& name) {
    std::ifstream in(cl::test::fixtureStd("refs/" + name + ".json"));
    return json::parse(in);
}

QString joinIds(const std::vector<int32_t>& ids) {
    QStringList s;
    for (int32_t id : ids) {
        s << QString::number(id);
    }
    return s.join(',');
}

} // namespace

class TestEngineCli : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() { CL_REQUIRE_FIXTURES(); }
    void logprobs();
    void scoreMatchesCore();
    void beamMatchesHf();
    void errorsExitOne_data();
    void errorsExitOne();
};

void TestEngineCli::logprobs() {
    const json seq = refs("llama_gqa")["logprob_sequences"][2];
    const auto ids = seq["input_ids"].get<std::vector<int32_t>>();
    Run r = cli({"logprobs", "--model", cl::test::fixturePath("models/llama_gqa"), "--ids",
                 joinIds(ids), "--top-k", "3"});
    QVERIFY2(r.code == 0, r.err.constData());
    const json out = json::parse(r.out.toStdString());
    const auto expected = seq["next_token_logprobs_fp64"].get<std::vector<double>>();
    QCOMPARE(out["logprobs"].size(), expected.size());
    cl::tol::DiffStats d;
    for (size_t i = 0; i < expected.size(); ++i) {
        d.add(out["logprobs"][i].get<double>(), expected[i]);
    }
    QVERIFY(d.report("creditlens-cli logprobs vs float64", cl::tol::kLogprobMaxVsF64));
    QCOMPARE(out["top"].size(), ids.size());
    QCOMPARE(out["top"][0].size(), size_t(3));
    QCOMPARE(out["top"][0][0][0].get<int>(), seq["top5_ids"][0][0].get<int>());
    // --no-mmap (issue #18): copied weights, the same numbers.
    Run copied = cli({"logprobs", "--model", cl::test::fixturePath("models/llama_gqa"), "--ids",
                      joinIds(ids), "--top-k", "3", "--no-mmap"});
    QVERIFY2(copied.code == 0, copied.err.constData());
    QCOMPARE(json::parse(copied.out.toStdString()), out);
}

void TestEngineCli::scoreMatchesCore() {
    QTemporaryDir tmp;
    const QString pol = cl::test::makeModelFolder(tmp, "gpt_neox_parallel", "policy");
    const QString ref = cl::test::makeModelFolder(tmp, "gpt_neox_sequential", "reference");
    const QString input = tmp.path() + "/in.jsonl";
    {
        std::ofstream f(input.toStdString());
        f << R"({"prompt": "Tim had a red ball.", "response": "One day, Tim saw 3 cats."})" << "\n";
        f << R"({"prompt": "Tim had a red ball.", "chosen": "He saw 3 cats.",)"
          << R"( "rejected": "He saw 7 dogs."})" << "\n";
        f << "not json\n";
        f << R"({"prompt_ids": [1, 2, 3], "response_ids": [4, 5]})" << "\n";
    }
    Run r = cli({"score", "--policy", pol, "--reference", ref, "--template", "tldr", "--beta",
                 "0.2", "--input", input});
    QVERIFY2(r.code == 0, r.err.constData());
    const QList<QByteArray> lines = r.out.trimmed().split('\n');
    QCOMPARE(lines.size(), 3); // the malformed line is skipped with a warning
    QVERIFY(r.err.contains(":3: not a JSON object"));
    QVERIFY(r.err.contains("accuracy"));

    auto scorer = cl::RewardScorer::load(pol.toStdString(), ref.toStdString());
    QVERIFY(scorer.ok());
    scorer.value()->setBeta(0.2);
    auto core = scorer.value()->score({"Tim had a red ball.", "One day, Tim saw 3 cats.", "tldr"});
    QVERIFY(core.ok());
    const json first = json::parse(lines[0].toStdString());
    QCOMPARE(first["tokens"].size(), core->tokens.size());
    // Another process, perhaps other BLAS threads: two float32 computations of one reward.
    cl::tol::DiffStats d;
    for (size_t i = 0; i < core->tokens.size(); ++i) {
        const json& t = first["tokens"][i];
        QCOMPARE(t["id"].get<int>(), core->tokens[i].id);
        QCOMPARE(t["start"].get<int64_t>(), core->tokens[i].start);
        d.add(t["reward"].get<double>(), core->tokens[i].reward);
    }
    QVERIFY(d.report("creditlens-cli score vs in-process rewards",
                     cl::tol::rewardMax(0.2, cl::tol::kLogprobMaxF32VsF32)));
    const json pair = json::parse(lines[1].toStdString());
    const double margin = pair["chosen"]["reward_sum"].get<double>() -
                          pair["rejected"]["reward_sum"].get<double>();
    QVERIFY(std::abs(pair["margin"].get<double>() - margin) <= cl::tol::kSameFloatsInDouble);
    QVERIFY(std::abs(pair["p_chosen"].get<double>() - 1 / (1 + std::exp(-margin))) <=
            cl::tol::kSameFloatsInDouble);
    QCOMPARE(json::parse(lines[2].toStdString())["tokens"].size(), size_t(2));
}

void TestEngineCli::beamMatchesHf() {
    const json g = refs("gpt2")["generation"][4]; // forced_eos, W=3
    Run r = cli({"beam", "--policy", cl::test::fixturePath("models/gpt2"), "--prompt-ids",
                 joinIds(g["prompt_ids"].get<std::vector<int32_t>>()), "--width", "3",
                 "--num-return", "3", "--max-new-tokens", "12", "--eos-id",
                 QString::number(g["eos_token_id"].get<int>())});
    QVERIFY2(r.code == 0, r.err.constData());
    const json out = json::parse(r.out.toStdString());
    QCOMPARE(out["beams"].size(), size_t(3));
    for (size_t i = 0; i < 3; ++i) {
        QCOMPARE(out["beams"][i]["ids"].get<std::vector<int32_t>>(),
                 g["new_tokens"][i].get<std::vector<int32_t>>());
        QVERIFY(std::abs(out["beams"][i]["score"].get<double>() -
                         g["rescored_score_fp64"][i].get<double>()) <= cl::tol::kBeamScoreVsF64);
        QVERIFY(out["beams"][i]["reward_sum"].is_null());
    }
}

void TestEngineCli::errorsExitOne_data() {
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QString>("message");
    const QString gpt2 = cl::test::fixturePath("models/gpt2");
    QTest::newRow("missing folder") << QStringList{"logprobs", "--model", "/nope", "--ids", "1,2"}
                                    << "config.json";
    QTest::newRow("bad ids") << QStringList{"logprobs", "--model", gpt2, "--ids", "1,x"}
                             << "not a non-negative integer";
    QTest::newRow("id out of vocab") << QStringList{"logprobs", "--model", gpt2, "--ids", "1,5000"}
                                     << "outside the vocabulary";
    QTest::newRow("num return > width")
        << QStringList{"beam", "--policy", gpt2, "--prompt-ids", "1,2", "--width", "2",
                       "--num-return", "3", "--max-new-tokens", "4"}
        << "beam width 2";
    QTest::newRow("bad dtype") << QStringList{"logprobs", "--model", gpt2, "--ids", "1,2",
                                              "--dtype", "int3"}
                               << "unknown dtype";
    // Issue #18: this loaded, then failed inside LibTorch (no Half kernels on the CPU).
    QTest::newRow("f16 on the CPU")
        << QStringList{"logprobs", "--model",
                       cl::test::fixturePath("models/gpt_neox_parallel_fp16weights"), "--ids",
                       "1,2", "--dtype", "f16"}
        << "f16 is not supported on the CPU";
}

void TestEngineCli::errorsExitOne() {
    QFETCH(QStringList, args);
    QFETCH(QString, message);
    Run r = cli(args);
    QCOMPARE(r.code, 1);
    QVERIFY2(r.err.contains(message.toUtf8()), r.err.constData());
}

QTEST_GUILESS_MAIN(TestEngineCli)
#include "tst_engine_cli.moc"
