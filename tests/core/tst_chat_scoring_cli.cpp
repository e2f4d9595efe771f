// `creditlens-cli score` on TRL's conversational preference format (issue #15 item 3): message
// lists are scored through the model's chat template whatever --template says, and each line's
// rewards equal the in-process scorer's for the same conversation.
#include "chat_fixture.h"
#include "common/cli_process.h"
#include "common/tolerances.h"
#include "core/engine/reward_scorer.h"

#include <QtTest>

#include <nlohmann/json.hpp>

#include <fstream>

using nlohmann::json;

class TestChatScoringCli : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() { CL_REQUIRE_FIXTURES(); }
    void conversationalJsonl();
    void beamStopsOnEndOfTurn();
};

void TestChatScoringCli::conversationalJsonl() {
    QTemporaryDir tmp;
    const QString pol = cl::test::makeChatModelFolder(tmp, "gpt_neox_parallel", "policy");
    const QString ref = cl::test::makeChatModelFolder(tmp, "gpt_neox_sequential", "reference");
    const QString input = tmp.path() + "/in.jsonl";
    {
        std::ofstream f(input.toStdString());
        f << R"({"prompt": [{"role": "system", "content": "Be kind."}, {"role": "user", "content": "Tim had a ball."}],)"
          << R"( "chosen": [{"role": "assistant", "content": "He was happy."}],)"
          << R"( "rejected": [{"role": "assistant", "content": "He saw 7 dogs."}]})"
          << "\n";
        f << R"({"messages": [{"role": "user", "content": "Tim had a ball."}, {"role": "assistant", "content": "He was happy."}]})"
          << "\n";
        f << R"({"messages": [{"role": "user", "content": "no reply"}]})"
          << "\n";
        f << R"({"chosen": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello."}],)"
          << R"( "rejected": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Go."}]})"
          << "\n";
        f << R"({"prompt": [{"role": "user"}], "chosen": [], "rejected": []})"
          << "\n";
    }
    // --template raw: conversational lines still use the chat template.
    const cl::test::CliRun r =
        cl::test::runCli({"score", "--policy", pol, "--reference", ref, "--template", "raw",
                          "--beta", "0.2", "--input", input});
    QVERIFY2(r.code == 0, r.err.constData());
    const QList<QByteArray> lines = r.out.trimmed().split('\n');
    QCOMPARE(lines.size(), 3);
    QVERIFY2(r.err.contains(":3: \"messages\" must end with an assistant message"),
             r.err.constData());
    QVERIFY2(r.err.contains(":5: \"prompt\": every message needs a string \"role\""),
             r.err.constData());
    QVERIFY(r.err.contains("scored 3 lines, 2 pairs"));

    auto scorer = cl::RewardScorer::load(pol.toStdString(), ref.toStdString());
    QVERIFY(scorer.ok());
    scorer.value()->setBeta(0.2);
    cl::ScoreRequest chosen;
    chosen.templateName = "chat";
    chosen.conversation = {{"system", "Be kind."}, {"user", "Tim had a ball."}};
    chosen.response = "He was happy.";
    cl::ScoreRequest rejected = chosen;
    rejected.response = "He saw 7 dogs.";
    auto c = scorer.value()->score(chosen);
    auto j = scorer.value()->score(rejected, {1});
    QVERIFY(c.ok() && j.ok());
    const json pair = json::parse(lines[0].toStdString());
    cl::tol::DiffStats d;
    for (const auto& [side, core] : {std::pair{"chosen", &c.value()}, {"rejected", &j.value()}}) {
        const json& tokens = pair[side]["tokens"];
        QCOMPARE(tokens.size(), core->tokens.size());
        for (size_t i = 0; i < tokens.size(); ++i) {
            QCOMPARE(tokens[i]["id"].get<int>(), core->tokens[i].id);
            QCOMPARE(tokens[i]["start"].get<int64_t>(), core->tokens[i].start);
            d.add(tokens[i]["reward"].get<double>(), core->tokens[i].reward);
        }
    }
    QVERIFY(d.report("creditlens-cli score (conversational) vs in-process rewards",
                     cl::tol::rewardMax(0.2, cl::tol::kLogprobMaxF32VsF32)));
    const double margin =
        pair["chosen"]["reward_sum"].get<double>() - pair["rejected"]["reward_sum"].get<double>();
    QVERIFY(std::abs(pair["margin"].get<double>() - margin) <= cl::tol::kPrintedFloat32);

    // {"messages"}: one response, the last assistant message; its text maps back.
    const json single = json::parse(lines[1].toStdString());
    std::string text;
    for (const json& t : single["tokens"]) {
        if (t["end"].get<int64_t>() > t["start"].get<int64_t>()) {
            text += t["text"].get<std::string>();
        }
    }
    QCOMPARE(text, std::string("He was happy."));
    auto s = scorer.value()->score({"Tim had a ball.", "He was happy.", "chat"});
    QVERIFY(s.ok());
    QCOMPARE(single["tokens"].size(), s->tokens.size());
    // Implicit prompt: chosen and rejected are whole conversations.
    const json implicit = json::parse(lines[2].toStdString());
    QVERIFY(implicit.contains("margin"));
    QVERIFY(implicit["chosen"]["tokens"].size() > 0);
}

