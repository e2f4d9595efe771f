// The beam tree's trace (issue #17 item 2): recording changes nothing in the search; following
// parents from each final beam gives its ids; each step holds exactly HF's top max(2, 1+n_eos)·W
// candidates, kept / finished / pruned as the scan decides; every node's log-probs and r_t equal
// full forwards of policy and reference.
#include "common/fixtures.h"
#include "stop_tokenizer.h"
#include "core/engine/beam_scoring.h"
#include "core/engine/beam_trace.h"
#include "core/engine/model.h"
#include "core/engine/sequence.h"
#include "core/text/tokenizer.h"

#include "common/tolerances.h"

#include <QtTest>

#include <algorithm>
#include <map>
#include <set>

class TestBeamTrace : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void trace_data();
    void trace();
    void stopStringWidensTheScan();
    void nullTraceByDefault();

private:
    std::unique_ptr<cl::Model> m_policy;
    std::unique_ptr<cl::Model> m_reference;
    std::vector<int32_t> m_greedy; // ids of a greedy run, EOS ids are taken from it
};

namespace {

const std::vector<int32_t> kPrompt = {5, 6, 7};
constexpr double kBeta = 0.1;

/// log-softmax after prompt + path, by one full forward from scratch.
std::vector<float> fullNext(cl::Model& model, const std::vector<int32_t>& path) {
    std::vector<int32_t> ids = kPrompt;
    ids.insert(ids.end(), path.begin(), path.end());
    cl::Sequence seq(model);
    auto a = seq.append(ids);
    if (!a) {
        return {};
    }
    auto lp = seq.nextLogprobs(static_cast<int64_t>(ids.size()) - 1);
    return lp ? lp.value() : std::vector<float>{};
}

} // namespace

void TestBeamTrace::initTestCase() {
    CL_REQUIRE_FIXTURES();
    auto pol = cl::Model::load(cl::test::fixtureStd("models/gpt_neox_parallel"));
    auto ref = cl::Model::load(cl::test::fixtureStd("models/gpt_neox_sequential"));
    QVERIFY2(pol.ok() && ref.ok(), "fixture models");
    m_policy = std::move(pol.value());
    m_reference = std::move(ref.value());
    cl::BeamOptions o;
    o.width = 1;
    o.maxNewTokens = 8;
    o.eosIds = {999999}; // never emitted
    auto g = cl::beamSearch(*m_policy, kPrompt, o);
    QVERIFY2(g.ok(), g.ok() ? "" : g.error().c_str());
    m_greedy = g->front().ids;
    QCOMPARE(m_greedy.size(), size_t(8));
}

void TestBeamTrace::trace_data() {
    QTest::addColumn<int>("width");
    QTest::addColumn<int>("maxNew");
    QTest::addColumn<int>("numReturn");
    QTest::addColumn<int>("eosCount"); // 0: an id never emitted; k: greedy ids 3, 5, ... as EOS
    QTest::newRow("greedy") << 1 << 8 << 1 << 0;
    QTest::newRow("greedy, eos") << 1 << 8 << 1 << 1;
    QTest::newRow("W=3") << 3 << 10 << 3 << 0;
    QTest::newRow("W=4, eos") << 4 << 10 << 4 << 1;
    QTest::newRow("W=5, two eos (3W candidates)") << 5 << 10 << 2 << 2;
    QTest::newRow("W=32") << 32 << 6 << 8 << 1;
}

