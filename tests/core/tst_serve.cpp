// The scoring server over loopback (issue #16 items 1 and 4): an in-process ScoringServer on an
// ephemeral port of 127.0.0.1, spoken to with cpp-httplib's client. Prompt log-probs, top-k and
// beams equal local scoring through the same code; a typing sequence reuses the prefix cache;
// the security rules answer 401/413/400/404.
#include "common/fixtures.h"
#include "common/tolerances.h"
#include "core/engine/beam_scoring.h"
#include "core/engine/model.h"
#include "core/server/prefix_cache.h"
#include "core/server/scoring_server.h"
#include "core/server/server_security.h"
#include "running_server.h"
#include "scoring_fixture.h"

#include <QTemporaryDir>
#include <QtTest>

#include <httplib.h>
#include <nlohmann/json.hpp>

#include <fstream>
#include <memory>
#include <thread>

using nlohmann::json;

namespace {

json post(httplib::Client& c, const std::string& path, const json& body, int& status) {
    auto r = c.Post(path.c_str(), body.dump(), "application/json");
    status = r ? r->status : -1;
    return r ? json::parse(r->body, nullptr, false) : json();
}

json completion(const RunningServer& s, const std::string& model, const std::vector<int32_t>& ids,
                const json& extra = json::object()) {
    httplib::Client c = s.client();
    json body = {{"model", model}, {"prompt", ids}, {"max_tokens", 0}, {"echo", true}};
    body.update(extra);
    int status = 0;
    json out = post(c, "/v1/completions", body, status);
    if (status != 200) {
        qWarning() << "status" << status << out.dump().c_str();
        return json();
    }
    return out;
}

std::vector<std::vector<int32_t>> fixtureSequences() {
    std::ifstream in(cl::test::fixtureStd("refs/gpt_neox_parallel.json"));
    const json ref = json::parse(in);
    std::vector<std::vector<int32_t>> out;
    for (const json& seq : ref["logprob_sequences"]) {
        out.push_back(seq["input_ids"].get<std::vector<int32_t>>());
    }
    return out;
}

} // namespace

class TestServe : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void cleanupTestCase();
    void models();
    void promptLogprobsEqualLocal_data();
    void promptLogprobsEqualLocal();
    void echoLogprobsShape();
    void beamEqualsLocal();
    void typingReusesPrefixCache();
    void cachedRanksFollowTheSequence();
    void logprobsWithoutRanks();
    void alternativesEndpoint();
    void securityAnswers();
    void tokenRequired();
    void queueBoundGives503();
    void tokenizerFilesAllowListOnly();
    void bindRules();

private:
    std::unique_ptr<cl::Model> m_policy, m_reference;
    std::unique_ptr<RunningServer> m_server;
    QTemporaryDir m_tmp;
    QString m_folder;
};

void TestServe::initTestCase() {
    CL_REQUIRE_FIXTURES();
    // The GPT-NeoX pair (vocab 1000, context 128) with stories260k's tokenizer files beside it.
    m_folder = cl::test::makeModelFolder(m_tmp, "gpt_neox_parallel", "policy");
    auto p = cl::Model::load(m_folder.toStdString());
    auto r = cl::Model::load(cl::test::fixtureStd("models/gpt_neox_sequential"));
    QVERIFY2(p.ok() && r.ok(), "fixture models load");
    m_policy = std::move(p.value());
    m_reference = std::move(r.value());
    cl::server::ServerOptions o;
    o.tokenizerFolder = m_folder.toStdString();
    o.maxBodyBytes = 64 * 1024;
    m_server = std::make_unique<RunningServer>(*m_policy, *m_reference, o);
    QVERIFY(m_server->port > 0);
}

void TestServe::cleanupTestCase() {
    m_server.reset();
}

void TestServe::models() {
    httplib::Client c = m_server->client();
    auto r = c.Get("/v1/models");
    QVERIFY(r);
    QCOMPARE(r->status, 200);
    const json body = json::parse(r->body);
    QCOMPARE(body["object"].get<std::string>(), std::string("list"));
    QCOMPARE(body["data"].size(), size_t(2));
    QCOMPARE(body["data"][0]["id"].get<std::string>(), std::string("policy"));
    QCOMPARE(body["data"][1]["id"].get<std::string>(), std::string("reference"));
    QCOMPARE(body["data"][0]["max_model_len"].get<int64_t>(), m_policy->info().maxPositions);
}

