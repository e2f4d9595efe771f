// Scoring through servers (issue #16 item 2): the bundled demo pair behind an in-process
// CreditLens server, and behind a stand-in for vLLM that answers in vLLM 0.6.3's shape (and
// insists on its max_tokens >= 1), scored by RemoteScorer, against the local RewardScorer on
// the same file. Also the URL rules, the response parser, tokens and the error sentences.
#include "common/tolerances.h"
#include "core/engine/batch_scoring.h"
#include "core/engine/beam_scoring.h"
#include "core/engine/beam_trace.h"
#include "core/engine/model.h"
#include "core/engine/reward_scorer.h"
#include "core/server/remote_model.h"
#include "core/server/remote_scorer.h"
#include "core/server/server_pool.h"
#include "core/text/tokenizer.h"
#include "running_server.h"

#include <QtTest>

#include <nlohmann/json.hpp>

#include <arpa/inet.h>
#include <atomic>
#include <functional>
#include <cmath>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

using nlohmann::json;

namespace {

const std::string kDemo = CREDITLENS_SOURCE_DIR "/resources/demo/";

/// A stand-in for vLLM's OpenAI server: a base model and a LoRA module under two names, as
/// `vllm serve BASE --enable-lora --lora-modules dpo-lora=PATH` lists them, answering
/// prompt_logprobs from the demo models in vLLM's shape.
struct FakeVllm {
    httplib::Server http;
    std::thread thread;
    int port = 0;
    std::string lastError;

    std::atomic<int> failures; // the next this many completions answer 503 (a full queue)

    FakeVllm(cl::Model& lora, cl::Model& base, int failFirst = 0) : failures(failFirst) {
        http.Get("/v1/models", [](const httplib::Request&, httplib::Response& res) {
            const json cards = {
                {{"id", "base"}, {"object", "model"}, {"owned_by", "vllm"},
                 {"max_model_len", 512}},
                {{"id", "dpo-lora"}, {"object", "model"}, {"owned_by", "vllm"},
                 {"parent", "base"}, {"max_model_len", 512}}};
            res.set_content(json{{"object", "list"}, {"data", cards}}.dump(), "application/json");
        });
        http.Post("/v1/completions", [this, &lora, &base](const httplib::Request& req,
                                                         httplib::Response& res) {
            if (failures.fetch_sub(1) > 0) {
                res.status = 503;
                res.set_content(R"({"object":"error","message":"the queue is full"})",
                                "application/json");
                return;
            }
            const json body = json::parse(req.body);
            if (body.value("max_tokens", 16) < 1 || body.value("prompt_logprobs", -1) != 0) {
                res.status = 400; // vLLM: "max_tokens must be at least 1"
                res.set_content(R"({"object":"error","message":"max_tokens must be at least 1"})",
                                "application/json");
                return;
            }
            const auto ids = body["prompt"].get<std::vector<int32_t>>();
            cl::Model& m = body["model"] == "dpo-lora" ? lora : base;
            const auto lps = m.logprobs(ids); // [i] = log p(ids[i+1] | ...)
            json prompt = json::array({nullptr});
            for (size_t i = 1; i < ids.size(); ++i) {
                const int32_t other = ids[i] == 7 ? 8 : 7; // an alternative the parser must skip
                prompt.push_back({{std::to_string(ids[i]),
                                   {{"logprob", (*lps)[i - 1]}, {"rank", 2}, {"decoded_token", "x"}}},
                                  {std::to_string(other),
                                   {{"logprob", -0.01}, {"rank", 1}, {"decoded_token", "y"}}}});
            }
            const json choice = {{"index", 0},         {"text", "y"},
                                 {"logprobs", nullptr}, {"finish_reason", "length"},
                                 {"stop_reason", nullptr}, {"prompt_logprobs", prompt}};
            res.set_content(json{{"id", "cmpl-1"},
                                 {"object", "text_completion"},
                                 {"model", body["model"]},
                                 {"choices", json::array({choice})}}
                                .dump(),
                            "application/json");
        });
        port = http.bind_to_any_port("127.0.0.1");
        thread = std::thread([this] { http.listen_after_bind(); });
    }
    ~FakeVllm() {
        http.stop();
        thread.join();
    }
};

int freePort() {
    const int fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    const bool ok = bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0 &&
                    getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) == 0;
    close(fd);
    return ok ? ntohs(a.sin_port) : -1;
}

std::string url(int port, const std::string& model) {
    return "http://127.0.0.1:" + std::to_string(port) + "/" + model;
}

/// Every line of the demo's first pairs through `scorer`, as `creditlens-cli score` runs it.
std::vector<cl::BatchLine> scoreDemo(cl::ResponseScorer& scorer, const QString& path) {
    cl::ScoreRequest defaults;
    defaults.templateName = "tldr";
    std::vector<cl::BatchLine> lines;
    auto s = cl::scoreJsonl(scorer, path.toStdString(), defaults,
                            [&](const cl::BatchLine& l) { lines.push_back(l); });
    return s ? lines : std::vector<cl::BatchLine>{};
}

} // namespace

