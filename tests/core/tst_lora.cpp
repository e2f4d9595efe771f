// peft LoRA adapters (issue #14 item 3) against HF transformers 4.40 + peft in float64: log-probs
// and generations of base + adapter (refs/lora_*.json), the DPO pair's per-token rewards with the
// base as reference (rewards/lora_*.json), one copy of the base weights shared by the pair, base
// resolution and the refusal sentences.
#include "common/fixtures.h"
#include "common/tolerances.h"
#include "fixture_refs.h"
#include "core/engine/beam_search.h"
#include "core/engine/model.h"
#include "core/engine/reward_scorer.h"
#include "core/engine/safetensors_file.h"
#include "core/engine/sequence.h"
#include "torch_save.h"

#include <QTemporaryDir>
#include <QtTest>

#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <set>

using nlohmann::json;
namespace fs = std::filesystem;

namespace {



const char* const kAdapters[] = {"lora_llama_gqa_r8", "lora_gpt_neox_parallel_r8",
                                 "lora_gpt2_r4_conv1d", "lora_llama_gqa_rslora_r16",
                                 "lora_llama_gqa_lm_head"};

/// A copy of an adapter folder whose adapter_config.json is edited by `edit`.
std::string copyAdapter(const QTemporaryDir& tmp, const QString& name,
                        const std::function<void(json&)>& edit) {
    const fs::path src = cl::test::fixtureStd("models/" + name);
    const fs::path dst = fs::path(tmp.path().toStdString()) / name.toStdString();
    fs::create_directories(dst);
    fs::copy_file(src / "adapter_model.safetensors", dst / "adapter_model.safetensors");
    json config = cl::test::readJsonFile((src / "adapter_config.json").string());
    edit(config);
    std::ofstream((dst / "adapter_config.json").string()) << config.dump(1);
    return dst.string();
}

} // namespace

class TestLora : public QObject {
    Q_OBJECT
private slots:
    void logprobs_data();
    void logprobs();
    void generations_data() { logprobs_data(); }
    void generations();
    void rewards_data() { logprobs_data(); }
    void rewards();
    void oneCopyOfTheBase();
    void oneBatch_data() { logprobs_data(); }
    void oneBatch();
    void baseResolution();
    void adapterModelBin();
    void referenceWarnings();
    void refusals_data();
    void refusals();
};

void TestLora::logprobs_data() {
    QTest::addColumn<QString>("name");
    for (const char* n : kAdapters) {
        QTest::newRow(n) << QString::fromLatin1(n);
    }
}

void TestLora::logprobs() {
    CL_REQUIRE_FIXTURES();
    QFETCH(QString, name);
    auto model = cl::Model::load(cl::test::fixtureStd("models/" + name));
    QVERIFY2(model.ok(), model.error().c_str());
    QVERIFY(model.value()->info().adapter.has_value());
    const json ref = cl::test::readJsonFile(cl::test::fixtureStd("refs/" + name + ".json"));
    QCOMPARE(model.value()->info().adapter->scaling, ref["lora_scaling"].get<double>());
    cl::tol::DiffStats all;
    cl::test::checkLogprobSequences(*model.value(), ref, name, &all);
    qInfo("%s: largest max |d| %.3g over %zu tokens", qPrintable(name), all.max, all.count);
}

void TestLora::generations() {
    CL_REQUIRE_FIXTURES();
    QFETCH(QString, name);
    auto m = cl::Model::load(cl::test::fixtureStd("models/" + name));
    QVERIFY2(m.ok(), m.error().c_str());
    const json ref = cl::test::fixtureRefs(name);
    cl::test::checkGenerations(*m.value(), ref, name);
    if (QTest::currentTestFailed()) {
        return;
    }
    qInfo("%s: %zu generation runs identical", qPrintable(name), ref["generation"].size());
}

