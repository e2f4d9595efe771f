// CLI contracts of pickle checkpoints (issue #14, item 2), run as real processes: `convert` writes
// a safetensors folder that scores exactly as the pickle did, `inspect` prints the header facts
// without loading weights, and logprobs/score/beam take a policy.pt folder with --config.
#include "common/cli_process.h"
#include "common/fixtures.h"
#include "common/tolerances.h"

#include <QTemporaryDir>
#include <QtTest>

#include <nlohmann/json.hpp>

#include <fstream>

using nlohmann::json;

namespace {

using Run = cl::test::CliRun;

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

QString model(const QString& name) {
    return cl::test::fixturePath("models/" + name);
}

const QString kPolicyPt = "dpo_policy_llama_gqa_bf16weights";
const QString kPolicyBase = "llama_gqa_bf16weights"; // its config_from

} // namespace

class TestCheckpointCli : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() { CL_REQUIRE_FIXTURES(); }
    void convertScoresIdentically();
    void convertPolicyNeedsConfig();
    void inspect_data();
    void inspect();
    void inspectErrors();
    void policyWithConfig();
};

void TestCheckpointCli::convertScoresIdentically() {
    QTemporaryDir tmp;
    const QString out = tmp.path() + "/converted";
    Run c = cl::test::runCli({"convert", "--input", model("bin_gpt2"), "--output", out});
    QVERIFY2(c.code == 0, c.err.constData());
    const json report = json::parse(c.out.toStdString());
    QCOMPARE(report["input_format"].get<std::string>(), std::string("pytorch_zip"));
    QCOMPARE(report["tensors"].get<int>(), 41);
    QVERIFY(QFile::exists(out + "/model.safetensors"));
    QVERIFY(QFile::exists(out + "/config.json"));
    QVERIFY(QFile::exists(out + "/generation_config.json"));
    const auto ids = refs("bin_gpt2")["logprob_sequences"][3]["input_ids"].get<std::vector<int32_t>>();
    Run a = cl::test::runCli({"logprobs", "--model", model("bin_gpt2"), "--ids", joinIds(ids)});
    Run b = cl::test::runCli({"logprobs", "--model", out, "--ids", joinIds(ids)});
    QVERIFY2(a.code == 0, a.err.constData());
    QVERIFY2(b.code == 0, b.err.constData());
    QCOMPARE(json::parse(b.out.toStdString()), json::parse(a.out.toStdString()));
    // Converting into the input folder is refused.
    Run same = cl::test::runCli({"convert", "--input", out, "--output", out});
    QCOMPARE(same.code, 1);
    QVERIFY2(same.err.contains("output folder is the input"), same.err.constData());
}

void TestCheckpointCli::convertPolicyNeedsConfig() {
    QTemporaryDir tmp;
    Run bare = cl::test::runCli({"convert", "--input", model(kPolicyPt), "--output", tmp.path()});
    QCOMPARE(bare.code, 1);
    QVERIFY2(bare.err.contains("--config"), bare.err.constData());
    Run ok = cl::test::runCli({"convert", "--input", model(kPolicyPt) + "/policy.pt", "--output",
                               tmp.path(), "--config", model(kPolicyBase)});
    QVERIFY2(ok.code == 0, ok.err.constData());
    QVERIFY(QFile::exists(tmp.path() + "/config.json"));
    // The converted policy is a complete model folder: no --config needed any more.
    Run info = cl::test::runCli({"inspect", tmp.path()});
    QVERIFY2(info.code == 0, info.err.constData());
    QCOMPARE(json::parse(info.out.toStdString())["dtype"].get<std::string>(), std::string("BF16"));
}

void TestCheckpointCli::inspect_data() {
    QTest::addColumn<QString>("name");
    QTest::addColumn<QString>("format");
    QTest::addColumn<QString>("dtype");
    QTest::newRow("zip") << "bin_gpt2" << "pytorch_zip" << "F32";
    QTest::newRow("legacy") << "bin_legacy_gpt_neox_parallel_fp16weights" << "pytorch_legacy"
                            << "F16";
    QTest::newRow("sharded") << "bin_sharded_llama_gqa_bf16weights" << "pytorch_zip" << "BF16";
    QTest::newRow("policy.pt") << kPolicyPt << "pytorch_zip" << "BF16";
    QTest::newRow("safetensors") << "gpt2" << "safetensors" << "F32";
}