void TestServe::promptLogprobsEqualLocal_data() {
    QTest::addColumn<QString>("model");
    QTest::addColumn<int>("sequence");
    for (const char* m : {"policy", "reference"}) {
        for (int i = 0; i < 4; ++i) {
            QTest::newRow(qPrintable(QString("%1_%2").arg(m).arg(i))) << QString(m) << i;
        }
    }
}

void TestServe::promptLogprobsEqualLocal() {
    QFETCH(QString, model);
    QFETCH(int, sequence);
    const auto ids = fixtureSequences().at(static_cast<size_t>(sequence));
    cl::Model& local = model == "policy" ? *m_policy : *m_reference;
    const int k = 5;
    const json out = completion(*m_server, model.toStdString(), ids, {{"prompt_logprobs", k}});
    QVERIFY(out.is_object());
    const json& pl = out["choices"][0]["prompt_logprobs"];
    QCOMPARE(pl.size(), ids.size());
    QVERIFY(pl[0].is_null());
    auto expected = local.logprobs(ids);
    auto top = local.topK(ids, k);
    QVERIFY(expected.ok() && top.ok());
    // Same process, same floats: JSON carries full double precision and round-trips exactly.
    cl::tol::DiffStats d, dTop;
    for (size_t i = 1; i < ids.size(); ++i) {
        const json& entry = pl[i];
        const json& mine = entry[std::to_string(ids[i])];
        d.add(mine["logprob"].get<double>(), (*expected)[i - 1]);
        const int64_t rank = mine["rank"].get<int64_t>();
        QVERIFY(rank >= 1);
        // The top k of position i-1 (local topK, best first) all appear with ranks 1..k.
        const auto& want = (*top)[i - 1];
        for (int j = 0; j < k; ++j) {
            const std::string key = std::to_string(want[j].first);
            QVERIFY2(entry.contains(key),
                     qPrintable(QString("position %1 misses top id %2").arg(i).arg(want[j].first)));
            QCOMPARE(entry[key]["rank"].get<int64_t>(), int64_t(j + 1));
            dTop.add(entry[key]["logprob"].get<double>(), want[j].second);
        }
        QCOMPARE(entry.size(), size_t(rank <= k ? k : k + 1));
    }
    const QString what = QString("%1 seq %2 served vs local").arg(model).arg(sequence);
    QVERIFY2(d.report(what, cl::tol::kSameFloatsInDouble), qPrintable(d.describe(what, 0)));
    // Model::topK runs its forward without a KV cache (another attention path); the server
    // reads the rows of the cached forward that Model::logprobs also runs. Top-k values are two
    // float32 computations (measured max 5.7e-6); the ids and their order must agree.
    QVERIFY2(dTop.report(what + " top-k", cl::tol::kLogprobMaxF32VsF32),
             qPrintable(dTop.describe(what, 0)));
    QCOMPARE(out["usage"]["prompt_tokens"].get<size_t>(), ids.size());
}

void TestServe::echoLogprobsShape() {
    const auto ids = fixtureSequences().at(2);
    const json out = completion(*m_server, "policy", ids, {{"logprobs", 3}});
    QVERIFY(out.is_object());
    QCOMPARE(out["object"].get<std::string>(), std::string("text_completion"));
    const json& lp = out["choices"][0]["logprobs"];
    QCOMPARE(lp["tokens"].size(), ids.size());
    QCOMPARE(lp["text_offset"].size(), ids.size());
    QVERIFY(lp["token_logprobs"][0].is_null());
    QVERIFY(lp["top_logprobs"][0].is_null());
    auto expected = m_policy->logprobs(ids);
    QVERIFY(expected.ok());
    cl::tol::DiffStats d;
    for (size_t i = 1; i < ids.size(); ++i) {
        d.add(lp["token_logprobs"][i].get<double>(), (*expected)[i - 1]);
        const size_t alts = lp["top_logprobs"][i].size();
        QVERIFY(alts >= 3 && alts <= 4); // the prompt token and the top 3 (maybe the same)
    }
    QVERIFY2(d.report("echo logprobs", cl::tol::kSameFloatsInDouble),
             qPrintable(d.describe("echo", 0)));
    // No tokenizer given to this server: tokens are spelled as vLLM's token_id:N.
    QCOMPARE(lp["tokens"][1].get<std::string>(), "token_id:" + std::to_string(ids[1]));
}