class TestRemoteScoring : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void urls();
    void parsesVllmPromptLogprobs();
    void creditLensServerEqualsLocal();
    void beamsThroughServerEqualLocal();
    void beamSentences();
    void alternativesThroughServerEqualLocal();
    void vllmLoraPairEqualsLocal();
    void tokenGoesWithEveryRequest();
    void cancelAbortsARequestInFlight();
    void cancelStopsConnecting();
    void poolRetriesOnAnotherServer();
    void poolReportsLinesThatKeepFailing();
    void sentences();

private:
    std::unique_ptr<cl::Model> m_policy, m_reference;
    std::unique_ptr<cl::RewardScorer> m_local;
    std::vector<cl::BatchLine> m_localLines;
    QTemporaryDir m_tmp;
    QString m_pairs;
};

void TestRemoteScoring::initTestCase() {
    auto p = cl::Model::load(kDemo + "policy");
    auto r = cl::Model::load(kDemo + "reference");
    auto local = cl::RewardScorer::load(kDemo + "policy", kDemo + "reference");
    QVERIFY(p.ok() && r.ok() && local.ok());
    m_policy = std::move(p.value());
    m_reference = std::move(r.value());
    m_local = std::move(local.value());
    // The first 6 demo pairs (12 responses).
    QFile all(QString::fromStdString(kDemo + "pairs.jsonl"));
    QVERIFY(all.open(QIODevice::ReadOnly));
    m_pairs = m_tmp.filePath("pairs.jsonl");
    QFile part(m_pairs);
    QVERIFY(part.open(QIODevice::WriteOnly));
    for (int i = 0; i < 6; ++i) {
        part.write(all.readLine());
    }
    part.close();
    m_localLines = scoreDemo(*m_local, m_pairs);
    QCOMPARE(m_localLines.size(), size_t(6));
}

void TestRemoteScoring::urls() {
    auto u = cl::server::parseModelUrl("http://gpu-host:8000/meta-llama/Llama-3-8B/");
    QVERIFY(u.ok());
    QCOMPARE(u->host, std::string("gpu-host"));
    QCOMPARE(u->port, 8000);
    QCOMPARE(u->model, std::string("meta-llama/Llama-3-8B"));
    QCOMPARE(cl::server::parseModelUrl("http://host/policy")->port, 80);
    for (const char* bad : {"http://host:8400", "http://host:8400/", "http://host:0/policy",
                            "http://host:99999/policy", "http://host:x/policy",
                            "http://user:pw@host/policy", "http://host/policy?x=1", "ftp://h/p"}) {
        QVERIFY2(!cl::server::parseModelUrl(bad).ok(), bad);
    }
    const auto https = cl::server::parseModelUrl("https://host/policy");
    QVERIFY(!https.ok() && https.error().find("SSH tunnel") != std::string::npos);
    const auto userinfo = cl::server::parseModelUrl("http://tok@host/policy");
    QVERIFY(userinfo.error().find("never in the URL") != std::string::npos);
}

void TestRemoteScoring::parsesVllmPromptLogprobs() {
    // vLLM 0.6.3's CompletionResponse with prompt_logprobs=1: each entry holds the prompt token
    // and the top alternative, keyed by id.
    const json body = json::parse(R"({"id":"cmpl-9","object":"text_completion","model":"m",
      "choices":[{"index":0,"text":" the","logprobs":null,"finish_reason":"length",
      "stop_reason":null,"prompt_logprobs":[null,
        {"450":{"logprob":-2.5,"rank":3,"decoded_token":" a"},
         "12":{"logprob":-0.5,"rank":1,"decoded_token":","}},
        {"13":{"logprob":-0.25,"rank":1,"decoded_token":"."}}]}],
      "usage":{"prompt_tokens":3,"total_tokens":4,"completion_tokens":1}})");
    auto lps = cl::server::parsePromptLogprobs(body, {1, 450, 13});
    QVERIFY(lps.ok());
    QVERIFY(std::isnan((*lps)[0]));
    QCOMPARE((*lps)[1], -2.5);
    QCOMPARE((*lps)[2], -0.25);
    json partial = body; // a CreditLens server asked from position 2: entry 1 null
    partial["choices"][0]["prompt_logprobs"][1] = nullptr;
    QVERIFY(!cl::server::parsePromptLogprobs(partial, {1, 450, 13}).ok());
    const auto fromTwo = cl::server::parsePromptLogprobs(partial, {1, 450, 13}, 2);
    QVERIFY(fromTwo.ok() && std::isnan((*fromTwo)[1]) && (*fromTwo)[2] == -0.25);
    const auto missing = cl::server::parsePromptLogprobs(body, {1, 451, 13});
    QVERIFY(!missing.ok() && missing.error().find("token 451 at position 1") != std::string::npos);
    QVERIFY(!cl::server::parsePromptLogprobs(body, {1, 450}).ok()); // length differs
    QVERIFY(!cl::server::parsePromptLogprobs(json::object(), {1}).ok());
    // prompt_logprobs=20: each entry holds the top 20 and, when it is not among them, the
    // prompt token as a 21st key (vLLM 0.6.3's Logprob dicts).
    json top20 = body;
    json entry = json::object();
    for (int id = 100; id < 120; ++id) {
        entry[std::to_string(id)] = {{"logprob", -0.1 * (id - 99)}, {"rank", id - 99},
                                     {"decoded_token", "t"}};
    }
    entry["450"] = {{"logprob", -9.75}, {"rank", 803}, {"decoded_token", " a"}};
    top20["choices"][0]["prompt_logprobs"][1] = entry;
    const auto wide = cl::server::parsePromptLogprobs(top20, {1, 450, 13});
    QVERIFY(wide.ok());
    QCOMPARE((*wide)[1], -9.75);
}