void TestChatScoringCli::beamStopsOnEndOfTurn() {
    // beam --template chat: the prompt is the generation-prompt rendering, and a hypothesis
    // ends on the template's end-of-turn text as on an EOS id. The fixture models write
    // "3#[**..." after this prompt, so an end-of-turn text " **" (stop text "**") ends them.
    const std::string tmpl = "{% for m in messages %}{{ '### ' + m['role'] + ':\\n' + "
                             "m['content'] }}{% if m['role'] == 'assistant' %}{{ ' **' }}{% endif "
                             "%}{{ '\\n' }}{% endfor %}{% if add_generation_prompt %}{{ '### "
                             "assistant:\\n' }}{% endif %}";
    QTemporaryDir tmp;
    const QString pol = cl::test::makeChatModelFolder(tmp, "gpt_neox_parallel", "policy", tmpl);
    const QString ref =
        cl::test::makeChatModelFolder(tmp, "gpt_neox_sequential", "reference", tmpl);
    auto beam = [&](const QStringList& extra) {
        QStringList args = {"beam",
                            "--policy",
                            pol,
                            "--reference",
                            ref,
                            "--template",
                            "chat",
                            "--prompt",
                            "Tim had a ball.",
                            "--width",
                            "2",
                            "--max-new-tokens",
                            "30",
                            "--num-return",
                            "2"};
        return cl::test::runCli(args + extra);
    };
    const cl::test::CliRun stopped = beam({});
    QVERIFY2(stopped.code == 0, stopped.err.constData());
    const json out = json::parse(stopped.out.toStdString());
    QCOMPARE(out["beams"].size(), size_t(2));
    for (const json& b : out["beams"]) {
        QVERIFY(b["finished"].get<bool>());
        QVERIFY(b["length"].get<int>() < 30);
        const std::string text = b["text"].get<std::string>();
        QVERIFY2(text.find("**") != std::string::npos, text.c_str());
    }
    // --stop overrides the template's text: the same search then runs to the length limit.
    const cl::test::CliRun free = beam({"--stop", "@@@"});
    QVERIFY2(free.code == 0, free.err.constData());
    for (const json& b : json::parse(free.out.toStdString())["beams"]) {
        QVERIFY(!b["finished"].get<bool>());
        QCOMPARE(b["length"].get<int>(), 30);
    }
    // No chat_template in the folder: the error says so.
    const QString plain = cl::test::makeModelFolder(tmp, "gpt_neox_parallel", "plain");
    const cl::test::CliRun none =
        cl::test::runCli({"beam", "--policy", plain, "--template", "chat", "--prompt", "Tim",
                          "--width", "2", "--max-new-tokens", "5"});
    QCOMPARE(none.code, 1);
    QVERIFY2(none.err.contains("has no chat_template"), none.err.constData());
}

QTEST_GUILESS_MAIN(TestChatScoringCli)
#include "tst_chat_scoring_cli.moc"
