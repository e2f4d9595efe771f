// `creditlens-cli serve` as a real process (issue #16): the start-up rules (a non-loopback host
// without a token is refused before any model loads) and the JSON line announcing the bound
// port, then a few requests over 127.0.0.1 with the token taken from CREDITLENS_TOKEN.
#include "common/cli_process.h"
#include "common/fixtures.h"
#include "common/tolerances.h"
#include "core/engine/model.h"

#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#include <httplib.h>
#include <nlohmann/json.hpp>

#include <map>

using nlohmann::json;

namespace {

QString cliPath() {
    return QString::fromLocal8Bit(qgetenv("CREDITLENS_BINARY_DIR")) + "/app/cli/creditlens-cli";
}

} // namespace

class TestServeCli : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() { qunsetenv("CREDITLENS_TOKEN"); }
    void nonLoopbackWithoutTokenIsRefused_data();
    void nonLoopbackWithoutTokenIsRefused();
    void servesOnAnEphemeralPort();
    void resumeSkipsWhatTheOutputHolds();
    void serverKilledMidBatchLosesNoLine();
};

void TestServeCli::nonLoopbackWithoutTokenIsRefused_data() {
    QTest::addColumn<QString>("host");
    QTest::newRow("any") << "0.0.0.0";
    QTest::newRow("lan") << "192.168.0.10";
    QTest::newRow("ipv6 any") << "::";
}

void TestServeCli::nonLoopbackWithoutTokenIsRefused() {
    QFETCH(QString, host);
    // The folders do not even exist: the refusal comes first, before any loading.
    const auto run = cl::test::runCli({"serve", "--policy", "/nonexistent/p", "--reference",
                                       "/nonexistent/r", "--host", host, "--port", "0"});
    QCOMPARE(run.code, 1);
    QVERIFY2(run.err.contains("refusing to listen on " + host.toUtf8()), run.err.constData());
    QVERIFY(run.err.contains("--token"));
    QCOMPARE(run.err.count('\n'), 1);
    QVERIFY(run.out.isEmpty());
}