void TestRemoteScoring::creditLensServerEqualsLocal() {
    cl::server::ServerOptions o;
    o.tokenizerFolder = kDemo + "policy"; // the client fetches the tokenizer from the server
    RunningServer server(*m_policy, *m_reference, o);
    QVERIFY(server.port > 0);
    auto remote = cl::server::RemoteScorer::connect(url(server.port, "policy"),
                                                    url(server.port, "reference"), {});
    QVERIFY2(remote.ok(), remote.ok() ? "" : remote.error().c_str());
    const auto lines = scoreDemo(*remote.value(), m_pairs);
    QCOMPARE(lines.size(), m_localLines.size());
    cl::tol::DiffStats d;
    for (size_t i = 0; i < lines.size(); ++i) {
        for (auto [a, b] : {std::pair{&lines[i].chosen, &m_localLines[i].chosen},
                            {&lines[i].rejected, &m_localLines[i].rejected}}) {
            QCOMPARE((*a)->tokens.size(), (*b)->tokens.size());
            for (size_t t = 0; t < (*a)->tokens.size(); ++t) {
                QCOMPARE((*a)->tokens[t].text, (*b)->tokens[t].text);
                d.add((*a)->tokens[t].logpPolicy, (*b)->tokens[t].logpPolicy);
                d.add((*a)->tokens[t].logpRef, (*b)->tokens[t].logpRef);
            }
        }
        QCOMPARE(lines[i].margin > 0, m_localLines[i].margin > 0);
    }
    QVERIFY(d.report("served vs local log-probs", cl::tol::kLogprobMaxF32VsF32));
    // The servers' prefix caches count as reuse, as the local scorer's own KV caches do.
    const auto first = remote.value()->scoreIds({{1, 2, 3}, {4, 5}});
    const auto again = remote.value()->scoreIds({{1, 2, 3}, {4, 6}});
    QVERIFY(first.ok() && again.ok());
    QCOMPARE(first->reusedTokens, int64_t(0));
    QCOMPARE(again->reusedTokens, int64_t(4));
}

/// The demo's first prompt in the TL;DR layout, as ids.
std::vector<int32_t> demoPromptIds(const cl::RewardScorer& local, const QString& pairs) {
    QFile f(pairs);
    if (!f.open(QIODevice::ReadOnly)) {
        return {};
    }
    const json line = json::parse(f.readLine().toStdString());
    auto enc = local.tokenizer()->encode(line["prompt"].get<std::string>(), false);
    return enc ? enc->ids : std::vector<int32_t>{};
}

