// Architectures of issue #14 against HF transformers 4.40's float64 references: Qwen2, Mistral's
// sliding window, Gemma, OLMo, StableLM 2 (both fixtures), Llama rope_scaling linear and dynamic,
// and a Llama 3 eos_token_id list. Log-probs, greedy and beam generations, incremental extends
// (window and dynamic NTK across max_position_embeddings), and the refusal sentences.
#include "common/fixtures.h"
#include "common/tolerances.h"
#include "fixture_refs.h"
#include "core/engine/beam_search.h"
#include "core/engine/model.h"
#include "core/engine/model_config.h"
#include "core/engine/sequence.h"

#include <QtTest>

#include <nlohmann/json.hpp>

#include <cmath>
#include <fstream>

using nlohmann::json;

namespace {



const char* const kArchitectures[] = {"qwen2",
                                      "mistral_swa16",
                                      "gemma",
                                      "olmo",
                                      "stablelm_2",
                                      "stablelm_2_qkln",
                                      "llama_rope_linear",
                                      "llama_rope_dynamic",
                                      "llama3_eos_list"};

/// Log-probs held by a sequence (position 0 has none) against the float64 reference.
cl::tol::DiffStats compare(const std::vector<double>& held, const std::vector<double>& expected,
                           size_t count) {
    cl::tol::DiffStats d;
    for (size_t i = 0; i < count; ++i) {
        d.add(held[i + 1], expected[i]);
    }
    return d;
}

} // namespace

class TestModelParityExt : public QObject {
    Q_OBJECT
private slots:
    void logprobs_data();
    void logprobs();
    void generations_data() { logprobs_data(); }
    void generations();
    void slidingWindowIncremental();
    void dynamicNtkIncremental();
    void eosList();
    void configs();
    void refusals_data();
    void refusals();
};

void TestModelParityExt::logprobs_data() {
    QTest::addColumn<QString>("name");
    for (const char* n : kArchitectures) {
        QTest::newRow(n) << QString::fromLatin1(n);
    }
}

void TestModelParityExt::logprobs() {
    CL_REQUIRE_FIXTURES();
    QFETCH(QString, name);
    auto model = cl::Model::load(cl::test::fixtureStd("models/" + name));
    QVERIFY2(model.ok(), model.error().c_str());
    cl::tol::DiffStats all;
    cl::test::checkLogprobSequences(*model.value(), cl::test::fixtureRefs(name), name, &all);
    qInfo("%s: largest max |d| %.3g over %zu tokens", qPrintable(name), all.max, all.count);
}

void TestModelParityExt::generations() {
    CL_REQUIRE_FIXTURES();
    QFETCH(QString, name);
    auto m = cl::Model::load(cl::test::fixtureStd("models/" + name));
    QVERIFY2(m.ok(), m.error().c_str());
    const json ref = cl::test::fixtureRefs(name);
    const int hypotheses = cl::test::checkGenerations(*m.value(), ref, name, true);
    if (QTest::currentTestFailed()) {
        return;
    }
    qInfo("%s: %zu/%zu generation runs identical (%d hypotheses)", qPrintable(name),
          ref["generation"].size(), ref["generation"].size(), hypotheses);
}

