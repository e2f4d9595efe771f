// Models behind a server in the desktop app (issue #16 item 2): File → Open models on a
// server…'s dialog, and a pair given as two URLs of an in-process CreditLens server, loaded on
// the engine thread like folders: the same per-token rewards, beams and alternatives as the same
// folders loaded here, the Models panel's facts from the server, and one sentence for a pair that
// does not fit here.
#include "common/tolerances.h"
#include "core/engine/model.h"
#include "core/running_server.h"
#include "ui/beam/beam_jobs.h"
#include "ui/engine/engine_client.h"
#include "ui/model_panel.h"
#include "ui/window/server_dialog.h"

#include <QDialogButtonBox>
#include <QFile>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTest>

#include <nlohmann/json.hpp>

#include <atomic>
#include <memory>

namespace {

const std::string kDemo = CREDITLENS_SOURCE_DIR "/resources/demo/";

QString url(int port, const char* model) {
    return QString("http://127.0.0.1:%1/%2").arg(port).arg(model);
}

/// Loads a pair into `engine` and waits; the load's failure sentence, or empty on success.
QString loadPair(cl::EngineClient& engine, const QString& policy, const QString& reference) {
    QSignalSpy loaded(&engine, &cl::EngineClient::loaded);
    QSignalSpy failed(&engine, &cl::EngineClient::loadFailed);
    engine.load(policy, reference);
    if (!QTest::qWaitFor([&] { return !loaded.isEmpty() || !failed.isEmpty(); }, 60000)) {
        return "timed out";
    }
    return failed.isEmpty() ? QString() : failed[0][0].toString();
}

cl::ResponseScore scoreOnce(cl::EngineClient& engine, const cl::ScoreRequest& request) {
    QSignalSpy scored(&engine, &cl::EngineClient::scored);
    engine.score(0, request);
    if (!scored.wait(60000)) {
        return {};
    }
    return scored[0][3].value<cl::ResponseScore>();
}

/// runBeamSearch on the engine thread, as the Beam panel runs it.
cl::Result<std::vector<cl::ScoredBeam>> beamsOn(cl::EngineClient& engine,
                                                const std::string& prompt) {
    // Shared with the job, which may outlive a timed-out wait.
    struct Outcome {
        cl::Result<std::vector<cl::ScoredBeam>> beams = cl::Error{"not run"};
        std::atomic<bool> done{false};
    };
    auto outcome = std::make_shared<Outcome>();
    cl::BeamOptions options;
    options.width = 3;
    options.numReturn = 2;
    options.maxNewTokens = 10;
    engine.runJob([outcome, prompt, options](cl::PairScorer* scorer) {
        outcome->beams = cl::runBeamSearch(scorer, prompt, "tldr", options);
        outcome->done = true;
    });
    if (!QTest::qWaitFor([&] { return outcome->done.load(); }, 60000)) {
        return cl::Error{"the beam search did not finish within 60 s"};
    }
    return outcome->beams;
}

} // namespace

class TestServerPair : public QObject {
    Q_OBJECT

private slots:
    void initTestCase() {
        QStandardPaths::setTestModeEnabled(true); // never the user's settings
        QSettings().remove("server");
        qunsetenv("CREDITLENS_TOKEN");
        auto p = cl::Model::load(kDemo + "policy");
        auto r = cl::Model::load(kDemo + "reference");
        QVERIFY(p.ok() && r.ok());
        m_policy = std::move(p.value());
        m_reference = std::move(r.value());
        QFile pairs(QString::fromStdString(kDemo + "pairs.jsonl"));
        QVERIFY(pairs.open(QIODevice::ReadOnly));
        const auto line = nlohmann::json::parse(pairs.readLine().toStdString());
        m_request.prompt = line["prompt"].get<std::string>();
        m_request.response = line["chosen"].get<std::string>();
        m_request.templateName = "tldr";
    }