void TestRemoteScoring::beamsThroughServerEqualLocal() {
    // The server runs the same search on the same weights; only ids and doubles travel (JSON
    // writes doubles round-trip exact), and the desktop decodes and spans them itself.
    cl::server::ServerOptions o;
    o.tokenizerFolder = kDemo + "policy";
    RunningServer server(*m_policy, *m_reference, o);
    auto remote = cl::server::RemoteScorer::connect(url(server.port, "policy"),
                                                    url(server.port, "reference"), {});
    QVERIFY2(remote.ok(), remote.ok() ? "" : remote.error().c_str());
    remote.value()->setBeta(0.25);
    m_local->setBeta(0.25);
    const std::vector<int32_t> prompt = demoPromptIds(*m_local, m_pairs);
    QVERIFY(prompt.size() > 20);
    cl::BeamOptions options;
    options.width = 4;
    options.numReturn = 3;
    options.maxNewTokens = 16;
    options.lengthPenalty = 0.8;
    int progressCalls = 0;
    const auto there = remote.value()->searchBeams(prompt, options, [&](const cl::Progress&) {
        ++progressCalls;
        return true;
    });
    const auto here = m_local->searchBeams(prompt, options);
    m_local->setBeta(0.1);
    QVERIFY2(there.ok(), there.ok() ? "" : there.error().c_str());
    QVERIFY(here.ok());
    QCOMPARE(progressCalls, 2);
    QCOMPARE(there->size(), size_t(3));
    QCOMPARE(there->size(), here->size());
    cl::tol::DiffStats d;
    for (size_t i = 0; i < here->size(); ++i) {
        const cl::ScoredBeam &a = (*there)[i], &b = (*here)[i];
        QCOMPARE(a.beam.ids, b.beam.ids);
        QCOMPARE(a.text, b.text);
        QCOMPARE(a.beam.finished, b.beam.finished);
        d.add(a.beam.score, b.beam.score);
        d.add(a.beam.sumLogprob, b.beam.sumLogprob);
        QVERIFY(a.reward && b.reward);
        d.add(a.reward->rewardSum, b.reward->rewardSum);
        QCOMPARE(a.reward->tokens.size(), b.reward->tokens.size());
        for (size_t t = 0; t < a.reward->tokens.size(); ++t) {
            const cl::TokenScore &x = a.reward->tokens[t], &y = b.reward->tokens[t];
            QCOMPARE(x.text, y.text);
            QCOMPARE(x.start, y.start);
            QCOMPARE(x.end, y.end);
            QCOMPARE(x.isEos, y.isEos);
            d.add(x.logpPolicy, y.logpPolicy);
            d.add(x.logpRef, y.logpRef);
            d.add(x.reward, y.reward);
        }
    }
    QVERIFY(d.report("served vs local beams", cl::tol::kPrintedFloat32));

    // The width sweep over the server's search equals the local one.
    const std::vector<std::vector<int32_t>> prompts = {prompt, {prompt.begin(), prompt.end() - 5}};
    cl::BeamOptions sweepOptions;
    sweepOptions.maxNewTokens = 8;
    auto remoteRows = cl::widthSweep(
        [&](const std::vector<int32_t>& ids, const cl::BeamOptions& bo) {
            return remote.value()->searchBeams(ids, bo);
        },
        prompts, {1, 3}, sweepOptions);
    auto localRows = cl::widthSweep(m_local->policyModel(), m_local->referenceModel(),
                                    m_local->tokenizer(), prompts, {1, 3}, sweepOptions, 0.25);
    QVERIFY(remoteRows.ok() && localRows.ok());
    QCOMPARE(remoteRows->size(), size_t(2));
    cl::tol::DiffStats s;
    for (size_t i = 0; i < remoteRows->size(); ++i) {
        QCOMPARE((*remoteRows)[i].width, (*localRows)[i].width);
        QCOMPARE((*remoteRows)[i].meanLength, (*localRows)[i].meanLength);
        s.add((*remoteRows)[i].meanSumLogprob, (*localRows)[i].meanSumLogprob);
        s.add((*remoteRows)[i].meanRewardSum, (*localRows)[i].meanRewardSum);
    }
    QVERIFY(s.report("served vs local sweep", cl::tol::kPrintedFloat32));
}