void TestServe::beamEqualsLocal() {
    const std::vector<int32_t> prompt = {5, 6, 7};
    cl::BeamOptions o;
    o.width = 3;
    o.numReturn = 3;
    o.maxNewTokens = 8;
    auto local = cl::searchAndScore(*m_policy, m_reference.get(), nullptr, prompt, o, 0.1);
    QVERIFY2(local.ok(), local.error().c_str());
    httplib::Client c = m_server->client();
    int status = 0;
    const json out = post(
        c, "/creditlens/v1/beam",
        {{"prompt", prompt}, {"width", 3}, {"num_return", 3}, {"max_tokens", 8}, {"beta", 0.1}},
        status);
    QCOMPARE(status, 200);
    QCOMPARE(out["beams"].size(), local->size());
    cl::tol::DiffStats d;
    for (size_t b = 0; b < local->size(); ++b) {
        const json& got = out["beams"][b];
        const cl::ScoredBeam& want = (*local)[b];
        QCOMPARE(got["ids"].get<std::vector<int32_t>>(), want.beam.ids);
        QCOMPARE(got["finished"].get<bool>(), want.beam.finished);
        d.add(got["score"].get<double>(), want.beam.score);
        d.add(got["sum_logprob"].get<double>(), want.beam.sumLogprob);
        QVERIFY(want.reward.has_value());
        d.add(got["reward_sum"].get<double>(), want.reward->rewardSum);
        QCOMPARE(got["logp_ref"].size(), want.reward->tokens.size());
        for (size_t t = 0; t < want.reward->tokens.size(); ++t) {
            d.add(got["logp_policy"][t].get<double>(), want.beam.logprobs[t]);
            d.add(got["logp_ref"][t].get<double>(), want.reward->tokens[t].logpRef);
            d.add(got["rewards"][t].get<double>(), want.reward->tokens[t].reward);
        }
    }
    QVERIFY2(d.report("beams served vs local", cl::tol::kSameFloatsInDouble),
             qPrintable(d.describe("beams", 0)));
}

// A user typing: 50 edits, each appending a token or replacing one of the last three, sent as
// whole prompts. The server recomputes only what changed; every answer still equals a full
// local forward (incremental vs full: two float32 computations).
void TestServe::typingReusesPrefixCache() {
    std::vector<int32_t> ids = fixtureSequences().at(3);
    ids.resize(40);
    // A fresh server: the counts below are this sequence's alone.
    RunningServer s(*m_policy, *m_reference, {});
    QVERIFY(s.port > 0);
    int64_t total = 0, recomputed = 0, cached = 0;
    cl::tol::DiffStats d;
    uint32_t lcg = 12345;
    for (int edit = 0; edit < 50; ++edit) {
        lcg = lcg * 1664525u + 1013904223u;
        const int32_t token = static_cast<int32_t>((lcg >> 8) % 1000);
        if (edit % 3 == 2) {
            ids[ids.size() - 1 - (lcg >> 24) % 3] = token; // replace near the end
        } else {
            ids.push_back(token); // append
        }
        const json out = completion(s, "policy", ids, {{"logprobs", 0}});
        QVERIFY(out.is_object());
        total += out["usage"]["prompt_tokens"].get<int64_t>();
        recomputed += out["usage"]["recomputed_tokens"].get<int64_t>();
        cached += out["usage"]["prompt_tokens_details"]["cached_tokens"].get<int64_t>();
        auto expected = m_policy->logprobs(ids);
        QVERIFY(expected.ok());
        for (size_t i = 1; i < ids.size(); ++i) {
            d.add(out["choices"][0]["logprobs"]["token_logprobs"][i].get<double>(),
                  (*expected)[i - 1]);
        }
    }
    qInfo("typing: %lld prompt tokens, %lld recomputed, %lld cached", (long long)total,
          (long long)recomputed, (long long)cached);
    QCOMPARE(recomputed + cached, total);
    QCOMPARE(s.server->recomputedTokens(), recomputed);
    // The first request computes 41 tokens, each later one at most 3 (a replacement 3 from the
    // end) — a full recompute would be ~3,300 tokens.
    QVERIFY2(recomputed <= 41 + 49 * 3, qPrintable(QString::number(recomputed)));
    QVERIFY(recomputed * 10 < total);
    QVERIFY2(d.report("typing served vs full forward", cl::tol::kLogprobMaxF32VsF32),
             qPrintable(d.describe("typing", 0)));
}