void TestBeamTrace::trace() {
    QFETCH(int, width);
    QFETCH(int, maxNew);
    QFETCH(int, numReturn);
    QFETCH(int, eosCount);
    cl::BeamOptions o;
    o.width = width;
    o.maxNewTokens = maxNew;
    o.numReturn = numReturn;
    o.eosIds = {999999};
    if (eosCount > 0) {
        o.eosIds.clear();
        for (int k = 0; k < eosCount; ++k) {
            o.eosIds.push_back(m_greedy[3 + 2 * k]);
        }
    }
    const size_t nEos = o.eosIds.size();
    auto plain = cl::searchAndScore(*m_policy, m_reference.get(), nullptr, kPrompt, o, kBeta);
    QVERIFY2(plain.ok(), plain.ok() ? "" : plain.error().c_str());
    cl::BeamTrace trace;
    o.trace = &trace;
    auto traced = cl::searchAndScore(*m_policy, m_reference.get(), nullptr, kPrompt, o, kBeta);
    QVERIFY2(traced.ok(), traced.ok() ? "" : traced.error().c_str());

    // Recording changes nothing: same beams, same numbers.
    QCOMPARE(traced->size(), plain->size());
    for (size_t i = 0; i < plain->size(); ++i) {
        QCOMPARE((*traced)[i].beam.ids, (*plain)[i].beam.ids);
        QCOMPARE((*traced)[i].beam.score, (*plain)[i].beam.score);
    }
    QVERIFY(trace.scored);
    QCOMPARE(trace.width, width);
    QVERIFY(!trace.steps.empty());

    // Following parents from each final beam gives its ids, through Kept nodes, with the
    // search's own log-probs.
    QCOMPARE(trace.finals.size(), traced->size());
    int finishedSeen = 0;
    for (size_t i = 0; i < traced->size(); ++i) {
        const cl::Beam& b = (*traced)[i].beam;
        const cl::BeamTraceEnd end = trace.finals[i];
        QCOMPARE(trace.pathIds(end), b.ids);
        QCOMPARE(end.step + 1, static_cast<int>(b.ids.size()));
        int node = end.node;
        for (int s = end.step; s >= 0; --s) {
            const cl::BeamTraceNode& n = trace.steps[s].nodes[node];
            QCOMPARE(n.logpPolicy, b.logprobs[s]);
            if (s == end.step) {
                QCOMPARE(n.fate == cl::BeamNodeFate::Finished, b.finished);
                finishedSeen += b.finished;
            } else {
                QCOMPARE(n.fate, cl::BeamNodeFate::Kept);
            }
            node = n.parent;
        }
        QCOMPARE(node, -1);
    }

    // Each step: exactly the top K = max(2, 1 + n_eos)·W candidates by recomputed score (full
    // forwards), kept = the first W that do not end, finished = ending ones in the top W, and
    // the pruned ones = every other considered candidate. Also every node's numbers.
    const int64_t K = std::max<int64_t>(2, 1 + static_cast<int64_t>(nEos)) * width;
    auto isEos = [&](int32_t t) {
        return std::find(o.eosIds.begin(), o.eosIds.end(), t) != o.eosIds.end();
    };
    double maxLpDiff = 0;
    size_t prunedTotal = 0;
    int finishedNodes = 0;
    for (size_t s = 0; s < trace.steps.size(); ++s) {
        const cl::BeamTraceStep& st = trace.steps[s];
        // Parents: the previous step's W rows (their full-forward distributions).
        std::vector<int> parentNodes(width, -1);
        std::vector<double> parentScore(width, -1e9);
        parentScore[0] = 0;
        if (s > 0) {
            const cl::BeamTraceStep& prev = trace.steps[s - 1];
            QCOMPARE(static_cast<int>(prev.beamRows.size()), width);
            for (int b = 0; b < width; ++b) {
                parentNodes[b] = prev.beamRows[b];
                parentScore[b] = prev.nodes[prev.beamRows[b]].beamScore;
            }
        }
        std::map<int, std::vector<float>> pol;
        std::map<int, std::vector<float>> ref;
        for (int b = 0; b < width; ++b) {
            const std::vector<int32_t> path =
                s == 0 ? std::vector<int32_t>{}
                       : trace.pathIds({static_cast<int>(s) - 1, parentNodes[b]});
            pol[b] = fullNext(*m_policy, path);
            ref[b] = fullNext(*m_reference, path);
            QVERIFY(!pol[b].empty() && !ref[b].empty());
        }
        const int64_t vocab = static_cast<int64_t>(pol[0].size());
        QCOMPARE(static_cast<int64_t>(st.nodes.size()), std::min(K, width * vocab));
        const double tol = (s + 1) * cl::tol::kLogprobMaxF32VsF32 + 1e-5;
        std::set<std::pair<int, int32_t>> inTrace;
        double lowest = 1e300;
        int keptCount = 0;
        for (size_t r = 0; r < st.nodes.size(); ++r) {
            const cl::BeamTraceNode& n = st.nodes[r];
            QCOMPARE(n.rank, static_cast<int>(r));
            QCOMPARE(n.parent, parentNodes[n.parentSlot]);
            const double lpPol = pol[n.parentSlot][n.token];
            const double lpRef = ref[n.parentSlot][n.token];
            maxLpDiff =
                std::max({maxLpDiff, std::abs(n.logpPolicy - lpPol), std::abs(n.logpRef - lpRef)});
            QVERIFY2(std::abs(n.logpPolicy - lpPol) <= cl::tol::kLogprobMaxF32VsF32,
                     qPrintable(QString("step %1 rank %2: log pi_theta %3 vs full forward %4")
                                    .arg(s)
                                    .arg(r)
                                    .arg(n.logpPolicy)
                                    .arg(lpPol)));
            QVERIFY2(std::abs(n.logpRef - lpRef) <= cl::tol::kLogprobMaxF32VsF32,
                     qPrintable(QString("step %1 rank %2: log pi_ref %3 vs full forward %4")
                                    .arg(s)
                                    .arg(r)
                                    .arg(n.logpRef)
                                    .arg(lpRef)));
            QVERIFY(std::abs(n.reward - kBeta * (lpPol - lpRef)) <=
                    cl::tol::rewardMax(kBeta, cl::tol::kLogprobMaxF32VsF32));
            QVERIFY(std::abs(n.beamScore - (parentScore[n.parentSlot] + lpPol)) <= tol);
            inTrace.insert({n.parentSlot, n.token});
            lowest = std::min(lowest, n.beamScore);
            if (r > 0) {
                QVERIFY(n.beamScore <= st.nodes[r - 1].beamScore);
            }
            // The scan: the first W open candidates are kept, ending ones in the top W finish.
            const bool ends = isEos(n.token);
            cl::BeamNodeFate expected =
                ends ? (static_cast<int>(r) < width ? cl::BeamNodeFate::Finished
                                                    : cl::BeamNodeFate::Pruned)
                     : (keptCount < width ? cl::BeamNodeFate::Kept : cl::BeamNodeFate::Pruned);
            if (width == 1 && r > 0) {
                expected = cl::BeamNodeFate::Pruned; // greedy takes only its argmax
            }
            QCOMPARE(n.fate, expected);
            keptCount += n.fate == cl::BeamNodeFate::Kept;
            prunedTotal += n.fate == cl::BeamNodeFate::Pruned;
            finishedNodes += n.fate == cl::BeamNodeFate::Finished;
        }
        // Nothing outside the trace scores above its lowest candidate (beyond round-off).
        const int liveRows = s == 0 ? 1 : width;
        for (int b = 0; b < liveRows; ++b) {
            for (int64_t t = 0; t < vocab; ++t) {
                if (!inTrace.count({b, static_cast<int32_t>(t)})) {
                    QVERIFY2(parentScore[b] + pol[b][t] <= lowest + tol,
                             qPrintable(QString("step %1: row %2 token %3 scores above the "
                                                "lowest traced candidate")
                                            .arg(s)
                                            .arg(b)
                                            .arg(t)));
                }
            }
        }
    }
    if (eosCount > 0) {
        QVERIFY2(finishedNodes > 0, "the EOS ids should end some hypothesis of the trace");
    }
    qInfo("W=%d, %d finished beams returned: %zu steps, %zu nodes (%zu pruned), max |log-prob - "
          "full forward| %.3g",
          width, finishedSeen, trace.steps.size(), trace.nodeCount(), prunedTotal, maxLpDiff);
}