void TestRemoteScoring::beamSentences() {
    cl::server::ServerOptions o;
    o.tokenizerFolder = kDemo + "policy";
    RunningServer server(*m_policy, *m_reference, o);
    const std::vector<int32_t> prompt = {10, 11, 12};
    auto swapped = cl::server::RemoteScorer::connect(url(server.port, "reference"),
                                                     url(server.port, "policy"), {});
    QVERIFY(swapped.ok());
    const auto wrongPair = swapped.value()->searchBeams(prompt, {});
    QVERIFY(!wrongPair.ok() &&
            wrongPair.error().find("one CreditLens server") != std::string::npos);
    auto remote = cl::server::RemoteScorer::connect(url(server.port, "policy"),
                                                    url(server.port, "reference"), {});
    QVERIFY(remote.ok());
    // The beam tree comes back whole: the server's trace, spelled here, equals a local one.
    cl::BeamTrace there, here;
    cl::BeamOptions traced;
    traced.width = 3;
    traced.maxNewTokens = 6;
    traced.trace = &there;
    QVERIFY(remote.value()->searchBeams(prompt, traced).ok());
    traced.trace = &here;
    QVERIFY(m_local->searchBeams(prompt, traced).ok());
    QVERIFY(there.scored && here.scored);
    QCOMPARE(there.width, 3);
    QCOMPARE(there.steps.size(), here.steps.size());
    QCOMPARE(there.finals.size(), here.finals.size());
    cl::tol::DiffStats d;
    for (size_t s = 0; s < here.steps.size(); ++s) {
        QCOMPARE(there.steps[s].beamRows, here.steps[s].beamRows);
        QCOMPARE(there.steps[s].nodes.size(), here.steps[s].nodes.size());
        for (size_t i = 0; i < here.steps[s].nodes.size(); ++i) {
            const cl::BeamTraceNode &a = there.steps[s].nodes[i], &b = here.steps[s].nodes[i];
            QCOMPARE(a.parent, b.parent);
            QCOMPARE(a.token, b.token);
            QCOMPARE(a.text, b.text);
            QVERIFY(a.fate == b.fate);
            d.add(a.logpPolicy, b.logpPolicy);
            d.add(a.logpRef, b.logpRef);
            d.add(a.reward, b.reward);
        }
    }
    for (size_t i = 0; i < here.finals.size(); ++i) {
        QCOMPARE(there.pathIds(there.finals[i]), here.pathIds(here.finals[i]));
    }
    QVERIFY(d.report("served vs local beam tree", cl::tol::kPrintedFloat32));
    cl::BeamOptions stop;
    stop.stopString = "TL;DR: the end";
    const auto longStop = remote.value()->searchBeams(prompt, stop);
    QVERIFY(!longStop.ok() && longStop.error().find("is not one token") != std::string::npos);
    const auto outside = remote.value()->alternatives({"p", "r"}, 40);
    QVERIFY(!outside.ok() && outside.error().find("outside the response") != std::string::npos);
    // What the Models panel shows comes from the server's model card.
    QCOMPARE(remote.value()->policyInfo().architecture, m_policy->info().architecture);
    QCOMPARE(remote.value()->policyInfo().layers, m_policy->info().layers);
    QCOMPARE(remote.value()->policyInfo().eosIds, m_policy->info().eosIds);
    QCOMPARE(remote.value()->policyInfo().folder, url(server.port, "policy"));
    QVERIFY(remote.value()->policyInfo().device.find("at 127.0.0.1:") != std::string::npos);
    FakeVllm vllm(*m_policy, *m_reference);
    cl::server::RemoteOptions withFolder;
    withFolder.tokenizerDir = kDemo + "policy";
    auto onVllm = cl::server::RemoteScorer::connect(url(vllm.port, "dpo-lora"),
                                                    url(vllm.port, "base"), withFolder);
    QVERIFY(onVllm.ok());
    const auto vllmBeams = onVllm.value()->searchBeams(prompt, {});
    QVERIFY(!vllmBeams.ok() &&
            vllmBeams.error().find("is not a CreditLens server") != std::string::npos);
    const auto vllmAlternatives = onVllm.value()->alternatives({"p", "r"}, 0);
    QVERIFY(!vllmAlternatives.ok() &&
            vllmAlternatives.error().find("vLLM does not send") != std::string::npos);
}

void TestRemoteScoring::alternativesThroughServerEqualLocal() {
    // Ranked on the server over the whole vocabulary with the same function as here; only ids
    // and doubles travel, the desktop spells them.
    cl::server::ServerOptions o;
    o.tokenizerFolder = kDemo + "policy";
    RunningServer server(*m_policy, *m_reference, o);
    auto remote = cl::server::RemoteScorer::connect(url(server.port, "policy"),
                                                    url(server.port, "reference"), {});
    QVERIFY(remote.ok());
    QFile f(m_pairs);
    QVERIFY(f.open(QIODevice::ReadOnly));
    const json line = json::parse(f.readLine().toStdString());
    cl::ScoreRequest request;
    request.prompt = line["prompt"].get<std::string>();
    request.response = line["chosen"].get<std::string>();
    request.templateName = "tldr";
    remote.value()->setBeta(0.2);
    m_local->setBeta(0.2);
    // The server's rows come through its prefix cache (other shapes than one local pass): two
    // float32 computations of the same log-probs, so the f32-vs-f32 bound, and 2 beta of it for
    // rewards. Ranks may swap only where two entries are closer than that.
    const double logpBound = cl::tol::kLogprobMaxF32VsF32;
    const double rewardBound = cl::tol::rewardMax(0.2, logpBound);
    cl::tol::DiffStats logps, rewards;
    for (int64_t position : {int64_t(0), int64_t(7), int64_t(19)}) {
        const auto there = remote.value()->alternatives(request, position, 12);
        const auto here = m_local->alternatives(request, position, 12);
        QVERIFY2(there.ok(), there.ok() ? "" : there.error().c_str());
        QVERIFY(here.ok());
        QCOMPARE(there->position, position);
        for (bool byReward : {true, false}) {
            const auto& a = byReward ? there->byReward : there->byPolicy;
            const auto& b = byReward ? here->byReward : here->byPolicy;
            QCOMPARE(a.size(), size_t(12));
            QCOMPARE(a.size(), b.size());
            for (size_t i = 0; i < a.size(); ++i) {
                if (a[i].id != b[i].id) { // a near-tie, ranked the other way
                    const double gap = byReward ? std::abs(a[i].reward - b[i].reward)
                                                : std::abs(a[i].logpPolicy - b[i].logpPolicy);
                    QVERIFY2(gap <= 2 * (byReward ? rewardBound : logpBound),
                             qPrintable(QString("rank %1 differs by %2").arg(i).arg(gap)));
                    continue;
                }
                QCOMPARE(a[i].text, b[i].text);
                QCOMPARE(a[i].plausible, b[i].plausible);
                logps.add(a[i].logpPolicy, b[i].logpPolicy);
                logps.add(a[i].logpRef, b[i].logpRef);
                rewards.add(a[i].reward, b[i].reward);
            }
        }
    }
    m_local->setBeta(0.1);
    QVERIFY(logps.report("served vs local alternatives' log-probs", logpBound));
    QVERIFY(rewards.report("served vs local alternatives' rewards", rewardBound));
}

