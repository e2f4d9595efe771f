// Beam search equals HF generate() on every fixture run (issue #7): ids identical, scores within
// 1e-4 of the float64 re-score; greedy for W=1; argument checks and cancel.
#include "common/fixtures.h"
#include "stop_tokenizer.h"
#include "core/engine/beam_scoring.h"
#include "core/engine/model.h"
#include "core/text/tokenizer.h"

#include "common/tolerances.h"

#include <QtTest>

#include <nlohmann/json.hpp>

#include <fstream>

using nlohmann::json;

class TestBeamSearch : public QObject {
    Q_OBJECT
private slots:
    void matchesHf_data();
    void matchesHf();
    void greedyIsArgmax();
    void argumentChecks();
    void cancelStopsWithinAStep();
    void rewardsOfBeams();
    void stopStringEndingMostCandidates_data();
    void stopStringEndingMostCandidates();
};

namespace {


} // namespace

void TestBeamSearch::matchesHf_data() {
    QTest::addColumn<QString>("model");
    QTest::addColumn<QString>("refs");
    for (const char* n : {"gpt_neox_parallel", "gpt_neox_sequential", "llama_gqa", "gpt2"}) {
        QTest::newRow(n) << QString("models/") + n << QString("refs/") + n + ".json";
    }
    QTest::newRow("stories260k") << QString("stories260k") << QString("stories260k/refs.json");
}

void TestBeamSearch::matchesHf() {
    CL_REQUIRE_FIXTURES();
    QFETCH(QString, model);
    QFETCH(QString, refs);
    auto m = cl::Model::load(cl::test::fixtureStd(model));
    QVERIFY2(m.ok(), m.error().c_str());
    std::ifstream in(cl::test::fixtureStd(refs));
    const json ref = json::parse(in);
    for (const json& g : ref["generation"]) {
        cl::BeamOptions o;
        o.width = g["num_beams"].get<int>();
        o.numReturn = g["num_return_sequences"].get<int>();
        o.maxNewTokens = g["max_new_tokens"].get<int>();
        o.lengthPenalty = g["length_penalty"].get<double>();
        o.eosId = g["eos_token_id"].get<int32_t>();
        auto beams = cl::beamSearch(*m.value(), g["prompt_ids"].get<std::vector<int32_t>>(), o);
        QVERIFY2(beams.ok(), beams.error().c_str());
        const auto expected = g["new_tokens"].get<std::vector<std::vector<int32_t>>>();
        const auto scores = g["rescored_score_fp64"].get<std::vector<double>>();
        QCOMPARE(beams->size(), expected.size());
        cl::tol::DiffStats d;
        for (size_t i = 0; i < expected.size(); ++i) {
            QVERIFY2((*beams)[i].ids == expected[i],
                     qPrintable(QString("%1 W=%2 beam %3 differs")
                                    .arg(QString::fromStdString(g["scenario"].get<std::string>()))
                                    .arg(o.width)
                                    .arg(i)));
            d.add((*beams)[i].score, scores[i]);
        }
        const QString what = QString("%1 W=%2 beam scores vs float64 re-score")
                                 .arg(QString::fromStdString(g["scenario"].get<std::string>()))
                                 .arg(o.width);
        QVERIFY2(d.report(what, cl::tol::kBeamScoreVsF64), qPrintable(d.describe(what, cl::tol::kBeamScoreVsF64)));
    }
}

void TestBeamSearch::greedyIsArgmax() {
    CL_REQUIRE_FIXTURES();
    auto m = cl::Model::load(cl::test::fixtureStd("models/llama_gqa"));
    QVERIFY(m.ok());
    std::vector<int32_t> ids = {1, 11, 243};
    cl::BeamOptions o;
    o.width = 1;
    o.maxNewTokens = 10;
    o.eosId = 999999; // never
    auto beams = cl::beamSearch(*m.value(), ids, o);
    QVERIFY(beams.ok());
    for (int32_t tok : beams->front().ids) {
        auto top = m.value()->topK(ids, 1);
        QCOMPARE(top->back()[0].first, tok);
        ids.push_back(tok);
    }
}

void TestBeamSearch::argumentChecks() {
    CL_REQUIRE_FIXTURES();
    auto m = cl::Model::load(cl::test::fixtureStd("models/gpt2"));
    QVERIFY(m.ok());
    cl::BeamOptions o;
    o.width = 3;
    o.numReturn = 4;
    auto r = cl::beamSearch(*m.value(), {1, 2}, o);
    QVERIFY(!r.ok());
    QVERIFY(r.error().find("between 1 and the beam width 3") != std::string::npos);
    o.numReturn = 1;
    o.width = 33;
    QVERIFY(!cl::beamSearch(*m.value(), {1, 2}, o).ok());
    o.width = 2;
    o.maxNewTokens = 500;
    auto tooLong = cl::beamSearch(*m.value(), {1, 2}, o);
    QVERIFY(!tooLong.ok());
    QVERIFY(tooLong.error().find("context") != std::string::npos);
    QVERIFY(cl::parseEarlyStopping("never") == cl::EarlyStopping::Never);
    QVERIFY(!cl::parseEarlyStopping("maybe"));
}