// The pair an adapter defines, scored with no reference folder: policy = base + adapter,
// reference = the same base with the adapter off.
void TestLora::rewards() {
    CL_REQUIRE_FIXTURES();
    QFETCH(QString, name);
    auto scorer = cl::RewardScorer::load(cl::test::fixtureStd("models/" + name), "");
    QVERIFY2(scorer.ok(), scorer.error().c_str());
    const json ref = cl::test::readJsonFile(cl::test::fixtureStd("rewards/" + name + ".json"));
    double worstReward = 0, worstSum = 0;
    for (const json& c : ref["cases"]) {
        const QString id = QString::fromStdString(c["id"].get<std::string>());
        const auto n = c["n_response_tokens"].get<size_t>();
        for (const auto& [betaText, expected] : c["rewards_fp64"].items()) {
            const double beta = std::stod(betaText);
            scorer.value()->setBeta(beta);
            cl::IdsRequest req{c["prompt_ids"].get<std::vector<int32_t>>(),
                               c["response_ids"].get<std::vector<int32_t>>()};
            auto s = scorer.value()->scoreIds(req);
            QVERIFY2(s.ok(), s.error().c_str());
            QCOMPARE(s->tokens.size(), n);
            cl::tol::DiffStats r, lpPolicy, lpRef;
            const auto rewards = expected.get<std::vector<double>>();
            const auto policyF64 = c["logp_policy_fp64"].get<std::vector<double>>();
            const auto refF64 = c["logp_ref_fp64"].get<std::vector<double>>();
            for (size_t i = 0; i < n; ++i) {
                r.add(s->tokens[i].reward, rewards[i]);
                lpPolicy.add(s->tokens[i].logpPolicy, policyF64[i]);
                lpRef.add(s->tokens[i].logpRef, refF64[i]);
            }
            const QString what = QString("%1 %2 beta %3").arg(name, id).arg(beta);
            QVERIFY(lpPolicy.report(what + " logp policy", cl::tol::kLogprobMaxVsF64));
            QVERIFY(lpRef.report(what + " logp ref", cl::tol::kLogprobMaxVsF64));
            QVERIFY(r.report(what + " rewards", cl::tol::loraRewardMax(beta)));
            cl::tol::DiffStats sum;
            sum.add(s->rewardSum, c["reward_sum_fp64"][betaText].get<double>());
            QVERIFY(sum.report(what + " reward_sum", cl::tol::loraRewardSum(beta, n)));
            worstReward = std::max(worstReward, r.max / beta);
            worstSum = std::max(worstSum, sum.max / beta);
        }
    }
    qInfo("%s: largest reward |d|/beta %.3g (bound 1e-4), reward_sum |d|/beta %.3g",
          qPrintable(name), worstReward, worstSum);
}

// DESIGN.md: the policy and the reference hold one copy of the base weights, never merged.
void TestLora::oneCopyOfTheBase() {
    CL_REQUIRE_FIXTURES();
    for (const char* n : {"lora_llama_gqa_r8", "lora_llama_gqa_lm_head"}) {
        auto pair = cl::Model::loadAdapterPair(cl::test::fixtureStd(QString("models/") + n));
        QVERIFY2(pair.ok(), pair.error().c_str());
        const cl::Model& policy = *pair.value().first;
        const cl::Model& reference = *pair.value().second;
        QVERIFY(policy.info().adapter.has_value());
        QVERIFY(!reference.info().adapter.has_value());
        const int64_t refBytes = reference.info().parameters * 4; // f32
        const int64_t shared = policy.sharedWeightBytes(reference);
        // Only modules_to_save replace a base tensor (lm_head [1000, 64] here).
        const int64_t replaced = std::string(n) == "lora_llama_gqa_lm_head" ? 1000 * 64 * 4 : 0;
        qInfo("%s: %lld of the reference's %lld weight bytes shared with the policy", n,
              static_cast<long long>(shared), static_cast<long long>(refBytes));
        QCOMPARE(shared, refBytes - replaced);
        // The reference is exactly the base model.
        auto base = cl::Model::load(cl::test::fixtureStd("models/llama_gqa"));
        QVERIFY2(base.ok(), base.error().c_str());
        QCOMPARE(base.value()->sharedWeightBytes(reference), int64_t(0)); // a separate load
        const std::vector<int32_t> ids{1, 17, 300, 42, 999, 5, 61, 7};
        auto a = reference.logprobs(ids);
        auto b = base.value()->logprobs(ids);
        QVERIFY(a.ok() && b.ok());
        QCOMPARE(a.value(), b.value());
    }
}