void TestRemoteScoring::vllmLoraPairEqualsLocal() {
    FakeVllm vllm(*m_policy, *m_reference);
    QVERIFY(vllm.port > 0);
    // vLLM serves no tokenizer files: without a folder ids score, text asks for one.
    auto noTokenizer = cl::server::RemoteScorer::connect(url(vllm.port, "dpo-lora"),
                                                         url(vllm.port, "base"), {});
    QVERIFY(noTokenizer.ok());
    QVERIFY(noTokenizer.value()->scoreIds({{1, 2, 3}, {4}}).ok());
    const auto text = noTokenizer.value()->score({"prompt", "response"});
    QVERIFY(!text.ok() && text.error().find("--tokenizer DIR") != std::string::npos);
    cl::server::RemoteOptions options;
    options.tokenizerDir = kDemo + "policy";
    auto remote = cl::server::RemoteScorer::connect(url(vllm.port, "dpo-lora"),
                                                    url(vllm.port, "base"), options);
    QVERIFY2(remote.ok(), remote.ok() ? "" : remote.error().c_str());
    const auto lines = scoreDemo(*remote.value(), m_pairs);
    QCOMPARE(lines.size(), m_localLines.size());
    cl::tol::DiffStats d;
    for (size_t i = 0; i < lines.size(); ++i) {
        d.add(lines[i].chosen->rewardSum, m_localLines[i].chosen->rewardSum);
        d.add(lines[i].rejected->rewardSum, m_localLines[i].rejected->rewardSum);
    }
    // Sums over at most 64 response tokens of rewards that carry 2 beta x the float32-vs-float32
    // bound each (the served JSON rounds log-probs to float32 too).
    const double bound = cl::tol::sumOf(64, cl::tol::rewardMax(0.1, cl::tol::kLogprobMaxF32VsF32));
    QVERIFY(d.report("vLLM-shaped reward sums vs local", bound));
}

void TestRemoteScoring::tokenGoesWithEveryRequest() {
    cl::server::ServerOptions o;
    o.token = "s3cret";
    o.tokenizerFolder = kDemo + "policy";
    RunningServer server(*m_policy, *m_reference, o);
    auto without = cl::server::RemoteModel::connect(url(server.port, "policy"), "");
    QVERIFY(!without.ok() && without.error().find("401") != std::string::npos);
    auto wrong = cl::server::RemoteModel::connect(url(server.port, "policy"), "guess");
    QVERIFY(!wrong.ok());
    cl::server::RemoteOptions options;
    options.token = "s3cret";
    auto remote = cl::server::RemoteScorer::connect(url(server.port, "policy"),
                                                    url(server.port, "reference"), options);
    QVERIFY2(remote.ok(), remote.ok() ? "" : remote.error().c_str());
    auto scored = remote.value()->scoreIds({{1, 2, 3}, {4, 5}});
    QVERIFY2(scored.ok(), scored.ok() ? "" : scored.error().c_str());
    QCOMPARE(scored->tokens.size(), size_t(2));
}

/// A CreditLens-looking server whose /v1/completions and /creditlens/v1/beam (and with
/// holdModels its /v1/models too) hold every request until released: a GPU host that stopped
/// answering.
struct HangingServer {
    httplib::Server http;
    std::thread thread;
    int port = 0;
    std::atomic<int> entered{0};
    std::atomic<bool> released{false};