void TestServe::alternativesEndpoint() {
    // The inspector's lists, ranked on the server; "vocab" (the client's tokenizer) limits the
    // candidates and is clipped to the model's rows, as the local ranking does.
    httplib::Client c = m_server->client();
    auto ask = [&](int vocab) {
        const json body = {{"prompt", {1, 2, 3}}, {"token", 4}, {"k", 7}, {"vocab", vocab}};
        auto r = c.Post("/creditlens/v1/alternatives", body.dump(), "application/json");
        return r && r->status == 200 ? json::parse(r->body) : json();
    };
    for (int vocab : {5, 100000}) {
        const json out = ask(vocab);
        QVERIFY2(out.is_object(), qPrintable(QString("vocab %1").arg(vocab)));
        QCOMPARE(out["object"].get<std::string>(), std::string("creditlens.alternatives"));
        const size_t expected = vocab == 5 ? 5 : 7;
        QCOMPARE(out["by_policy"].size(), expected);
        QCOMPARE(out["by_reward"].size(), expected);
        double previous = 1.0;
        for (const json& a : out["by_policy"]) {
            QVERIFY(a["id"].get<int>() < std::min(vocab, 1000));
            QVERIFY(a["logp_policy"].get<double>() <= previous); // most likely first
            previous = a["logp_policy"].get<double>();
            QCOMPARE(a["reward"].get<double>(),
                     0.1 * (a["logp_policy"].get<double>() - a["logp_ref"].get<double>()));
        }
    }
}

void TestServe::securityAnswers() {
    httplib::Client c = m_server->client();
    auto expectError = [&](const std::string& path, const std::string& body, int want) {
        auto r = c.Post(path.c_str(), body, "application/json");
        QVERIFY(r);
        QCOMPARE(r->status, want);
        const json e = json::parse(r->body, nullptr, false);
        QVERIFY2(e.contains("error") && e["error"]["message"].is_string(), r->body.c_str());
        const std::string msg = e["error"]["message"].get<std::string>();
        QVERIFY(!msg.empty() && msg.find('\n') == std::string::npos);
        QCOMPARE(e["error"]["code"].get<int>(), want);
    };
    const std::string okStart = R"({"model": "policy", "max_tokens": 0, "echo": true, )";
    expectError("/v1/completions", okStart + R"("prompt": [1, 1000]})", 400); // id == vocab
    expectError("/v1/completions", okStart + R"("prompt": [1, -3]})", 400);
    expectError("/v1/completions", R"({"model": "policy", "prompt": [1, 2)", 400); // bad JSON
    expectError("/v1/completions", R"({"model": "gpt-4", "prompt": [1, 2]})", 404);
    expectError("/v1/completions", okStart + R"("prompt": "hello"})", 400); // text prompt
    expectError("/v1/completions", okStart + R"("prompt": [1, 2], "logprobs": 21})", 400);
    // Longer than the model's context of 128.
    expectError("/v1/completions",
                okStart + "\"prompt\": " + json(std::vector<int>(129, 3)).dump() + "}", 400);
    expectError("/creditlens/v1/beam", R"({"prompt": [1, 2], "width": 33})", 400);
    // Fields of the wrong type are the client's mistake (400), never the server's (500).
    expectError("/v1/completions",
                R"({"model": "policy", "max_tokens": 0, "echo": "yes", "prompt": [1, 2]})", 400);
    expectError("/v1/completions", R"({"model": 7, "prompt": [1, 2]})", 404);
    expectError("/v1/completions", okStart + R"("prompt": [1, 18446744073709551615]})", 400);
    expectError("/v1/completions",
                R"({"model": "policy", "max_tokens": 0, "prompt": [1, 2], "prompt_logprobs": 0,
                    "creditlens_ranks": false, "creditlens_from": "x"})",
                400);
    expectError("/creditlens/v1/beam", R"({"prompt": [1, 2], "beta": "0.1"})", 400);
    expectError("/creditlens/v1/beam", R"({"prompt": [1, 2], "eos_ids": [5000]})", 400);
    expectError("/creditlens/v1/alternatives", R"({"prompt": [1, 2], "token": 1000})", 400);
    expectError("/creditlens/v1/alternatives", R"({"prompt": [1, 2], "token": 3, "k": 101})",
                400);
    expectError("/creditlens/v1/alternatives", R"({"prompt": [1, 2]})", 400);
    // 64 KiB bound on this server: a 100 KiB body never reaches the handlers.
    expectError("/v1/completions", okStart + "\"prompt\": [" + std::string(100 * 1024, ' ') + "1]}",
                413);
    auto r = c.Get("/v1/nowhere");
    QVERIFY(r);
    QCOMPARE(r->status, 404);
}