// The pair as one batch of 2 (policy row + base row through the same weights) gives what two
// separate passes give, in full passes, edits (truncate + append) and whole-vocabulary rows.
void TestLora::oneBatch() {
    CL_REQUIRE_FIXTURES();
    QFETCH(QString, name);
    auto pair = cl::Model::loadAdapterPair(cl::test::fixtureStd("models/" + name));
    QVERIFY2(pair.ok(), pair.error().c_str());
    cl::Model& policy = *pair.value().first;
    cl::Model& reference = *pair.value().second;
    cl::Sequence both(policy, /*withBase=*/true);
    QVERIFY(both.pairsWithBase());
    cl::Sequence alone(policy), base(reference);
    const json ref = cl::test::readJsonFile(cl::test::fixtureStd("refs/" + name + ".json"));
    auto ids = ref["logprob_sequences"][3]["input_ids"].get<std::vector<int32_t>>(); // 128
    cl::tol::DiffStats dp, dr, rows;
    auto compareAll = [&] {
        for (size_t i = 1; i < both.logprobs().size(); ++i) {
            dp.add(both.logprobs()[i], alone.logprobs()[i]);
            dr.add(both.referenceLogprobs()[i], base.logprobs()[i]);
        }
    };
    for (cl::Sequence* s : {&both, &alone, &base}) {
        QVERIFY(s->append(ids).ok());
    }
    compareAll();
    // Edits: keep 100 tokens, change the next and append 20, then 3 one-token extends.
    for (cl::Sequence* s : {&both, &alone, &base}) {
        s->truncate(100);
        QVERIFY(
            s->append({7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26})
                .ok());
        for (int32_t t : {40, 41, 42}) {
            QVERIFY(s->append({t}).ok());
        }
    }
    compareAll();
    auto polRow = both.nextLogprobs(110);
    auto refRow = both.nextLogprobs(110, /*reference=*/true);
    auto polAlone = alone.nextLogprobs(110);
    auto refAlone = base.nextLogprobs(110);
    QVERIFY(polRow.ok() && refRow.ok() && polAlone.ok() && refAlone.ok());
    for (size_t v = 0; v < polRow->size(); ++v) {
        rows.add((*polRow)[v], (*polAlone)[v]);
        rows.add((*refRow)[v], (*refAlone)[v]);
    }
    QVERIFY(dp.report(name + " batched policy row vs alone", cl::tol::kLogprobMaxF32VsF32));
    QVERIFY(dr.report(name + " batched base row vs the base alone", cl::tol::kLogprobMaxF32VsF32));
    QVERIFY(rows.report(name + " next-token rows (vocabulary)", cl::tol::kLogprobMaxF32VsF32));
}

