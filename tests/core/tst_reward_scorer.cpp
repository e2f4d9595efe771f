// Implicit-reward scoring (issue #5): per-token log-probs of both models against HF's float64
// references, rewards = beta (lp_policy - lp_ref), incremental rescoring equal to from-scratch
// over 200 seeded random edits, and the refusals.
#include "scoring_fixture.h"

#include "common/tolerances.h"

#include "core/engine/reward_scorer.h"
#include "core/text/tokenizer.h"

#include <QtTest>

#include <nlohmann/json.hpp>

#include <cmath>
#include <fstream>
#include <random>

using nlohmann::json;

namespace {

std::vector<double> refLogprobs(const QString& model, int seq) {
    std::ifstream in(cl::test::fixtureStd("refs/" + model + ".json"));
    return json::parse(in)["logprob_sequences"][seq]["next_token_logprobs_fp64"]
        .get<std::vector<double>>();
}

std::vector<int32_t> refIds(int seq) {
    std::ifstream in(cl::test::fixtureStd("refs/gpt_neox_parallel.json"));
    return json::parse(in)["logprob_sequences"][seq]["input_ids"].get<std::vector<int32_t>>();
}

const char* kWords[] = {"the", "cat", "sat", "on", "a", "mat", "Lily", "saw", "big", "red",
                        "ball", "42", "3", "dog", "ran", "happy", "tree", ",", ".", "!"};

} // namespace

class TestRewardScorer : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void idsMatchReferences();
    void betaRescalesWithoutForward();
    void incrementalEqualsScratch();
    void textSpansAndEos();
    void emptyResponseScoresOnlyEos();
    void alternativesRankByReward();
    void refusals();
    void cancelBeforeTheCallStillCancels();
    void cacheSlotsKeepTheirOwnPrefix();

private:
    QTemporaryDir m_tmp;
    std::string m_policy, m_reference;
};

void TestRewardScorer::initTestCase() {
    CL_REQUIRE_FIXTURES();
    m_policy = cl::test::makeModelFolder(m_tmp, "gpt_neox_parallel", "policy").toStdString();
    m_reference =
        cl::test::makeModelFolder(m_tmp, "gpt_neox_sequential", "reference").toStdString();
}

void TestRewardScorer::idsMatchReferences() {
    auto scorer = cl::RewardScorer::load(m_policy, m_reference);
    QVERIFY2(scorer.ok(), scorer.error().c_str());
    const auto ids = refIds(3); // 128 tokens
    const auto pol = refLogprobs("gpt_neox_parallel", 3);
    const auto ref = refLogprobs("gpt_neox_sequential", 3);
    const int split = 40;
    cl::IdsRequest req{{ids.begin(), ids.begin() + split}, {ids.begin() + split, ids.end()}};
    auto s = scorer.value()->scoreIds(req);
    QVERIFY2(s.ok(), s.error().c_str());
    QCOMPARE(s->tokens.size(), ids.size() - split);
    cl::tol::DiffStats dPolicy, dRef;
    double total = 0;
    for (size_t i = 0; i < s->tokens.size(); ++i) {
        const cl::TokenScore& t = s->tokens[i];
        dPolicy.add(t.logpPolicy, pol[split + i - 1]);
        dRef.add(t.logpRef, ref[split + i - 1]);
        QCOMPARE(t.id, ids[split + i]);
        QVERIFY(std::abs(t.reward - 0.1 * (t.logpPolicy - t.logpRef)) <= cl::tol::kSameFloatsInDouble);
        total += t.reward;
    }
    QVERIFY(dPolicy.report("policy log-probs vs float64", cl::tol::kLogprobMaxVsF64));
    QVERIFY(dRef.report("reference log-probs vs float64", cl::tol::kLogprobMaxVsF64));
    QVERIFY(dPolicy.mean() <= cl::tol::kLogprobMeanVsF64 && dRef.mean() <= cl::tol::kLogprobMeanVsF64);
    QVERIFY(std::abs(s->rewardSum - total) <= cl::tol::kSameFloatsInDouble);
    QVERIFY(std::abs(s->rewardMean - total / s->tokens.size()) <= cl::tol::kSameFloatsInDouble);
}