void TestBeamTrace::stopStringWidensTheScan() {
    StopEverywhereTokenizer tok(5); // multiples of 5 stay open, every other id stops
    cl::BeamOptions o;
    o.width = 4;
    o.numReturn = 4;
    o.maxNewTokens = 6;
    o.eosIds = {999999};
    o.stopString = "STOP";
    auto plain = cl::searchAndScore(*m_policy, m_reference.get(), &tok, kPrompt, o, kBeta);
    QVERIFY2(plain.ok(), plain.ok() ? "" : plain.error().c_str());
    cl::BeamTrace trace;
    o.trace = &trace;
    auto traced = cl::searchAndScore(*m_policy, m_reference.get(), &tok, kPrompt, o, kBeta);
    QVERIFY2(traced.ok(), traced.ok() ? "" : traced.error().c_str());
    QCOMPARE(traced->size(), plain->size());
    for (size_t i = 0; i < plain->size(); ++i) {
        QCOMPARE((*traced)[i].beam.ids, (*plain)[i].beam.ids);
        QCOMPARE(trace.pathIds(trace.finals[i]), (*traced)[i].beam.ids);
    }
    bool widened = false;
    for (const cl::BeamTraceStep& st : trace.steps) {
        // The scan reads ranks until W open candidates are kept; the trace holds every rank read
        // (at least HF's 2W), stop-ending ones finished in the top W and pruned after it.
        QVERIFY(st.nodes.size() >= size_t(2 * o.width));
        widened = widened || st.nodes.size() > size_t(2 * o.width);
        int kept = 0;
        for (const cl::BeamTraceNode& n : st.nodes) {
            const bool stops = n.token % 5 != 0;
            QCOMPARE(
                n.fate,
                stops ? (n.rank < o.width ? cl::BeamNodeFate::Finished : cl::BeamNodeFate::Pruned)
                      : (kept < o.width ? cl::BeamNodeFate::Kept : cl::BeamNodeFate::Pruned));
            kept += n.fate == cl::BeamNodeFate::Kept;
            QVERIFY(!std::isnan(n.reward));
        }
        QCOMPARE(kept, o.width);
        if (st.nodes.size() > size_t(2 * o.width)) {
            QCOMPARE(st.nodes.back().fate, cl::BeamNodeFate::Kept); // the scan stopped there
        }
    }
    QVERIFY2(widened, "4 of 5 ids stop: some step must read past 2W ranks");
}

void TestBeamTrace::nullTraceByDefault() {
    cl::BeamOptions o;
    QCOMPARE(o.trace, nullptr);
}

QTEST_GUILESS_MAIN(TestBeamTrace)
#include "tst_beam_trace.moc"