void TestLora::adapterModelBin() {
    CL_REQUIRE_FIXTURES();
    // Older peft saves adapter_model.bin (torch.save of the state dict). The fixture adapter's
    // own tensors written that way must give the model the safetensors file gives.
    QTemporaryDir tmp;
    const fs::path src = cl::test::fixtureStd("models/lora_llama_gqa_r8");
    const fs::path dst = fs::path(tmp.path().toStdString()) / "lora_bin";
    fs::create_directories(dst);
    fs::copy_file(src / "adapter_config.json", dst / "adapter_config.json");
    auto st = cl::SafetensorsFile::open((src / "adapter_model.safetensors").string());
    QVERIFY2(st.ok(), st.ok() ? "" : st.error().c_str());
    std::vector<cl::test::torch_save::SavedTensor> tensors;
    for (const auto& [name, e] : st.value()->tensors()) {
        tensors.push_back({name, e.dtype, e.shape,
                           std::string(reinterpret_cast<const char*>(e.data), e.end - e.begin)});
    }
    std::ofstream((dst / "adapter_model.bin").string(), std::ios::binary)
        << cl::test::torch_save::stateDict(tensors);
    cl::LoadOptions options;
    options.baseDir = cl::test::fixtureStd("models/llama_gqa"); // the copy has no sibling base
    auto bin = cl::Model::load(dst.string(), options);
    QVERIFY2(bin.ok(), bin.ok() ? "" : bin.error().c_str());
    QVERIFY(bin.value()->info().adapter.has_value());
    QCOMPARE(bin.value()->info().adapter->fileFormat, std::string("pytorch_zip"));
    auto safetensors = cl::Model::load(src.string());
    QVERIFY(safetensors.ok());
    QCOMPARE(bin.value()->info().adapter->adaptedModules,
             safetensors.value()->info().adapter->adaptedModules);
    QCOMPARE(bin.value()->info().adapter->parameters,
             safetensors.value()->info().adapter->parameters);
    const std::vector<int32_t> ids = {1, 17, 42, 5, 99, 3, 64, 7, 12, 30};
    const auto a = bin.value()->logprobs(ids), b = safetensors.value()->logprobs(ids);
    QVERIFY(a.ok() && b.ok());
    cl::tol::DiffStats same;
    for (size_t i = 0; i < a->size(); ++i) {
        same.add((*a)[i], (*b)[i]);
    }
    QVERIFY(same.report("adapter_model.bin vs .safetensors", cl::tol::kSameFloatsInDouble));
    const json ref = cl::test::readJsonFile(cl::test::fixtureStd("refs/lora_llama_gqa_r8.json"));
    cl::test::checkLogprobSequences(*bin.value(), ref, "lora_llama_gqa_r8 (.bin)");
}

void TestLora::baseResolution() {
    CL_REQUIRE_FIXTURES();
    QTemporaryDir tmp;
    // A hub name that is no local folder: the sentence says what to do.
    const std::string hub = copyAdapter(tmp, "lora_llama_gqa_r8", [](json& c) {
        c["base_model_name_or_path"] = "meta-llama/Llama-2-7b-hf";
    });
    auto missing = cl::Model::load(hub);
    QVERIFY(!missing.ok());
    qInfo("%s", missing.error().c_str());
    QVERIFY(missing.error().find("meta-llama/Llama-2-7b-hf") != std::string::npos);
    QVERIFY(missing.error().find("--base DIR") != std::string::npos);
    cl::LoadOptions withBase;
    withBase.baseDir = cl::test::fixtureStd("models/llama_gqa");
    auto found = cl::Model::load(hub, withBase);
    QVERIFY2(found.ok(), found.error().c_str());
    QCOMPARE(found.value()->info().adapter->baseFolder, withBase.baseDir);
    // An absolute path in the config.
    const std::string absolute = copyAdapter(tmp, "lora_gpt2_r4_conv1d", [](json& c) {
        c["base_model_name_or_path"] = cl::test::fixtureStd("models/gpt2");
    });
    auto abs = cl::Model::inspect(absolute);
    QVERIFY2(abs.ok(), abs.error().c_str());
    QCOMPARE(abs->adapter->rank, 4);
    QCOMPARE(abs->architecture, std::string("GPT2LMHeadModel"));
    // The fixtures name a sibling folder (models/<name>).
    auto sibling = cl::Model::inspect(cl::test::fixtureStd("models/lora_gpt_neox_parallel_r8"));
    QVERIFY2(sibling.ok(), sibling.error().c_str());
    QVERIFY(fs::equivalent(sibling->adapter->baseFolder,
                           cl::test::fixtureStd("models/gpt_neox_parallel")));
    // target_modules as one string: a regex (full match), or peft's "all-linear".
    for (const char* targets :
         {R"(.*\.(q_proj|k_proj|v_proj|o_proj|gate_proj|up_proj|down_proj))", "all-linear"}) {
        QTemporaryDir own;
        const std::string dir = copyAdapter(own, "lora_llama_gqa_r8", [&](json& c) {
            c["target_modules"] = targets;
            c["base_model_name_or_path"] = cl::test::fixtureStd("models/llama_gqa");
        });
        auto info = cl::Model::inspect(dir);
        QVERIFY2(info.ok(), info.error().c_str());
        QCOMPARE(info->adapter->adaptedModules, 21); // 7 projections x 3 layers, as the list
    }
    // No reference and no adapter: the scorer says what is missing.
    auto noRef = cl::RewardScorer::load(cl::test::fixtureStd("models/llama_gqa"), "");
    QVERIFY(!noRef.ok());
    QVERIFY(noRef.error().find("LoRA adapter") != std::string::npos);
}