void TestModelParityExt::slidingWindowIncremental() {
    // Issue #14: cached keys outside the window must stay masked in one-token extends.
    CL_REQUIRE_FIXTURES();
    auto m = cl::Model::load(cl::test::fixtureStd("models/mistral_swa16"));
    QVERIFY2(m.ok(), m.error().c_str());
    const json ref = cl::test::readJsonFile(cl::test::fixtureStd("refs/mistral_swa16.json"));
    const json& seq = ref["logprob_sequences"][3]; // 128 tokens, window 16
    const auto ids = seq["input_ids"].get<std::vector<int32_t>>();
    const auto expected = seq["next_token_logprobs_fp64"].get<std::vector<double>>();
    cl::Sequence s(*m.value());
    size_t at = 0;
    for (size_t chunk : {5, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 9, 30, 1}) {
        QVERIFY(s.append({ids.begin() + at, ids.begin() + at + chunk}).ok());
        at += chunk;
    }
    QVERIFY(s.append({ids.begin() + at, ids.end()}).ok());
    const cl::tol::DiffStats d = compare(s.logprobs(), expected, expected.size());
    QVERIFY(d.report("mistral_swa16 incremental vs fp64", cl::tol::kLogprobMaxVsF64));
    QVERIFY(d.mean() <= cl::tol::kLogprobMeanVsF64);
    // Truncate into the middle and extend again: the same numbers.
    s.truncate(40);
    QVERIFY(s.append({ids.begin() + 40, ids.end()}).ok());
    const cl::tol::DiffStats again = compare(s.logprobs(), expected, expected.size());
    QVERIFY(again.report("mistral_swa16 truncate + extend vs fp64", cl::tol::kLogprobMaxVsF64));
}

void TestModelParityExt::dynamicNtkIncremental() {
    // Issue #14: past max_position_embeddings (64) the rotary base depends on the length of the
    // pass. Incremental scoring must equal a full forward of the same sequence, on both sides of
    // the threshold (docs/DECISIONS.md).
    CL_REQUIRE_FIXTURES();
    auto m = cl::Model::load(cl::test::fixtureStd("models/llama_rope_dynamic"));
    QVERIFY2(m.ok(), m.error().c_str());
    const json ref = cl::test::readJsonFile(cl::test::fixtureStd("refs/llama_rope_dynamic.json"));
    const json& seq = ref["logprob_sequences"][4]; // the extra 80-token sequence
    const auto ids = seq["input_ids"].get<std::vector<int32_t>>();
    QCOMPARE(ids.size(), size_t(80));
    const auto expected = seq["next_token_logprobs_fp64"].get<std::vector<double>>();

    cl::Sequence s(*m.value());
    size_t at = 0;
    for (size_t chunk : {40, 20, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1}) { // crosses 64 one token at a time
        QVERIFY(s.append({ids.begin() + at, ids.begin() + at + chunk}).ok());
        at += chunk;
    }
    QVERIFY(s.append({ids.begin() + at, ids.end()}).ok());
    const cl::tol::DiffStats d = compare(s.logprobs(), expected, expected.size());
    QVERIFY(d.report("llama_rope_dynamic 80 incremental vs fp64", cl::tol::kLogprobMaxVsF64));
    QVERIFY(d.mean() <= cl::tol::kLogprobMeanVsF64);

    // Back below the threshold: the 60-token prefix equals its own full (unscaled) forward,
    // not the scaled numbers the 80-token pass held.
    s.truncate(50);
    QVERIFY(s.append({ids.begin() + 50, ids.begin() + 60}).ok());
    auto full60 = m.value()->logprobs({ids.begin(), ids.begin() + 60});
    QVERIFY2(full60.ok(), full60.error().c_str());
    const std::vector<double> full60d(full60->begin(), full60->end());
    const cl::tol::DiffStats below = compare(s.logprobs(), full60d, full60d.size());
    QVERIFY(below.report("llama_rope_dynamic 60 after truncate vs full forward",
                         cl::tol::kLogprobMaxF32VsF32));
    cl::tol::DiffStats moved; // the test can fail: scaled and unscaled prefixes differ
    for (size_t i = 0; i < full60->size(); ++i) {
        moved.add((*full60)[i], expected[i]);
    }
    QVERIFY2(moved.max > 100 * cl::tol::kLogprobMaxVsF64,
             qPrintable(moved.describe("scaled vs unscaled prefix", 0)));

    // An empty append after a truncate below the threshold refreshes what the sequence holds.
    QVERIFY(s.append({ids.begin() + 60, ids.end()}).ok());
    s.truncate(40);
    QVERIFY(s.append({}).ok());
    const cl::tol::DiffStats empty = compare(s.logprobs(), full60d, 39);
    QVERIFY(empty.report("llama_rope_dynamic 80 -> 40 (empty append) vs full forward",
                         cl::tol::kLogprobMaxF32VsF32));
    QVERIFY(s.append({ids.begin() + 40, ids.begin() + 60}).ok());

    // Up again to 80 (a recompute), then truncate to 70 and extend to 80 again (the cached keys
    // carry the 80-token frequencies and are reused): the reference numbers both times.
    QVERIFY(s.append({ids.begin() + 60, ids.end()}).ok());
    const cl::tol::DiffStats up = compare(s.logprobs(), expected, expected.size());
    QVERIFY(up.report("llama_rope_dynamic 60 -> 80 vs fp64", cl::tol::kLogprobMaxVsF64));
    s.truncate(70);
    QVERIFY(s.append({ids.begin() + 70, ids.end()}).ok());
    QCOMPARE(s.length(), int64_t(80));
    const cl::tol::DiffStats same = compare(s.logprobs(), expected, expected.size());
    QVERIFY(same.report("llama_rope_dynamic 80 -> 70 -> 80 vs fp64", cl::tol::kLogprobMaxVsF64));

    // The 128-token sequence (factor 2 x 64: the longest context) in one pass and by extends.
    const json& longest = ref["logprob_sequences"][3];
    const auto ids128 = longest["input_ids"].get<std::vector<int32_t>>();
    const auto exp128 = longest["next_token_logprobs_fp64"].get<std::vector<double>>();
    cl::Sequence t(*m.value());
    QVERIFY(t.append({ids128.begin(), ids128.begin() + 100}).ok());
    QVERIFY(t.append({ids128.begin() + 100, ids128.end()}).ok());
    const cl::tol::DiffStats d128 = compare(t.logprobs(), exp128, exp128.size());
    QVERIFY(
        d128.report("llama_rope_dynamic 128 by two extends vs fp64", cl::tol::kLogprobMaxVsF64));
    auto tooLong = t.append({5});
    QVERIFY(!tooLong.ok());
    QVERIFY2(tooLong.error().find("context of 128 tokens") != std::string::npos,
             tooLong.error().c_str());
}