void TestServe::tokenRequired() {
    cl::server::ServerOptions o;
    o.token = "s3cret-token";
    RunningServer s(*m_policy, *m_reference, o);
    QVERIFY(s.port > 0);
    for (const std::string& token : {std::string(), std::string("wrong"),
                                     std::string("s3cret-token-longer"), std::string("s3cret")}) {
        httplib::Client c = s.client(token);
        auto r = c.Get("/v1/models");
        QVERIFY(r);
        QCOMPARE(r->status, 401);
        QVERIFY(json::parse(r->body)["error"]["message"].is_string());
        int status = 0;
        post(c, "/v1/completions", {{"model", "policy"}, {"prompt", {1, 2}}}, status);
        QCOMPARE(status, 401);
    }
    httplib::Client c = s.client("s3cret-token");
    auto r = c.Get("/v1/models");
    QVERIFY(r);
    QCOMPARE(r->status, 200);
}

// The bound on requests waiting for the engine: with room for none, model work is refused at
// once with 503 (and an error object), while requests that need no model still answer.
void TestServe::queueBoundGives503() {
    cl::server::ServerOptions o;
    o.maxQueued = 0;
    RunningServer s(*m_policy, *m_reference, o);
    QVERIFY(s.port > 0);
    httplib::Client c = s.client();
    int status = 0;
    const json e = post(c, "/v1/completions",
                        {{"model", "policy"}, {"prompt", {1, 2}}, {"max_tokens", 0}}, status);
    QCOMPARE(status, 503);
    QCOMPARE(e["error"]["code"].get<int>(), 503);
    post(c, "/creditlens/v1/beam", {{"prompt", {1, 2}}}, status);
    QCOMPARE(status, 503);
    auto r = c.Get("/v1/models");
    QVERIFY(r);
    QCOMPARE(r->status, 200);
}

void TestServe::tokenizerFilesAllowListOnly() {
    httplib::Client c = m_server->client();
    auto r = c.Get("/creditlens/v1/tokenizer/tokenizer_config.json");
    QVERIFY(r);
    QCOMPARE(r->status, 200);
    std::ifstream in(m_folder.toStdString() + "/tokenizer_config.json", std::ios::binary);
    const std::string expected((std::istreambuf_iterator<char>(in)), {});
    QCOMPARE(r->body, expected);
    r = c.Get("/creditlens/v1/tokenizer/tokenizer.model");
    QVERIFY(r);
    QCOMPARE(r->status, 200);
    // Not in the allow-list, or a path: 404, whatever exists on disk.
    for (const char* path :
         {"config.json", "model.safetensors", "..%2Fpolicy%2Fconfig.json", "../config.json",
          "%2Fetc%2Fpasswd", "tokenizer.json%00.txt", "sub/tokenizer.json", "tokenizer.json"}) {
        r = c.Get((std::string("/creditlens/v1/tokenizer/") + path).c_str());
        QVERIFY(r);
        QVERIFY2(r->status == 404, path); // tokenizer.json: allowed but absent in this folder
    }
}

void TestServe::bindRules() {
    using cl::server::bindRefusal;
    QVERIFY(!bindRefusal("127.0.0.1", ""));
    QVERIFY(!bindRefusal("localhost", ""));
    QVERIFY(!bindRefusal("::1", ""));
    QVERIFY(bindRefusal("0.0.0.0", ""));
    QVERIFY(bindRefusal("192.168.1.5", ""));
    QVERIFY(bindRefusal("127.evil.com", ""));
    QVERIFY(!bindRefusal("0.0.0.0", "t"));
    // A refused host never binds: the server's own bind() says so too.
    cl::server::ServerOptions o;
    o.host = "0.0.0.0";
    o.port = 0;
    cl::server::ScoringServer s(*m_policy, *m_reference, nullptr, o);
    auto bound = s.bind();
    QVERIFY(!bound.ok());
    QVERIFY(bound.error().find("--token") != std::string::npos);
    QVERIFY(cl::server::bearerMatches("Bearer abc", "abc"));
    QVERIFY(!cl::server::bearerMatches("Bearer abd", "abc"));
    QVERIFY(!cl::server::bearerMatches("Bearer ", ""));
    QVERIFY(!cl::server::bearerMatches("bearer abc", "abc"));
}