// Issue #14 item 4: an adapter policy's reference should be the adapter's base.
void TestLora::referenceWarnings() {
    CL_REQUIRE_FIXTURES();
    const std::string adapter = cl::test::fixtureStd("models/lora_llama_gqa_r8");
    auto pair = cl::RewardScorer::load(adapter, "");
    QVERIFY2(pair.ok(), pair.error().c_str());
    QVERIFY(pair.value()->loadWarnings().empty());
    auto explicitBase = cl::RewardScorer::load(adapter, cl::test::fixtureStd("models/llama_gqa"));
    QVERIFY2(explicitBase.ok(), explicitBase.error().c_str());
    QVERIFY(explicitBase.value()->loadWarnings().empty());
    // Same shapes, another folder (the BF16 copy): a warning naming the adapter's base.
    auto other =
        cl::RewardScorer::load(adapter, cl::test::fixtureStd("models/llama_gqa_bf16weights"));
    QVERIFY2(other.ok(), other.error().c_str());
    QCOMPARE(other.value()->loadWarnings().size(), size_t(1));
    const std::string& m = other.value()->loadWarnings()[0].message;
    qInfo("%s", m.c_str());
    QVERIFY(m.find("is not the LoRA adapter's") != std::string::npos);
}

void TestLora::refusals_data() {
    QTest::addColumn<QString>("field");
    QTest::addColumn<QString>("value");
    QTest::addColumn<QString>("expected");
    QTest::newRow("bias all") << "bias"
                              << "\"all\""
                              << "bias \"none\" only";
    QTest::newRow("dora") << "use_dora"
                          << "true"
                          << "\"use_dora\" is set";
    QTest::newRow("rank pattern") << "rank_pattern"
                                  << "{\"q_proj\": 4}"
                                  << "\"rank_pattern\"";
    QTest::newRow("not lora") << "peft_type"
                              << "\"IA3\""
                              << "LoRA adapters only";
    QTest::newRow("wrong rank") << "r"
                                << "4"
                                << "but r = 4 on";
}

void TestLora::refusals() {
    CL_REQUIRE_FIXTURES();
    QFETCH(QString, field);
    QFETCH(QString, value);
    QFETCH(QString, expected);
    QTemporaryDir tmp;
    const std::string dir = copyAdapter(tmp, "lora_llama_gqa_r8", [&](json& c) {
        c[field.toStdString()] = json::parse(value.toStdString());
        c["base_model_name_or_path"] = cl::test::fixtureStd("models/llama_gqa");
    });
    auto m = cl::Model::load(dir);
    QVERIFY(!m.ok());
    qInfo("%s", m.error().c_str());
    QVERIFY2(m.error().find(expected.toStdString()) != std::string::npos, m.error().c_str());
}

QTEST_GUILESS_MAIN(TestLora)
#include "tst_lora.moc"