void TestServeCli::servesOnAnEphemeralPort() {
    CL_REQUIRE_FIXTURES();
    QProcess p;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert("CREDITLENS_TOKEN", "tok-from-env");
    p.setProcessEnvironment(env);
    const QString policy = cl::test::fixturePath("models/gpt_neox_parallel");
    p.start(cliPath(), {"serve", "--policy", policy, "--reference",
                        cl::test::fixturePath("models/gpt_neox_sequential"), "--port", "0"});
    QVERIFY(p.waitForStarted());
    QByteArray line;
    for (int i = 0; i < 120 && !line.contains('\n'); ++i) { // at most 120 waits of 1 s
        p.waitForReadyRead(1000);
        line += p.readAllStandardOutput();
    }
    const json hello = json::parse(line.toStdString(), nullptr, false);
    QVERIFY2(hello.is_object(), line.constData());
    QCOMPARE(hello["event"].get<std::string>(), std::string("listening"));
    QCOMPARE(hello["host"].get<std::string>(), std::string("127.0.0.1"));
    QVERIFY(hello["auth"].get<bool>());
    const int port = hello["port"].get<int>();
    QVERIFY(port > 0);

    httplib::Client anon("127.0.0.1", port);
    auto r = anon.Get("/v1/models");
    QVERIFY(r);
    QCOMPARE(r->status, 401);
    httplib::Client c("127.0.0.1", port);
    c.set_bearer_token_auth("tok-from-env");
    c.set_read_timeout(60, 0);
    const std::vector<int32_t> ids = {5, 0, 311, 999, 2};
    const json body = {{"model", "reference"},
                       {"prompt", ids},
                       {"max_tokens", 0},
                       {"echo", true},
                       {"prompt_logprobs", 0}};
    r = c.Post("/v1/completions", body.dump(), "application/json");
    QVERIFY(r);
    QCOMPARE(r->status, 200);
    const json out = json::parse(r->body);
    auto local = cl::Model::load(cl::test::fixtureStd("models/gpt_neox_sequential"));
    QVERIFY(local.ok());
    auto expected = local.value()->logprobs(ids);
    QVERIFY(expected.ok());
    // Another process, same code and weights on the same CPU.
    cl::tol::DiffStats d;
    for (size_t i = 1; i < ids.size(); ++i) {
        d.add(out["choices"][0]["prompt_logprobs"][i][std::to_string(ids[i])]["logprob"]
                  .get<double>(),
              (*expected)[i - 1]);
    }
    // `score` with the two URLs (issue #16 item 2), the token from CREDITLENS_TOKEN, ids lines
    // (the fixtures have no tokenizer): the same rewards as `score` over the two folders.
    QTemporaryDir tmp;
    QFile input(tmp.filePath("ids.jsonl"));
    QVERIFY(input.open(QIODevice::WriteOnly));
    input.write("{\"prompt_ids\": [5, 0, 311], \"response_ids\": [999, 2, 17]}\n"
                "{\"prompt_ids\": [1, 2], \"response_ids\": [3, 4, 5, 6]}\n");
    input.close();
    const QString base = "http://127.0.0.1:" + QString::number(port) + "/";
    qputenv("CREDITLENS_TOKEN", "tok-from-env");
    const auto served = cl::test::runCli({"score", "--policy", base + "policy", "--reference",
                                          base + "reference", "--input", input.fileName()});
    // `beam` with the two URLs: the server's search, the same beams as `beam` over the folders.
    const QStringList beamArgs = {"--prompt-ids", "5,0,311", "--width",  "3",
                                  "--num-return", "2",       "--max-new-tokens", "6",
                                  "--beta",       "0.5"};
    const auto servedBeams = cl::test::runCli(
        QStringList{"beam", "--policy", base + "policy", "--reference", base + "reference"} +
        beamArgs);
    qunsetenv("CREDITLENS_TOKEN");
    p.kill();
    p.waitForFinished(10000);
    QVERIFY2(d.report("CLI server vs local", cl::tol::kSameFloatsInDouble),
             qPrintable(d.describe("CLI server", 0)));
    QVERIFY2(served.code == 0, served.err.constData());
    const auto folders = cl::test::runCli(
        {"score", "--policy", policy, "--reference",
         cl::test::fixturePath("models/gpt_neox_sequential"), "--input", input.fileName()});
    QCOMPARE(folders.code, 0);
    const QList<QByteArray> a = served.out.trimmed().split('\n'), b = folders.out.trimmed().split('\n');
    QCOMPARE(a.size(), 2);
    QCOMPARE(b.size(), 2);
    cl::tol::DiffStats sums;
    for (int i = 0; i < 2; ++i) {
        sums.add(json::parse(a[i].toStdString())["reward_sum"].get<double>(),
                 json::parse(b[i].toStdString())["reward_sum"].get<double>());
    }
    QVERIFY(sums.report("score via URLs vs folders",
                        cl::tol::sumOf(4, cl::tol::rewardMax(0.1, cl::tol::kLogprobMaxF32VsF32))));

    QVERIFY2(servedBeams.code == 0, servedBeams.err.constData());
    const auto localBeams = cl::test::runCli(
        QStringList{"beam", "--policy", policy, "--reference",
                    cl::test::fixturePath("models/gpt_neox_sequential")} +
        beamArgs);
    QCOMPARE(localBeams.code, 0);
    const json there = json::parse(servedBeams.out.toStdString())["beams"];
    const json here = json::parse(localBeams.out.toStdString())["beams"];
    QCOMPARE(there.size(), size_t(2));
    QCOMPARE(there.size(), here.size());
    cl::tol::DiffStats beams;
    for (size_t i = 0; i < here.size(); ++i) {
        // Another process on the same CPU and weights: the same search, the same ids.
        QCOMPARE(there[i]["ids"], here[i]["ids"]);
        beams.add(there[i]["reward_sum"].get<double>(), here[i]["reward_sum"].get<double>());
        beams.add(there[i]["sum_logprob"].get<double>(), here[i]["sum_logprob"].get<double>());
    }
    QVERIFY(beams.report("beam via URLs vs folders", cl::tol::kPrintedFloat32));
}