    void dialogChecksTheUrls() {
        cl::ServerDialog dialog;
        auto* ok = dialog.findChild<QDialogButtonBox*>()->button(QDialogButtonBox::Ok);
        QVERIFY(!ok->isEnabled()); // nothing typed yet
        dialog.setChoice({"http://gpu:8400/policy", "", "", ""});
        QVERIFY(dialog.problem().contains("Reference: give its URL"));
        dialog.setChoice({"http://gpu:8400/policy", "https://gpu:8400/reference", "", ""});
        QVERIFY2(dialog.problem().contains("SSH tunnel"), qPrintable(dialog.problem()));
        QVERIFY(!ok->isEnabled());
        const QByteArray shots = qgetenv("CREDITLENS_SCREENSHOT_DIR");
        if (!shots.isEmpty()) { // for people to look at, as tst_screenshots keeps its PNGs
            dialog.adjustSize();
            QVERIFY(dialog.grab().save(QString::fromLocal8Bit(shots) + "/server_dialog.png"));
        }
        dialog.setChoice({"http://tok@gpu:8400/policy", "http://gpu:8400/reference", "", ""});
        QVERIFY(dialog.problem().startsWith("Policy: "));
        dialog.setChoice({"http://gpu:8400/policy", "http://gpu:8400/reference", "/tok", "s3"});
        QVERIFY(dialog.problem().isEmpty());
        QVERIFY(ok->isEnabled());
        dialog.remember();
        cl::ServerDialog again; // the URLs and folder come back; the token never does
        QCOMPARE(again.choice().policyUrl, QString("http://gpu:8400/policy"));
        QCOMPARE(again.choice().tokenizerDir, QString("/tok"));
        QVERIFY(again.choice().token.isEmpty());
        const QSettings settings;
        for (const QString& key : settings.allKeys()) {
            QVERIFY2(settings.value(key).toString() != "s3", qPrintable(key));
        }
        // Dropped links fill the dialog; a lone CreditLens policy URL suggests its reference.
        const cl::ServerChoice base{"http://old/policy", "http://old/reference", "/tok", "t"};
        auto one = cl::ServerDialog::withDroppedUrls(base, {"http://gpu:8400/policy"});
        QCOMPARE(one.policyUrl, QString("http://gpu:8400/policy"));
        QCOMPARE(one.referenceUrl, QString("http://gpu:8400/reference"));
        QCOMPARE(one.tokenizerDir, QString("/tok"));
        auto vllm = cl::ServerDialog::withDroppedUrls(base, {"http://gpu:8000/dpo-lora"});
        QCOMPARE(vllm.referenceUrl, QString("http://old/reference"));
        auto two = cl::ServerDialog::withDroppedUrls(base, {"http://a/p", "http://a/r"});
        QCOMPARE(two.referenceUrl, QString("http://a/r"));
    }