void TestModelParityExt::eosList() {
    // Issue #14: eos_token_id [331, 34] keeps both ids; greedy and beams stop on either.
    CL_REQUIRE_FIXTURES();
    auto c = cl::ModelConfig::fromFile(cl::test::fixtureStd("models/llama3_eos_list/config.json"));
    QVERIFY2(c.ok(), c.error().c_str());
    QCOMPARE(c->eosIds, (std::vector<int32_t>{331, 34}));
    QCOMPARE(*c->eosId, 331);
    auto m = cl::Model::load(cl::test::fixtureStd("models/llama3_eos_list"));
    QVERIFY2(m.ok(), m.error().c_str());
    QCOMPARE(m.value()->info().eosIds, (std::vector<int32_t>{331, 34}));
    // Only the first id: the 3-beam search no longer stops at 34 (the first_eos_only run).
    const std::vector<int32_t> prompt = {1, 11, 243, 870, 5, 391};
    cl::BeamOptions o;
    o.width = 3;
    o.maxNewTokens = 12;
    auto both = cl::beamSearch(*m.value(), prompt, o);
    QVERIFY2(both.ok(), both.error().c_str());
    QCOMPARE(both->front().ids, (std::vector<int32_t>{808, 559, 34}));
    QVERIFY(both->front().finished);
    o.eosId = 331;
    auto first = cl::beamSearch(*m.value(), prompt, o);
    QVERIFY2(first.ok(), first.error().c_str());
    QCOMPARE(first->front().ids.size(), size_t(12));
}