void TestBeamSearch::cancelStopsWithinAStep() {
    CL_REQUIRE_FIXTURES();
    auto m = cl::Model::load(cl::test::fixtureStd("models/gpt2"));
    QVERIFY(m.ok());
    cl::BeamOptions o;
    o.width = 4;
    o.maxNewTokens = 100;
    int lastStep = -1;
    auto r = cl::beamSearch(*m.value(), {1, 2}, o, nullptr, [&](const cl::Progress& p) {
        lastStep = static_cast<int>(p.done);
        return p.done < 3; // cancel at step 3
    });
    QVERIFY(!r.ok());
    QCOMPARE(r.error(), std::string(cl::kCancelledMessage));
    QCOMPARE(lastStep, 3);
}

void TestBeamSearch::rewardsOfBeams() {
    CL_REQUIRE_FIXTURES();
    auto pol = cl::Model::load(cl::test::fixtureStd("models/gpt_neox_parallel"));
    auto ref = cl::Model::load(cl::test::fixtureStd("models/gpt_neox_sequential"));
    QVERIFY(pol.ok() && ref.ok());
    cl::BeamOptions o;
    o.width = 3;
    o.numReturn = 3;
    o.maxNewTokens = 8;
    const std::vector<int32_t> prompt = {5, 6, 7};
    auto beams = cl::searchAndScore(*pol.value(), ref.value().get(), nullptr, prompt, o, 0.1);
    QVERIFY2(beams.ok(), beams.error().c_str());
    for (const cl::ScoredBeam& b : beams.value()) {
        std::vector<int32_t> full = prompt;
        full.insert(full.end(), b.beam.ids.begin(), b.beam.ids.end());
        auto lpPol = pol.value()->logprobs(full);
        auto lpRef = ref.value()->logprobs(full);
        // Beam scoring extends a shared cache; the check runs a full forward: two float32
        // computations of each log-prob.
        double sum = 0;
        cl::tol::DiffStats d;
        for (size_t i = 0; i < b.beam.ids.size(); ++i) {
            const size_t k = prompt.size() - 1 + i;
            sum += 0.1 * ((*lpPol)[k] - (*lpRef)[k]);
            d.add(b.reward->tokens[i].logpPolicy, (*lpPol)[k]);
            d.add(b.reward->tokens[i].logpRef, (*lpRef)[k]);
        }
        QVERIFY(d.report("beam log-probs vs full forward", cl::tol::kLogprobMaxF32VsF32));
        QVERIFY(std::abs(b.reward->rewardSum - sum) <=
                cl::tol::sumOf(b.beam.ids.size(), cl::tol::rewardMax(0.1, cl::tol::kLogprobMaxF32VsF32)));
    }
    auto sweep = cl::widthSweep(*pol.value(), *ref.value(), nullptr, {prompt, {9, 8}}, {1, 2, 4},
                                o, 0.1);
    QVERIFY2(sweep.ok(), sweep.error().c_str());
    QCOMPARE(sweep->size(), size_t(3));
    QCOMPARE(sweep->at(2).width, 4);
    QCOMPARE(sweep->at(0).prompts, 2);
    QVERIFY(sweep->at(0).meanLength > 0);
}

// Issue #18: when more than W of the top 2·W candidates contain the stop string, fewer than W
// open beams were left and the step indexed past them (a crash, or garbage beams).
void TestBeamSearch::stopStringEndingMostCandidates_data() {
    QTest::addColumn<int>("openEvery");
    QTest::addColumn<int>("width");
    QTest::newRow("one id in 50 stays open, W=4") << 50 << 4;
    QTest::newRow("one id in 7 stays open, W=8") << 7 << 8;
    QTest::newRow("every id stops, W=4") << 0 << 4;
}

void TestBeamSearch::stopStringEndingMostCandidates() {
    CL_REQUIRE_FIXTURES();
    QFETCH(int, openEvery);
    QFETCH(int, width);
    auto m = cl::Model::load(cl::test::fixtureStd("models/llama_gqa"));
    QVERIFY2(m.ok(), m.error().c_str());
    const StopEverywhereTokenizer tok(openEvery);
    cl::BeamOptions o;
    o.width = width;
    o.numReturn = width;
    o.maxNewTokens = 6;
    o.eosIds = {2};
    o.stopString = "STOP";
    auto beams = cl::beamSearch(*m.value(), {1, 11, 243}, o, &tok);
    QVERIFY2(beams.ok(), beams.error().c_str());
    QVERIFY(!beams->empty());
    QVERIFY(static_cast<int>(beams->size()) <= width);
    for (const cl::Beam& b : *beams) {
        QVERIFY(!b.ids.empty());
        QCOMPARE(b.ids.size(), b.logprobs.size());
        for (int32_t id : b.ids) {
            QVERIFY(id >= 0 && id < 1000);
        }
        const bool stopped = tok.decode(b.ids, false).find("STOP") != std::string::npos;
        // A finished beam ends at its first stop (or EOS); an open one never contains it.
        QCOMPARE(b.finished, stopped || b.ids.back() == 2);
        if (stopped) {
            std::vector<int32_t> head(b.ids.begin(), b.ids.end() - 1);
            QVERIFY(tok.decode(head, false).find("STOP") == std::string::npos);
        }
    }
    if (openEvery == 0) {
        QCOMPARE(static_cast<int>(beams->size()), width); // the top W of step 1, all finished
    }
}

QTEST_GUILESS_MAIN(TestBeamSearch)
#include "tst_beam_search.moc"