    explicit HangingServer(bool holdModels = false) {
        auto hold = [this](const httplib::Request&, httplib::Response& res) {
            ++entered;
            for (int i = 0; i < 3000 && !released.load(); ++i) { // at most 30 s
                std::this_thread::sleep_for(std::chrono::milliseconds(10));
            }
            res.status = 503;
        };
        http.Get("/v1/models", [holdModels, hold](const httplib::Request& req,
                                                  httplib::Response& res) {
            if (holdModels) {
                hold(req, res);
                return;
            }
            const json cards = {{{"id", "policy"}, {"object", "model"}, {"owned_by", "creditlens"}},
                                {{"id", "reference"}, {"object", "model"}, {"owned_by", "creditlens"}}};
            res.set_content(json{{"object", "list"}, {"data", cards}}.dump(), "application/json");
        });
        http.Post("/v1/completions", hold);
        http.Post("/creditlens/v1/beam", hold);
        port = http.bind_to_any_port("127.0.0.1");
        thread = std::thread([this] { http.listen_after_bind(); });
    }
    ~HangingServer() {
        released = true;
        http.stop();
        thread.join();
    }
};

/// Runs `call` (returning a Result) on a thread, waits until the server holds its request (the
/// `nth` so far), runs `cancel`, and returns the call's error. Anything else (the request never
/// arrived, the call did not return within 10 s, or only once the server let go) comes back as
/// a sentence saying so.
template <typename Call>
std::string errorWhenCancelledWhileHeld(HangingServer& server, int nth, Call call,
                                        const std::function<void()>& cancel) {
    std::atomic<bool> done{false};
    std::string error = "not run";
    std::thread calling([&] {
        auto result = call();
        error = result.ok() ? "it succeeded" : result.error();
        done = true;
    });
    const bool held = QTest::qWaitFor([&] { return server.entered.load() == nth; }, 10000);
    cancel();
    const bool returned = QTest::qWaitFor([&] { return done.load(); }, 10000);
    const bool whileHeld = returned && !server.released.load();
    if (!returned) {
        server.released = true; // let the call finish, so the thread can be joined
    }
    calling.join();
    return held && whileHeld ? error : "did not return while the server held it: " + error;
}

void TestRemoteScoring::cancelAbortsARequestInFlight() {
    // The engine thread must not wait on a server that stopped answering once the user cancels
    // (the GUI's Cancel, or a newer edit): the socket is shut down and the call returns, while
    // the server still holds the request.
    HangingServer server;
    cl::server::RemoteOptions options;
    options.tokenizerDir = kDemo + "policy";
    auto remote = cl::server::RemoteScorer::connect(url(server.port, "policy"),
                                                    url(server.port, "reference"), options);
    QVERIFY2(remote.ok(), remote.ok() ? "" : remote.error().c_str());
    cl::server::RemoteScorer& scorer = *remote.value();
    QCOMPARE(errorWhenCancelledWhileHeld(
                 server, 1, [&] { return scorer.scoreIds({{1, 2, 3}, {4, 5}}); },
                 [&] { scorer.cancel(); }),
             std::string(cl::kCancelledMessage));

    // A beam search follows its caller's cancel flag (the Beam panel's) the same way.
    std::atomic<bool> flag{false};
    QCOMPARE(errorWhenCancelledWhileHeld(
                 server, 2, [&] { return scorer.searchBeams({1, 2, 3}, {}, {}, &flag); },
                 [&] { flag = true; }),
             std::string(cl::kCancelledMessage));
}

void TestRemoteScoring::cancelStopsConnecting() {
    // Loading a pair by URL: the GUI's Cancel stops a server that accepts the connection but
    // never lists its models, while the server still holds the request.
    HangingServer server(true);
    std::atomic<bool> cancel{false};
    cl::server::RemoteOptions options;
    options.tokenizerDir = kDemo + "policy";
    options.cancel = &cancel;
    QCOMPARE(errorWhenCancelledWhileHeld(
                 server, 1,
                 [&] {
                     return cl::server::RemoteScorer::connect(url(server.port, "policy"),
                                                              url(server.port, "reference"),
                                                              options);
                 },
                 [&] { cancel = true; }),
             std::string(cl::kCancelledMessage));
}

void TestRemoteScoring::sentences() {
    RunningServer server(*m_policy, *m_reference, {});
    const auto unknown = cl::server::RemoteModel::connect(url(server.port, "nope"), "");
    QVERIFY(!unknown.ok());
    QVERIFY2(unknown.error().find("does not serve `nope`; it serves policy, reference") !=
                 std::string::npos,
             unknown.error().c_str());
    // A port nothing listens on (bound, read, closed again): no answer, named.
    const int closed = freePort();
    QVERIFY(closed > 0);
    const auto down = cl::server::RemoteModel::connect(url(closed, "policy"), "");
    QVERIFY(!down.ok() && down.error().find("no answer from 127.0.0.1") != std::string::npos);
    // Ids outside the vocabulary: the server's 400 sentence comes through.
    auto model = cl::server::RemoteModel::connect(url(server.port, "policy"), "");
    QVERIFY(model.ok());
    const auto outside = model.value()->logprobs({1, 999999});
    QVERIFY(!outside.ok() && outside.error().find("HTTP 400") != std::string::npos);
}