void TestModelParityExt::configs() {
    // What each unit reads from the fixtures' config.json (issue #14).
    CL_REQUIRE_FIXTURES();
    auto config = [](const char* name) {
        auto c = cl::ModelConfig::fromFile(
            cl::test::fixtureStd(QString("models/") + name + "/config.json"));
        if (!c.ok()) {
            qWarning("%s", c.error().c_str());
        }
        return c.value();
    };
    const cl::ModelConfig qwen2 = config("qwen2");
    QCOMPARE(qwen2.arch, cl::Architecture::Qwen2);
    QVERIFY(qwen2.attentionBias && !qwen2.attentionOutBias);
    QCOMPARE(qwen2.slidingWindow, int64_t(4096)); // applied although use_sliding_window is false
    QCOMPARE(config("mistral_swa16").slidingWindow, int64_t(16));
    const cl::ModelConfig gemma = config("gemma");
    QCOMPARE(gemma.activation, std::string("gelu_pytorch_tanh")); // hidden_act says "gelu"
    QCOMPARE(gemma.headDim, 16);
    QVERIFY(gemma.norm == cl::NormKind::RmsNormOffset);
    QCOMPARE(gemma.embedScale, std::sqrt(32.0));
    QVERIFY(gemma.tieEmbeddings);
    auto noActivation = cl::ModelConfig::fromJson(
        R"({"model_type":"gemma","vocab_size":10,"hidden_size":8,"num_hidden_layers":1,
            "num_attention_heads":2,"intermediate_size":16,"hidden_act":"gelu",
            "hidden_activation":null})",
        "c.json");
    QVERIFY2(noActivation.ok(), noActivation.error().c_str());
    QCOMPARE(noActivation->activation, std::string("gelu_pytorch_tanh"));
    const cl::ModelConfig olmo = config("olmo");
    QCOMPARE(olmo.clipQkv, 1.5);
    QCOMPARE(olmo.normEps, 1e-5);
    QVERIFY(olmo.norm == cl::NormKind::LayerNormNoAffine);
    const cl::ModelConfig qkln = config("stablelm_2_qkln");
    QCOMPARE(qkln.rotaryDims, 4);
    QVERIFY(qkln.qkNorm && qkln.parallelResidual && qkln.sharedNorm);
    QVERIFY(!config("stablelm_2").sharedNorm);
    const cl::ModelConfig dynamic = config("llama_rope_dynamic");
    QCOMPARE(dynamic.ropeScalingType, std::string("dynamic"));
    QCOMPARE(dynamic.contextLength(), int64_t(128));
    QCOMPARE(config("llama_rope_linear").contextLength(), int64_t(128));
}

void TestModelParityExt::refusals_data() {
    QTest::addColumn<QString>("config");
    QTest::addColumn<QString>("expected");
    const QString sizes = R"("vocab_size":10,"hidden_size":8,"num_hidden_layers":1,
                             "num_attention_heads":2,"intermediate_size":16)";
    QTest::newRow("gemma2") << R"({"architectures":["Gemma2ForCausalLM"],)" + sizes + "}"
                            << "needs attention and final logit soft-capping";
    QTest::newRow("softcap in a gemma config")
        << R"({"model_type":"gemma","final_logit_softcapping":30.0,)" + sizes + "}"
        << "\"final_logit_softcapping\" asks for final logit soft-capping";
    QTest::newRow("yarn") << R"({"model_type":"qwen2","rope_scaling":{"type":"yarn","factor":4},)" +
                                 sizes + "}"
                          << "rope_scaling type \"yarn\" is not supported";
    QTest::newRow("mixtral") << R"({"model_type":"mixtral",)" + sizes + "}"
                             << "mixture-of-experts";
    QTest::newRow("window") << R"({"model_type":"mistral","sliding_window":-4,)" + sizes + "}"
                            << "\"sliding_window\" must be positive";
}

void TestModelParityExt::refusals() {
    QFETCH(QString, config);
    QFETCH(QString, expected);
    auto c = cl::ModelConfig::fromJson(config.toStdString(), "/m/config.json");
    QVERIFY(!c.ok());
    QVERIFY2(c.error().find(expected.toStdString()) != std::string::npos, c.error().c_str());
    QVERIFY(c.error().rfind("/m/config.json: ", 0) == 0);
}

QTEST_GUILESS_MAIN(TestModelParityExt)
#include "tst_model_parity_ext.moc"