void TestRewardScorer::betaRescalesWithoutForward() {
    auto scorer = cl::RewardScorer::load(m_policy, m_reference);
    QVERIFY(scorer.ok());
    auto s = scorer.value()->scoreIds({{1, 2, 3}, {4, 5, 6}});
    QVERIFY(s.ok());
    cl::ResponseScore r = s.value();
    const double before = r.rewardSum;
    cl::rescale(r, 0.5);
    QVERIFY(std::abs(r.rewardSum - 5 * before) <= cl::tol::kSameFloatsInDouble);
    QVERIFY(std::abs(cl::bradleyTerry(1.0, 0.0) - 1 / (1 + std::exp(-1.0))) <= cl::tol::kSameFloatsInDouble);
    QCOMPARE(cl::bradleyTerry(800, 0), 1.0); // no overflow at extreme margins
    QVERIFY(cl::bradleyTerry(-800, 0) >= 0.0 && cl::bradleyTerry(-800, 0) < 1e-300);
}

void TestRewardScorer::incrementalEqualsScratch() {
    auto live = cl::RewardScorer::load(m_policy, m_reference);
    auto fresh = cl::RewardScorer::load(m_policy, m_reference);
    QVERIFY(live.ok() && fresh.ok());
    std::mt19937 rng(2024);
    std::vector<std::string> words = {"Lily", "saw", "a", "big", "red", "ball", "."};
    cl::ScoreRequest req;
    req.prompt = "Once upon a time, there was a little girl.";
    req.templateName = "raw";
    cl::tol::DiffStats d;
    int reusedSome = 0;
    for (int edit = 0; edit < 200; ++edit) {
        const int kind = rng() % 3;
        const size_t pos = words.empty() ? 0 : rng() % (words.size() + (kind == 0 ? 1 : 0));
        const std::string w = kWords[rng() % 20];
        if (kind == 0 || words.empty()) {
            words.insert(words.begin() + std::min(pos, words.size()), w);
        } else if (kind == 1 && words.size() > 1) {
            words.erase(words.begin() + std::min(pos, words.size() - 1));
        } else {
            // Replace inside a word: changes the tokenization of neighbours too.
            words[std::min(pos, words.size() - 1)] += w;
        }
        std::string text;
        for (const auto& x : words) {
            text += (text.empty() ? "" : " ") + x;
        }
        req.response = text;
        auto a = live.value()->score(req);
        fresh.value()->resetCache();
        auto b = fresh.value()->score(req);
        QVERIFY2(a.ok() && b.ok(), (a.ok() ? b.error() : a.error()).c_str());
        QCOMPARE(a->tokens.size(), b->tokens.size());
        for (size_t i = 0; i < a->tokens.size(); ++i) {
            QCOMPARE(a->tokens[i].id, b->tokens[i].id);
            d.add(a->tokens[i].logpPolicy, b->tokens[i].logpPolicy);
            d.add(a->tokens[i].logpRef, b->tokens[i].logpRef);
        }
        reusedSome += a->reusedTokens > a->promptTokens ? 1 : 0;
    }
    qInfo("200 edits: %d reused part of the response", reusedSome);
    QVERIFY(d.report("200 edits, incremental vs scratch", cl::tol::kLogprobMaxF32VsF32));
    QVERIFY(d.mean() <= cl::tol::kLogprobMeanF32VsF32);
    QVERIFY(reusedSome > 50); // the cache was really used
}