void TestCheckpointCli::inspect() {
    QFETCH(QString, name);
    QFETCH(QString, format);
    QFETCH(QString, dtype);
    QStringList args{"inspect", model(name)};
    if (name == kPolicyPt) {
        args << "--config" << model(kPolicyBase);
    }
    Run r = cl::test::runCli(args);
    QVERIFY2(r.code == 0, r.err.constData());
    const json out = json::parse(r.out.toStdString());
    QCOMPARE(out["file_format"].get<std::string>(), format.toStdString());
    QCOMPARE(out["dtype"].get<std::string>(), dtype.toStdString());
    const json ref = refs(name);
    const json& config = ref["config"];
    QCOMPARE(out["architecture"].get<std::string>(), ref["architecture"].get<std::string>());
    const int64_t context = config.contains("n_positions") ? config["n_positions"].get<int64_t>()
                                                           : config["max_position_embeddings"].get<int64_t>();
    QCOMPARE(out["context_length"].get<int64_t>(), context);
    // Parameters: every floating-point tensor once (gpt2's tied head shares the embedding).
    // Weights as held in f32 compute (issue #19): 4 bytes each, but 2 for the matrices of a
    // bf16/f16 checkpoint, which stay as stored.
    int64_t params = 0, weightBytes = 0;
    const json& tensors = ref.contains("torch_tensors") ? ref["torch_tensors"] : ref["safetensors_tensors"];
    for (auto it = tensors.begin(); it != tensors.end(); ++it) {
        if (it.key() == "lm_head.weight" && name.contains("gpt2")) {
            continue;
        }
        const auto shape = (*it)["shape"].get<std::vector<int64_t>>();
        int64_t n = 1;
        for (int64_t d : shape) {
            n *= d;
        }
        params += n;
        weightBytes += n * (dtype != "F32" && shape.size() == 2 ? 2 : 4);
    }
    QCOMPARE(out["parameters"].get<int64_t>(), params);
    // K and V per layer for the whole context, in f32.
    const json& mem = out["estimated_memory"];
    QCOMPARE(mem["weights_bytes"].get<int64_t>(), weightBytes);
    const int64_t kvHeads = out["kv_heads"].get<int64_t>();
    const int64_t headDim = out["hidden"].get<int64_t>() / out["heads"].get<int64_t>();
    QCOMPARE(mem["kv_cache_bytes"].get<int64_t>(),
             2 * out["layers"].get<int64_t>() * kvHeads * headDim * context * 4);
    QCOMPARE(mem["total_bytes"].get<int64_t>(),
             mem["weights_bytes"].get<int64_t>() + mem["kv_cache_bytes"].get<int64_t>());
}

void TestCheckpointCli::inspectErrors() {
    Run noConfig = cl::test::runCli({"inspect", model(kPolicyPt)});
    QCOMPARE(noConfig.code, 1);
    QVERIFY2(noConfig.err.contains("--config"), noConfig.err.constData());
    Run missing = cl::test::runCli({"inspect", "/nonexistent/folder"});
    QCOMPARE(missing.code, 1);
    Run usage = cl::test::runCli({"inspect"});
    QCOMPARE(usage.code, 2);
}

void TestCheckpointCli::policyWithConfig() {
    // logprobs: policy.pt through --config equals the HF references.
    const json ref = refs(kPolicyPt);
    const json& seq = ref["logprob_sequences"][2];
    Run lp = cl::test::runCli({"logprobs", "--model", model(kPolicyPt), "--config",
                               model(kPolicyBase), "--ids",
                               joinIds(seq["input_ids"].get<std::vector<int32_t>>())});
    QVERIFY2(lp.code == 0, lp.err.constData());
    const auto got = json::parse(lp.out.toStdString())["logprobs"].get<std::vector<double>>();
    const auto expected = seq["next_token_logprobs_fp64"].get<std::vector<double>>();
    QCOMPARE(got.size(), expected.size());
    cl::tol::DiffStats d;
    for (size_t i = 0; i < got.size(); ++i) {
        d.add(got[i], expected[i]);
    }
    QVERIFY(d.report("policy.pt via CLI vs float64", cl::tol::kLogprobMaxVsF64));

    // beam: the HF beams; the reference is the base the policy was saved from (same weights), so
    // every reward is zero.
    const json& g = ref["generation"][1]; // config_eos, W=3
    Run beam = cl::test::runCli(
        {"beam", "--policy", model(kPolicyPt), "--config", model(kPolicyBase), "--reference",
         model(kPolicyBase), "--prompt-ids", joinIds(g["prompt_ids"].get<std::vector<int32_t>>()),
         "--width", "3", "--num-return", "3", "--max-new-tokens", "12", "--eos-id",
         QString::number(g["eos_token_id"].get<int>())});
    QVERIFY2(beam.code == 0, beam.err.constData());
    const json beams = json::parse(beam.out.toStdString())["beams"];
    QCOMPARE(beams.size(), size_t(3));
    for (size_t i = 0; i < 3; ++i) {
        QCOMPARE(beams[i]["ids"].get<std::vector<int32_t>>(),
                 g["new_tokens"][i].get<std::vector<int32_t>>());
        QVERIFY(std::abs(beams[i]["score"].get<double>() -
                         g["rescored_score_fp64"][i].get<double>()) <= cl::tol::kBeamScoreVsF64);
        // Same weights, but the beam's policy log-probs come from the search's incremental
        // passes and the reference's from one full pass: two float32 computations of one number.
        const double bound = cl::tol::sumOf(beams[i]["ids"].size(),
                                            0.1 * cl::tol::kLogprobMaxF32VsF32);
        QVERIFY2(std::abs(beams[i]["reward_sum"].get<double>()) <= bound,
                 qPrintable(QString("beam %1 reward_sum %2 (bound %3)")
                                .arg(i).arg(beams[i]["reward_sum"].get<double>()).arg(bound)));
    }

    // score: ids lines, policy.pt vs its own base.
    QTemporaryDir tmp;
    const QString input = tmp.path() + "/in.jsonl";
    std::ofstream(input.toStdString()) << R"({"prompt_ids":[1,11,243],"response_ids":[870,5,391]})"
                                       << "\n";
    Run score = cl::test::runCli({"score", "--policy", model(kPolicyPt), "--config",
                                  model(kPolicyBase), "--reference", model(kPolicyBase), "--input",
                                  input});
    QVERIFY2(score.code == 0, score.err.constData());
    const json line = json::parse(score.out.toStdString());
    QVERIFY(!line["tokens"].empty());
    QCOMPARE(line["reward_sum"].get<double>(), 0.0);
}

QTEST_GUILESS_MAIN(TestCheckpointCli)
#include "tst_checkpoint_cli.moc"