void TestRemoteScoring::poolRetriesOnAnotherServer() {
    // Two vLLM-shaped servers; the first answers 503 to its first 3 requests. Every line is
    // scored, the output comes in input order, and the numbers are the local ones.
    FakeVllm flaky(*m_policy, *m_reference, 3), steady(*m_policy, *m_reference);
    cl::server::PoolOptions options;
    options.servers = {{url(flaky.port, "dpo-lora"), url(flaky.port, "base")},
                       {url(steady.port, "dpo-lora"), url(steady.port, "base")}};
    options.remote.tokenizerDir = kDemo + "policy";
    options.backoffMs = 1;
    cl::ScoreRequest defaults;
    defaults.templateName = "tldr";
    std::vector<cl::server::LineOutcome> outcomes;
    auto summary = cl::server::scoreOnServers(
        m_pairs.toStdString(), defaults, options,
        [&](const cl::server::LineOutcome& o) { outcomes.push_back(o); });
    QVERIFY2(summary.ok(), summary.ok() ? "" : summary.error().c_str());
    QCOMPARE(summary->lines, int64_t(6));
    QCOMPARE(outcomes.size(), size_t(6));
    cl::tol::DiffStats d;
    for (size_t i = 0; i < outcomes.size(); ++i) {
        QCOMPARE(outcomes[i].line, int64_t(i + 1));
        QVERIFY2(outcomes[i].scored.has_value(), outcomes[i].error.c_str());
        d.add(outcomes[i].scored->margin, m_localLines[i].margin);
    }
    QVERIFY(flaky.failures.load() <= 0); // the 503s happened and were retried
    QVERIFY(d.report("pool margins vs local",
                     cl::tol::sumOf(128, cl::tol::rewardMax(0.1, cl::tol::kLogprobMaxF32VsF32))));
    // Skipped lines (--resume) are not asked for.
    options.skipLines = {1, 2, 3, 4, 5};
    outcomes.clear();
    summary = cl::server::scoreOnServers(m_pairs.toStdString(), defaults, options,
                                         [&](const cl::server::LineOutcome& o) {
                                             outcomes.push_back(o);
                                         });
    QVERIFY(summary.ok());
    QCOMPARE(outcomes.size(), size_t(1));
    QCOMPARE(outcomes[0].line, int64_t(6));
}

void TestRemoteScoring::poolReportsLinesThatKeepFailing() {
    // One server that always answers 503, and one that is down (left out with a warning): the
    // first line tried twice is reported with its reason and the run stops with a sentence,
    // leaving the rest for --resume.
    FakeVllm busy(*m_policy, *m_reference, 1 << 20);
    cl::server::PoolOptions options;
    options.servers = {{url(busy.port, "dpo-lora"), url(busy.port, "base")},
                       {url(freePort(), "dpo-lora"), url(freePort(), "base")}};
    options.remote.tokenizerDir = kDemo + "policy";
    options.attempts = 2;
    options.backoffMs = 1;
    std::vector<cl::server::LineOutcome> outcomes;
    auto summary = cl::server::scoreOnServers(
        m_pairs.toStdString(), {}, options,
        [&](const cl::server::LineOutcome& o) { outcomes.push_back(o); });
    QVERIFY(!summary.ok());
    QVERIFY2(summary.error().find("the servers stopped answering") != std::string::npos &&
                 summary.error().find("HTTP 503: the queue is full") != std::string::npos &&
                 summary.error().find("--resume") != std::string::npos,
             summary.error().c_str());
    QCOMPARE(outcomes.size(), size_t(1));
    QCOMPARE(outcomes[0].line, int64_t(1));
    QVERIFY(!outcomes[0].scored);
    QVERIFY(busy.failures.load() < (1 << 20) - 1); // tried more than once
    // A pair that does not connect is left out with a warning; the others carry the file.
    FakeVllm steady(*m_policy, *m_reference);
    options.servers[0] = {url(steady.port, "dpo-lora"), url(steady.port, "base")};
    auto carried = cl::server::scoreOnServers(m_pairs.toStdString(), {}, options, {});
    QVERIFY(carried.ok());
    QCOMPARE(carried->lines, int64_t(6));
    QCOMPARE(carried->warnings.size(), size_t(1));
    QVERIFY(carried->warnings[0].message.find("left out of the pool") != std::string::npos);
    // No pair connects: one sentence naming them.
    options.servers.erase(options.servers.begin());
    const auto none = cl::server::scoreOnServers(m_pairs.toStdString(), {}, options, {});
    QVERIFY(!none.ok() && none.error().find("no answer from") != std::string::npos);
}

QTEST_GUILESS_MAIN(TestRemoteScoring)
#include "tst_remote_scoring.moc"