void TestRewardScorer::textSpansAndEos() {
    auto scorer = cl::RewardScorer::load(m_policy, m_reference);
    QVERIFY(scorer.ok());
    cl::ScoreRequest req{"Tim had a red ball.", "One day, Tim saw 3 cats.", "tldr", true};
    auto s = scorer.value()->score(req);
    QVERIFY2(s.ok(), s.error().c_str());
    QVERIFY(s->tokens.back().isEos);
    QCOMPARE(s->tokens.back().id, *scorer.value()->tokenizer()->special().eos);
    int64_t covered = 0;
    for (const cl::TokenScore& t : s->tokens) {
        QVERIFY(t.start >= covered || t.start == t.end);
        QVERIFY(t.end <= static_cast<int64_t>(req.response.size()));
        if (t.end > t.start) {
            QCOMPARE(t.text, req.response.substr(t.start, t.end - t.start));
            covered = t.end;
        }
    }
    QCOMPARE(covered, static_cast<int64_t>(req.response.size()));
    req.scoreEos = false;
    auto noEos = scorer.value()->score(req);
    QVERIFY(noEos.ok());
    QCOMPARE(noEos->tokens.size(), s->tokens.size() - 1);
}

void TestRewardScorer::emptyResponseScoresOnlyEos() {
    auto scorer = cl::RewardScorer::load(m_policy, m_reference);
    QVERIFY(scorer.ok());
    auto s = scorer.value()->score({"A story.", "", "raw", true});
    QVERIFY2(s.ok(), s.error().c_str());
    QCOMPARE(s->tokens.size(), size_t(1));
    QVERIFY(s->tokens[0].isEos);
}

void TestRewardScorer::alternativesRankByReward() {
    auto scorer = cl::RewardScorer::load(m_policy, m_reference);
    QVERIFY(scorer.ok());
    cl::ScoreRequest req{"Once upon a time", " there was a dog.", "raw", true};
    auto alt = scorer.value()->alternatives(req, 2, 8);
    QVERIFY2(alt.ok(), alt.error().c_str());
    QCOMPARE(alt->byReward.size(), size_t(8));
    auto s = scorer.value()->score(req);
    const cl::TokenScore& tok = s->tokens[2];
    // Plausible tokens (pi_theta >= 1e-3, or the written one) first, each group by reward.
    for (size_t i = 0; i < alt->byReward.size(); ++i) {
        const cl::Alternative& a = alt->byReward[i];
        QCOMPARE(a.plausible,
                 a.id == tok.id || std::exp(a.logpPolicy) >= cl::kPlausibleProbability);
        if (i > 0) {
            const cl::Alternative& b = alt->byReward[i - 1];
            QVERIFY(b.plausible >= a.plausible);
            QVERIFY(b.plausible != a.plausible || b.reward >= a.reward);
            QVERIFY(alt->byPolicy[i - 1].logpPolicy >= alt->byPolicy[i].logpPolicy);
        }
    }
    QVERIFY(alt->byReward.front().plausible);
    // The scored token itself appears with the same numbers wherever it ranks.
    QVERIFY(alt->byReward.front().reward >= tok.reward - 1e-9);
    QVERIFY(alt->byPolicy.front().logpPolicy >= tok.logpPolicy - 1e-6);
}

void TestRewardScorer::refusals() {
    // Vocabulary mismatch: stories260k has 512 entries, the NeoX fixtures 1000.
    auto mismatch = cl::RewardScorer::load(m_policy, cl::test::fixtureStd("stories260k"));
    QVERIFY(!mismatch.ok());
    QVERIFY2(mismatch.error().find("vocabulary") != std::string::npos, mismatch.error().c_str());
    // A prompt longer than the context (128 positions).
    auto scorer = cl::RewardScorer::load(m_policy, m_reference);
    QVERIFY(scorer.ok());
    std::string longPrompt;
    for (int i = 0; i < 200; ++i) {
        longPrompt += "ball ";
    }
    auto tooLong = scorer.value()->score({longPrompt, "x", "raw", true});
    QVERIFY(!tooLong.ok());
    QVERIFY2(tooLong.error().find("context of 128") != std::string::npos, tooLong.error().c_str());
    auto badTemplate = scorer.value()->score({"a", "b", "fancy", true});
    QVERIFY(!badTemplate.ok());
    QVERIFY(badTemplate.error().find("unknown template") != std::string::npos);
    auto chat = scorer.value()->score({"a", "b", "chat", true});
    QVERIFY(!chat.ok());
    QVERIFY(chat.error().find("chat_template") != std::string::npos);
}