void TestServeCli::resumeSkipsWhatTheOutputHolds() {
    // The bundled demo (no fixtures needed): 6 pairs scored, then the output cut to 3 records
    // and half of a fourth (a crash mid-write); --resume scores lines 4..6 only and the file
    // ends as a fresh run's, every record naming its input line.
    const QString demo = QStringLiteral(CREDITLENS_SOURCE_DIR "/resources/demo/");
    QTemporaryDir tmp;
    QFile all(demo + "pairs.jsonl");
    QVERIFY(all.open(QIODevice::ReadOnly));
    QFile input(tmp.filePath("six.jsonl"));
    QVERIFY(input.open(QIODevice::WriteOnly));
    for (int i = 0; i < 6; ++i) {
        input.write(all.readLine());
    }
    input.close();
    const QStringList score = {"score", "--policy", demo + "policy", "--reference",
                               demo + "reference", "--template", "tldr", "--input",
                               input.fileName(), "--output"};
    const QString fresh = tmp.filePath("fresh.jsonl"), resumed = tmp.filePath("resumed.jsonl");
    QCOMPARE(cl::test::runCli(score + QStringList{fresh}).code, 0);
    QFile f(fresh);
    QVERIFY(f.open(QIODevice::ReadOnly));
    const QList<QByteArray> records = f.readAll().trimmed().split('\n');
    QCOMPARE(records.size(), 6);
    QFile cut(resumed);
    QVERIFY(cut.open(QIODevice::WriteOnly));
    cut.write(records[0] + "\n" + records[1] + "\n" + records[2] + "\n" + records[3].left(40));
    cut.close();
    const auto r = cl::test::runCli(score + QStringList{resumed, "--resume"});
    QVERIFY2(r.code == 0, r.err.constData());
    QVERIFY2(r.err.contains("scored 3 lines") && r.err.contains("3 done before"), r.err.constData());
    QFile back(resumed);
    QVERIFY(back.open(QIODevice::ReadOnly));
    const QList<QByteArray> after = back.readAll().trimmed().split('\n');
    QCOMPARE(after.size(), 6);
    cl::tol::DiffStats d; // the resumed run starts from other cached prefixes: float32 apart
    for (int i = 0; i < 6; ++i) {
        const json a = json::parse(after[i].toStdString()), b = json::parse(records[i].toStdString());
        QCOMPARE(a["line"].get<int>(), i + 1);
        d.add(a["margin"].get<double>(), b["margin"].get<double>());
    }
    QVERIFY(d.report("resumed vs fresh margins",
                     cl::tol::sumOf(128, cl::tol::rewardMax(0.1, cl::tol::kLogprobMaxF32VsF32))));
    // --resume without a file to resume from is a usage sentence.
    const auto noFile = cl::test::runCli(score.mid(0, score.size() - 1) + QStringList{"--resume"});
    QCOMPARE(noFile.code, 1);
    QVERIFY(noFile.err.contains("--resume needs --output FILE"));
}

namespace {

/// `creditlens-cli serve` of the bundled demo pair on an ephemeral port; 0 when it did not start.
int startDemoServer(QProcess& p) {
    const QString demo = QStringLiteral(CREDITLENS_SOURCE_DIR "/resources/demo/");
    p.start(cliPath(), {"serve", "--policy", demo + "policy", "--reference", demo + "reference",
                        "--port", "0"});
    if (!p.waitForStarted()) {
        return 0;
    }
    QByteArray line;
    for (int i = 0; i < 120 && !line.contains('\n'); ++i) {
        p.waitForReadyRead(1000);
        line += p.readAllStandardOutput();
    }
    const json hello = json::parse(line.toStdString(), nullptr, false);
    return hello.is_object() && hello.contains("port") ? hello["port"].get<int>() : 0;
}

QStringList remoteScore(int port, const QString& input, const QString& output) {
    const QString base = "http://127.0.0.1:" + QString::number(port) + "/";
    return {"score", "--policy", base + "policy", "--reference", base + "reference", "--template",
            "tldr", "--input", input, "--output", output};
}

} // namespace