void TestServe::cachedRanksFollowTheSequence() {
    // Ranks and top-k are kept per cached sequence and computed for new positions only; after
    // requests that replace a suffix (with and without top-k) they equal a fresh computation.
    cl::server::PrefixCache cache(*m_policy, 2);
    std::vector<int32_t> x(60), y;
    for (int i = 0; i < 60; ++i) {
        x[static_cast<size_t>(i)] = (i * 37) % 1000;
    }
    y.assign(x.begin(), x.begin() + 30);
    for (int i = 0; i < 40; ++i) {
        y.push_back((i * 101 + 7) % 1000);
    }
    QVERIFY(cache.score(x, 5).ok());
    QVERIFY(cache.score(y, -1).ok()); // replaces x's suffix without ranks
    auto cached = cache.score(y, 5);
    QVERIFY(cached.ok());
    QCOMPARE(cached->cachedTokens, int64_t(y.size()));
    auto fresh = cl::server::PrefixCache(*m_policy, 1).score(y, 5);
    QVERIFY(fresh.ok());
    // The cached positions ran as part of another sequence: float32 apart, so a near tie may
    // swap two neighbours (by at most one rank, with values within the bound).
    cl::tol::DiffStats d;
    QCOMPARE(cached->ranks.size(), fresh->ranks.size());
    for (size_t i = 1; i < y.size(); ++i) {
        QVERIFY(std::abs(cached->ranks[i] - fresh->ranks[i]) <= 1);
        QCOMPARE(cached->top[i].size(), size_t(5));
        for (size_t k = 0; k < 5; ++k) {
            d.add(cached->top[i][k].second, fresh->top[i][k].second);
        }
    }
    QVERIFY(d.report("cached vs fresh top-5", cl::tol::kLogprobMaxF32VsF32));
    auto fewer = cache.score(y, 2); // a smaller k reuses the larger one's lists, cut
    QVERIFY(fewer.ok());
    QCOMPARE(fewer->top[10].size(), size_t(2));
    QCOMPARE(fewer->top[10][0], cached->top[10][0]);
}

void TestServe::logprobsWithoutRanks() {
    // "creditlens_ranks": false: the same log-probs, rank null, no alternatives.
    const std::vector<int32_t> ids = {5, 0, 311, 999, 2, 17};
    const json plain = completion(*m_server, "policy", ids, {{"prompt_logprobs", 3}});
    const json bare = completion(*m_server, "policy", ids,
                                 {{"prompt_logprobs", 3}, {"creditlens_ranks", false}});
    const json& a = plain["choices"][0]["prompt_logprobs"];
    const json& b = bare["choices"][0]["prompt_logprobs"];
    QCOMPARE(b.size(), ids.size());
    QVERIFY(b[0].is_null());
    for (size_t i = 1; i < ids.size(); ++i) {
        const std::string key = std::to_string(ids[i]);
        QCOMPARE(b[i].size(), size_t(1));
        QVERIFY(b[i][key]["rank"].is_null());
        QCOMPARE(b[i][key]["logprob"].get<double>(), a[i][key]["logprob"].get<double>());
    }
    // "creditlens_from": 3: entries 1 and 2 null, the others as before; the same ids asked
    // again from 0 recompute the positions the cache holds without log-probs.
    const std::vector<int32_t> more = {641, 7, 902, 33, 580, 121, 76}; // not asked before
    const json late = completion(*m_server, "policy", more,
                                 {{"prompt_logprobs", 0}, {"creditlens_ranks", false},
                                  {"creditlens_from", 3}});
    const json again = completion(*m_server, "policy", more,
                                  {{"prompt_logprobs", 0}, {"creditlens_ranks", false}});
    const json& l = late["choices"][0]["prompt_logprobs"];
    const json& g = again["choices"][0]["prompt_logprobs"];
    QVERIFY(l[1].is_null() && l[2].is_null());
    cl::tol::DiffStats d; // the second request ran the sequence again from position 1
    for (size_t i = 1; i < more.size(); ++i) {
        const std::string key = std::to_string(more[i]);
        QVERIFY2(g[i].is_object(), g.dump().c_str());
        if (i >= 3) {
            d.add(l[i][key]["logprob"].get<double>(), g[i][key]["logprob"].get<double>());
        }
    }
    QVERIFY(d.report("from 3 vs from 0", cl::tol::kLogprobMaxF32VsF32));
}

QTEST_GUILESS_MAIN(TestServe)
#include "tst_serve.moc"