// Issue #17 "lost cancels": a cancel() between queuing a request (its ticket) and the start of
// the call used to be cleared on entry, so the stale request ran to the end.
void TestRewardScorer::cancelBeforeTheCallStillCancels() {
    auto scorer = cl::RewardScorer::load(m_policy, m_reference);
    QVERIFY(scorer.ok());
    cl::RewardScorer& sc = *scorer.value();
    const cl::ScoreRequest req{"Once upon a time", " there was a dog.", "raw", true};
    cl::RunOptions queued;
    queued.cancelTicket = sc.cancelTicket();
    QVERIFY(queued.cancelTicket != 0);
    sc.cancel(); // the user pressed Cancel (or a newer edit came) before the call started
    auto stale = sc.score(req, queued);
    QVERIFY2(!stale.ok(), "a request cancelled before it started ran anyway");
    QCOMPARE(stale.error(), std::string(cl::kCancelledMessage));
    // A ticket taken after the cancel is not affected, nor is a call without a ticket.
    cl::RunOptions fresh;
    fresh.cancelTicket = sc.cancelTicket();
    auto ok = sc.score(req, fresh);
    QVERIFY2(ok.ok(), ok.error().c_str());
    sc.cancel();
    QVERIFY(sc.score(req).ok());
}

// Issue #17 "0 reused": compare mode alternates between two responses of one prompt; each slot
// keeps its own sequences, so going back to a response reuses all of it.
void TestRewardScorer::cacheSlotsKeepTheirOwnPrefix() {
    auto scorer = cl::RewardScorer::load(m_policy, m_reference);
    auto fresh = cl::RewardScorer::load(m_policy, m_reference);
    QVERIFY(scorer.ok() && fresh.ok());
    cl::RewardScorer& sc = *scorer.value();
    cl::ScoreRequest chosen{"Once upon a time", " there was a dog. It ran to the park.", "raw", true};
    cl::ScoreRequest rejected{"Once upon a time", " a cat cat cat sat on the mat.", "raw", true};
    cl::RunOptions slot0, slot1;
    slot1.cacheSlot = 1;
    QVERIFY(sc.score(chosen, slot0).ok());
    QVERIFY(sc.score(rejected, slot1).ok());
    chosen.response += " The end";
    auto again = sc.score(chosen, slot0);
    QVERIFY2(again.ok(), again.error().c_str());
    const int64_t n = again->promptTokens + static_cast<int64_t>(again->tokens.size());
    qInfo("chosen after the rejected one: %lld of %lld tokens reused",
          static_cast<long long>(again->reusedTokens), static_cast<long long>(n));
    // Everything before " The end" (and before the old EOS) is reused, not just the prompt.
    QVERIFY2(again->reusedTokens > again->promptTokens + 5, "switching sides recomputed the response");
    rejected.response += " Bad";
    auto back = sc.score(rejected, slot1);
    QVERIFY(back.ok());
    QVERIFY(back->reusedTokens > back->promptTokens + 5);
    // Same numbers as from scratch.
    auto scratch = fresh.value()->score(chosen);
    QVERIFY(scratch.ok());
    QCOMPARE(scratch->tokens.size(), again->tokens.size());
    cl::tol::DiffStats d;
    for (size_t i = 0; i < again->tokens.size(); ++i) {
        QCOMPARE(again->tokens[i].id, scratch->tokens[i].id);
        d.add(again->tokens[i].logpPolicy, scratch->tokens[i].logpPolicy);
        d.add(again->tokens[i].logpRef, scratch->tokens[i].logpRef);
    }
    QVERIFY(d.report("slot cache vs scratch", cl::tol::kLogprobMaxF32VsF32));
}

QTEST_GUILESS_MAIN(TestRewardScorer)
#include "tst_reward_scorer.moc"