void TestServeCli::serverKilledMidBatchLosesNoLine() {
    // 80 demo pairs through a server that is killed once lines are being written: the run
    // stops with a sentence (or finishes first), --resume against a restarted server completes
    // the file, and every line is there once, equal to a local run.
    const QString demo = QStringLiteral(CREDITLENS_SOURCE_DIR "/resources/demo/");
    QTemporaryDir tmp;
    const QString input = tmp.filePath("pairs80.jsonl"); // the first 80 demo pairs
    {
        QFile all(demo + "pairs.jsonl"), part(input);
        QVERIFY(all.open(QIODevice::ReadOnly) && part.open(QIODevice::WriteOnly));
        for (int i = 0; i < 80; ++i) {
            part.write(all.readLine());
        }
    }
    const QString out = tmp.filePath("out.jsonl"), local = tmp.filePath("local.jsonl");
    QProcess server;
    const int port = startDemoServer(server);
    QVERIFY(port > 0);
    QProcess score;
    score.start(cliPath(), remoteScore(port, input, out));
    QVERIFY(score.waitForStarted());
    auto linesIn = [](const QString& path) {
        QFile f(path);
        return f.open(QIODevice::ReadOnly) ? f.readAll().count('\n') : 0;
    };
    QTRY_VERIFY_WITH_TIMEOUT(linesIn(out) >= 10 || score.state() == QProcess::NotRunning, 120000);
    server.kill();
    server.waitForFinished(10000);
    QVERIFY(score.waitForFinished(120000));
    qInfo("%d of 80 lines written when the server died (exit code %d)", int(linesIn(out)),
          score.exitCode());
    const QByteArray stopped = score.readAllStandardError();
    QVERIFY2(score.exitCode() == 0 || stopped.contains("the servers stopped answering"),
             stopped.constData());
    QProcess again;
    const int port2 = startDemoServer(again);
    QVERIFY(port2 > 0);
    const auto resumed = cl::test::runCli(remoteScore(port2, input, out) << "--resume");
    again.kill();
    again.waitForFinished(10000);
    QVERIFY2(resumed.code == 0, resumed.err.constData());
    QCOMPARE(cl::test::runCli({"score", "--policy", demo + "policy", "--reference",
                               demo + "reference", "--template", "tldr", "--input", input,
                               "--output", local})
                 .code,
             0);
    std::map<int, double> remoteMargins, localMargins;
    for (auto [path, margins] : {std::pair{out, &remoteMargins}, {local, &localMargins}}) {
        QFile f(path);
        QVERIFY(f.open(QIODevice::ReadOnly));
        for (const QByteArray& l : f.readAll().trimmed().split('\n')) {
            const json j = json::parse(l.toStdString());
            QVERIFY2(margins->emplace(j["line"].get<int>(), j["margin"].get<double>()).second,
                     "a line written twice");
        }
    }
    QCOMPARE(remoteMargins.size(), size_t(80));
    QCOMPARE(localMargins.size(), size_t(80));
    cl::tol::DiffStats d;
    for (const auto& [line, margin] : localMargins) {
        QVERIFY(remoteMargins.count(line));
        d.add(remoteMargins[line], margin);
    }
    QVERIFY(d.report("killed and resumed vs local margins",
                     cl::tol::sumOf(128, cl::tol::rewardMax(0.1, cl::tol::kLogprobMaxF32VsF32))));
}

QTEST_GUILESS_MAIN(TestServeCli)
#include "tst_serve_cli.moc"
