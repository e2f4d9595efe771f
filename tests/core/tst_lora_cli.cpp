// CLI contracts of LoRA adapters (issue #14 item 3), run as real processes: an adapter folder is a
// model for `logprobs --model`, `beam --policy` and `inspect`; `score --policy ADAPTER` with no
// --reference scores the pair (base + adapter vs base), with --base when the config's base is no
// local folder.
#include "common/cli_process.h"
#include "common/fixtures.h"
#include "common/tolerances.h"

#include <QTemporaryDir>
#include <QtTest>

#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>

using nlohmann::json;
namespace fs = std::filesystem;

namespace {

using Run = cl::test::CliRun;

json readJson(const std::string& path) {
    std::ifstream in(path);
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

/// The adapter copied where its base_model_name_or_path (a hub id) finds nothing.
QString hubAdapter(const QTemporaryDir& tmp, const QString& name) {
    const fs::path src = model(name).toStdString();
    const fs::path dst = fs::path(tmp.path().toStdString()) / "adapter";
    fs::create_directories(dst);
    fs::copy_file(src / "adapter_model.safetensors", dst / "adapter_model.safetensors");
    json config = readJson((src / "adapter_config.json").string());
    config["base_model_name_or_path"] = "org/not-downloaded";
    std::ofstream((dst / "adapter_config.json").string()) << config.dump(1);
    return QString::fromStdString(dst.string());
}

} // namespace

class TestLoraCli : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() { CL_REQUIRE_FIXTURES(); }
    void logprobs();
    void scoreWithoutReference();
    void beam();
    void inspect();
    void missingBase();
};

void TestLoraCli::logprobs() {
    const json ref = readJson(cl::test::fixtureStd("refs/lora_gpt_neox_parallel_r8.json"));
    const json& seq = ref["logprob_sequences"][2];
    Run r = cl::test::runCli({"logprobs", "--model", model("lora_gpt_neox_parallel_r8"), "--ids",
                              joinIds(seq["input_ids"].get<std::vector<int32_t>>())});
    QVERIFY2(r.code == 0, r.err.constData());
    const auto got = json::parse(r.out.toStdString())["logprobs"].get<std::vector<double>>();
    const auto expected = seq["next_token_logprobs_fp64"].get<std::vector<double>>();
    QCOMPARE(got.size(), expected.size());
    cl::tol::DiffStats d;
    for (size_t i = 0; i < got.size(); ++i) {
        d.add(got[i], expected[i]);
    }
    QVERIFY(d.report("logprobs --model lora_gpt_neox_parallel_r8 vs fp64",
                     cl::tol::kLogprobMaxVsF64 + cl::tol::kPrintedFloat32));
}

void TestLoraCli::scoreWithoutReference() {
    QTemporaryDir tmp;
    const QString adapter = hubAdapter(tmp, "lora_llama_gqa_r8");
    const json ref = readJson(cl::test::fixtureStd("rewards/lora_llama_gqa_r8.json"));
    const QString input = tmp.path() + "/in.jsonl";
    {
        std::ofstream out(input.toStdString());
        for (const json& c : ref["cases"]) {
            out << json{{"prompt_ids", c["prompt_ids"]}, {"response_ids", c["response_ids"]}}.dump()
                << "\n";
        }
    }
    Run r = cl::test::runCli({"score", "--policy", adapter, "--base", model("llama_gqa"), "--beta",
                              "0.5", "--input", input});
    QVERIFY2(r.code == 0, r.err.constData());
    const QList<QByteArray> lines = r.out.trimmed().split('\n');
    QCOMPARE(lines.size(), static_cast<int>(ref["cases"].size()));
    cl::tol::DiffStats d;
    for (int i = 0; i < lines.size(); ++i) {
        const json got = json::parse(lines[i].toStdString());
        const json& c = ref["cases"][i];
        const auto expected = c["rewards_fp64"]["0.5"].get<std::vector<double>>();
        QCOMPARE(got["tokens"].size(), expected.size());
        for (size_t k = 0; k < expected.size(); ++k) {
            d.add(got["tokens"][k]["reward"].get<double>(), expected[k]);
        }
    }
    QVERIFY(d.report("score --policy ADAPTER --base BASE (no --reference), beta 0.5",
                     cl::tol::loraRewardMax(0.5) + cl::tol::kPrintedFloat32));
}

void TestLoraCli::beam() {
    const json ref = readJson(cl::test::fixtureStd("refs/lora_gpt2_r4_conv1d.json"));
    const json& g = ref["generation"][1]; // config_eos, 3 beams, 3 returned
    Run r = cl::test::runCli({"beam", "--policy", model("lora_gpt2_r4_conv1d"), "--prompt-ids",
                              joinIds(g["prompt_ids"].get<std::vector<int32_t>>()), "--width", "3",
                              "--num-return", "3", "--max-new-tokens", "12"});
    QVERIFY2(r.code == 0, r.err.constData());
    const json beams = json::parse(r.out.toStdString())["beams"];
    const auto expected = g["new_tokens"].get<std::vector<std::vector<int32_t>>>();
    QCOMPARE(beams.size(), expected.size());
    for (size_t i = 0; i < expected.size(); ++i) {
        QVERIFY(beams[i]["ids"].get<std::vector<int32_t>>() == expected[i]);
        // Scored against the base with the adapter off: a reward is there.
        QVERIFY(beams[i]["reward_sum"].is_number());
    }
}

void TestLoraCli::inspect() {
    Run r = cl::test::runCli({"inspect", model("lora_llama_gqa_lm_head")});
    QVERIFY2(r.code == 0, r.err.constData());
    const json out = json::parse(r.out.toStdString());
    QCOMPARE(out["architecture"].get<std::string>(), std::string("LlamaForCausalLM"));
    const json& a = out["adapter"];
    QCOMPARE(a["rank"].get<int>(), 4);
    QCOMPARE(a["alpha"].get<double>(), 4.0);
    QCOMPARE(a["target_modules"].get<std::vector<std::string>>(),
             (std::vector<std::string>{"k_proj", "q_proj"}));
    QCOMPARE(a["modules_to_save"].get<std::vector<std::string>>(),
             std::vector<std::string>{"lm_head"});
    QCOMPARE(a["adapted_modules"].get<int>(), 6); // q and k of 3 layers
    QVERIFY(fs::equivalent(a["base"].get<std::string>(), model("llama_gqa").toStdString()));
}

void TestLoraCli::missingBase() {
    QTemporaryDir tmp;
    const QString adapter = hubAdapter(tmp, "lora_gpt2_r4_conv1d");
    Run r = cl::test::runCli({"logprobs", "--model", adapter, "--ids", "1,2,3"});
    QCOMPARE(r.code, 1);
    QVERIFY2(r.err.contains("org/not-downloaded") && r.err.contains("--base DIR"),
             r.err.constData());
    Run ok = cl::test::runCli(
        {"logprobs", "--model", adapter, "--base", model("gpt2"), "--ids", "1,2,3"});
    QVERIFY2(ok.code == 0, ok.err.constData());
}

QTEST_GUILESS_MAIN(TestLoraCli)
#include "tst_lora_cli.moc"
