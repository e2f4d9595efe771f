// One DPO step of the demo trainer (issue #9) against a hand computation: the trainer's batched,
// right-padded log-prob sums equal the app's scorer's per-token log-probs summed, the loss equals
// -log sigma(beta((pi_c - pi_r) - (ref_c - ref_r))) averaged by hand, and one AdamW step lowers
// it (checked again through the app's scorer on the saved policy).
#include "common/tolerances.h"
#include "core/demo/demo_probe.h"
#include "core/engine/reward_scorer.h"

#include <QTemporaryDir>
#include <QtTest>

#include <cmath>

using cl::demo::ProbeSequence;

namespace {

constexpr double kBeta = 0.1;

struct Sums {
    std::vector<double> policy, ref;
};

/// Summed response log-probs through the app's inference path (KV-cached scorer).
Sums scoreAll(const std::string& policy, const std::string& ref,
              const std::vector<ProbeSequence>& seqs) {
    auto scorer = cl::RewardScorer::load(policy, ref);
    if (!scorer) {
        qFatal("cannot load scorer: %s", scorer.error().c_str());
    }
    Sums s;
    for (const ProbeSequence& p : seqs) {
        auto r = scorer.value()->scoreIds({p.promptIds, p.responseIds});
        if (!r) {
            qFatal("scoreIds failed: %s", r.error().c_str());
        }
        s.policy.push_back(r->logpPolicySum);
        s.ref.push_back(r->logpRefSum);
    }
    return s;
}

double handLoss(const Sums& c, const Sums& r) {
    double total = 0.0;
    for (size_t i = 0; i < c.policy.size(); ++i) {
        const double logits = (c.policy[i] - r.policy[i]) - (c.ref[i] - r.ref[i]);
        total += std::log1p(std::exp(-kBeta * logits)); // -log sigma(beta * logits)
    }
    return total / c.policy.size();
}

} // namespace

class TestDemoDpo : public QObject {
    Q_OBJECT
private slots:
    void lossMatchesHandComputation() {
        QTemporaryDir dir;
        const std::string policy = dir.path().toStdString() + "/policy";
        const std::string ref = dir.path().toStdString() + "/ref";
        const std::string stepped = dir.path().toStdString() + "/stepped";
        QVERIFY(cl::demo::writeRandomNeox(policy, 64, 32, 2, 2, 64, 1).ok());
        QVERIFY(cl::demo::writeRandomNeox(ref, 64, 32, 2, 2, 64, 2).ok());
        // Different prompt and response lengths, so the batch is right-padded.
        const std::vector<ProbeSequence> chosen = {
            {{5, 6, 7, 8}, {9, 10, 11, 2}},
            {{12, 13}, {14, 15, 16, 17, 18, 2}},
            {{20, 21, 22, 23, 24, 25, 26}, {27, 2}}};
        const std::vector<ProbeSequence> rejected = {
            {{5, 6, 7, 8}, {9, 40, 11, 2}},
            {{12, 13}, {14, 15, 41, 42, 18, 2}},
            {{20, 21, 22, 23, 24, 25, 26}, {43, 44, 45, 2}}};

        auto probe = cl::demo::probeDpoStep(policy, ref, chosen, rejected, kBeta, 5e-3, stepped);
        QVERIFY2(probe.ok(), probe.ok() ? "" : probe.error().c_str());

        const Sums c = scoreAll(policy, ref, chosen);
        const Sums r = scoreAll(policy, ref, rejected);
        double maxDiff = 0.0;
        for (size_t i = 0; i < chosen.size(); ++i) {
            maxDiff = std::max({maxDiff, std::abs(c.policy[i] - probe->policyChosen[i]),
                                std::abs(r.policy[i] - probe->policyRejected[i]),
                                std::abs(c.ref[i] - probe->refChosen[i]),
                                std::abs(r.ref[i] - probe->refRejected[i])});
        }
        // Padded batch vs one sequence at a time: two float32 computations of sums over at most
        // 6 tokens; the loss moves by at most beta per unit of margin, and a margin is 4 sums.
        const double sumBound = cl::tol::sumOf(6, cl::tol::kLogprobMaxF32VsF32);
        const double lossBound = kBeta * 4 * sumBound;
        qInfo("max |trainer sum - scorer sum| = %.3g (bound %.3g)", maxDiff, sumBound);
        QVERIFY2(maxDiff <= sumBound, "batched training log-probs differ from the scorer's");

        const double hand = handLoss(c, r);
        qInfo("loss: trainer %.9f, by hand %.9f (bound %.3g)", probe->loss, hand, lossBound);
        QVERIFY(std::abs(probe->loss - hand) <= lossBound);
        // Random models: the policy and reference disagree, so the loss is not log 2.
        QVERIFY(std::abs(hand - std::log(2.0)) > 10 * lossBound);
        QVERIFY(probe->gradNorm > 0.0);

        // The step lowers the loss; the saved policy reproduces it through the scorer.
        QVERIFY2(probe->lossAfterStep < probe->loss - lossBound, "one AdamW step did not lower it");
        const double after = handLoss(scoreAll(stepped, ref, chosen), scoreAll(stepped, ref, rejected));
        qInfo("after one step: trainer %.9f, by hand on the saved policy %.9f",
              probe->lossAfterStep, after);
        QVERIFY(std::abs(after - probe->lossAfterStep) <= lossBound);
    }

    void refusesMismatchedBatches() {
        auto probe = cl::demo::probeDpoStep("/nonexistent", "/nonexistent", {{{1}, {2}}}, {},
                                            kBeta, 1e-3);
        QVERIFY(!probe.ok());
        QVERIFY(!probe.error().empty());
    }
};

QTEST_GUILESS_MAIN(TestDemoDpo)
#include "tst_demo_dpo.moc"