    void remotePairScoresAsTheFoldersDo() {
        cl::server::ServerOptions o;
        o.tokenizerFolder = kDemo + "policy"; // the desktop fetches the tokenizer from here
        RunningServer server(*m_policy, *m_reference, o);
        QVERIFY(server.port > 0);
        cl::EngineClient remote, local;
        const QString failed =
            loadPair(remote, url(server.port, "policy"), url(server.port, "reference"));
        QVERIFY2(failed.isEmpty(), qPrintable(failed));
        QVERIFY(loadPair(local, QString::fromStdString(kDemo + "policy"),
                         QString::fromStdString(kDemo + "reference"))
                    .isEmpty());
        QVERIFY(remote.isRemote());
        QVERIFY(!local.isRemote());
        // The Models panel's facts come from the server's model card.
        QCOMPARE(remote.policyInfo().folder, url(server.port, "policy").toStdString());
        QCOMPARE(remote.policyInfo().architecture, local.policyInfo().architecture);
        QCOMPARE(remote.policyInfo().parameters, local.policyInfo().parameters);
        QVERIFY(remote.policyInfo().device.find("at 127.0.0.1:") != std::string::npos);
        cl::ModelPanel panel;
        panel.setModels(remote.policyInfo(), remote.referenceInfo());
        QCOMPARE(panel.value("Folder", 1), url(server.port, "policy"));
        QCOMPARE(panel.value("Architecture", 2),
                 QString::fromStdString(local.referenceInfo().architecture));
        QCOMPARE(panel.value("Memory (est.)", 1), QString("on the server"));
        QVERIFY(panel.value("Weights", 1).endsWith(" on the server"));

        const cl::ResponseScore there = scoreOnce(remote, m_request);
        const cl::ResponseScore here = scoreOnce(local, m_request);
        QVERIFY(!here.tokens.empty());
        QCOMPARE(there.tokens.size(), here.tokens.size());
        cl::tol::DiffStats d;
        for (size_t i = 0; i < here.tokens.size(); ++i) {
            QCOMPARE(there.tokens[i].text, here.tokens[i].text);
            QCOMPARE(there.tokens[i].start, here.tokens[i].start);
            d.add(there.tokens[i].reward, here.tokens[i].reward);
        }
        QVERIFY(d.report("GUI rewards through a server vs local",
                         cl::tol::rewardMax(0.1, cl::tol::kLogprobMaxF32VsF32)));

        // The Beam panel's search runs on the server and gives the local beams.
        const auto beamsThere = beamsOn(remote, m_request.prompt);
        const auto beamsHere = beamsOn(local, m_request.prompt);
        QVERIFY2(beamsThere.ok(), beamsThere.ok() ? "" : beamsThere.error().c_str());
        QVERIFY(beamsHere.ok());
        QCOMPARE(beamsThere->size(), size_t(2));
        for (size_t i = 0; i < beamsHere->size(); ++i) {
            QCOMPARE((*beamsThere)[i].beam.ids, (*beamsHere)[i].beam.ids);
            QCOMPARE((*beamsThere)[i].text, (*beamsHere)[i].text);
        }

        // The token inspector's alternatives come from the server, as the local ones.
        QSignalSpy altThere(&remote, &cl::EngineClient::alternativesReady);
        QSignalSpy altHere(&local, &cl::EngineClient::alternativesReady);
        remote.requestAlternatives(m_request, 3);
        local.requestAlternatives(m_request, 3);
        QVERIFY(altThere.wait(30000));
        QVERIFY(altHere.count() == 1 || altHere.wait(30000));
        const auto a = altThere[0][1].value<cl::Alternatives>();
        const auto b = altHere[0][1].value<cl::Alternatives>();
        QCOMPARE(a.byReward.size(), size_t(10));
        for (size_t i = 0; i < a.byReward.size(); ++i) {
            QCOMPARE(a.byReward[i].text, b.byReward[i].text);
        }
        QCOMPARE(scoreOnce(remote, m_request).tokens.size(), here.tokens.size());
    }

    void tokenAndMixedPairs() {
        cl::server::ServerOptions o;
        o.token = "s3cret";
        o.tokenizerFolder = kDemo + "policy";
        RunningServer server(*m_policy, *m_reference, o);
        cl::EngineClient engine;
        const QString without =
            loadPair(engine, url(server.port, "policy"), url(server.port, "reference"));
        QVERIFY2(without.contains("401"), qPrintable(without));
        engine.setServerAccess("s3cret", {});
        QCOMPARE(loadPair(engine, url(server.port, "policy"), url(server.port, "reference")),
                 QString());
        QCOMPARE(scoreOnce(engine, m_request).tokens.empty(), false);
        const QString mixed = loadPair(engine, url(server.port, "policy"),
                                       QString::fromStdString(kDemo + "reference"));
        QVERIFY2(mixed.contains("both as folders"), qPrintable(mixed));
        QVERIFY(engine.isLoaded()); // a failed load keeps the pair that was loaded
    }

    void tooLargeForThisMachinePointsToAServer() {
        // A pair that does not fit is refused before loading; the sentence names what the app
        // offers (a server), not the command line's flags.
        qputenv("CREDITLENS_MEMORY_AVAILABLE", "1M");
        cl::EngineClient engine;
        const QString refused = loadPair(engine, QString::fromStdString(kDemo + "policy"),
                                         QString::fromStdString(kDemo + "reference"));
        qunsetenv("CREDITLENS_MEMORY_AVAILABLE");
        QVERIFY2(refused.contains("this machine has available"), qPrintable(refused));
        QVERIFY2(refused.contains("Open models on a server"), qPrintable(refused));
        QVERIFY(!refused.contains("--no-memory-check"));
        QVERIFY(!engine.isLoaded());
    }

private:
    std::unique_ptr<cl::Model> m_policy, m_reference;
    cl::ScoreRequest m_request;
};

QTEST_MAIN(TestServerPair)
#include "tst_server_pair.moc"
