// Scoring conversations (issue #15 item 3): the model's own chat template cut into prompt,
// assistant message and terminal action. The text layer against HF's renderings of every fixture
// template, the ids layer against the real Llama-3, Qwen3 and Gemma-3 tokenizers (no second
// BOS, the end-of-turn id as terminal action, ids a prefix of the full rendering's encoding),
// and end-to-end rewards on a fixture pair with a chat template written here.
#include "chat_fixture.h"
#include "common/tolerances.h"
#include "core/engine/chat_prompt.h"
#include "core/engine/prompt_template.h"
#include "core/engine/reward_scorer.h"
#include "core/text/chat_template/chat_template.h"
#include "core/text/tokenizer.h"

#include <QtTest>

#include <map>

using ojson = nlohmann::ordered_json;

namespace {

std::string readBytes(const QString& path) {
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) {
        return {};
    }
    return f.readAll().toStdString();
}

std::vector<cl::ChatTurn> turnsOf(const ojson& messages) {
    std::vector<cl::ChatTurn> turns;
    for (const auto& m : messages) {
        turns.push_back({m.at("role").get<std::string>(), m.at("content").get<std::string>()});
    }
    return turns;
}

ojson renderingsFixture() {
    return ojson::parse(readBytes(cl::test::fixturePath("realworld/chat_renderings.json")));
}

} // namespace

class TestChatScoring : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() { CL_REQUIRE_FIXTURES(); }
    void fixtureSplits();
    void realworldIds_data();
    void realworldIds();
    void scoresConversation();
    void multiTurnPrompt();
    void noChatTemplateIsAnError();
    void withoutTerminal();
    void sentencepieceSpecialsInTemplateText();
    void blankInfixEncodedWithTheMessage();
};

void TestChatScoring::fixtureSplits() {
    // Every fixture template x every conversation that ends with an assistant message: prompt +
    // infix + message + suffix is HF's rendering byte for byte, and the terminal text is the
    // template's end-of-turn marker.
    const ojson fixture = renderingsFixture();
    std::map<std::string, ojson> conversations;
    for (const auto& c : fixture.at("conversations")) {
        conversations[c.at("id").get<std::string>()] = c.at("messages");
    }
    std::map<std::string, cl::ChatTemplate> templates;
    for (const auto& t : fixture.at("templates")) {
        auto parsed = cl::ChatTemplate::parse(
            readBytes(cl::test::fixturePath("realworld/chat_templates/") +
                      QString::fromStdString(t.at("file").get<std::string>())));
        QVERIFY2(parsed.ok(), parsed.error().c_str());
        parsed->setDefaultVariables(t.value("variables", ojson::object()));
        templates.emplace(t.at("name").get<std::string>(), std::move(parsed).value());
    }
    std::map<std::string, std::string> terminalOfA05;
    int checked = 0;
    for (const auto& r : fixture.at("renderings")) {
        const ojson& messages = conversations.at(r.at("conversation").get<std::string>());
        if (r.at("add_generation_prompt").get<bool>() || !r.contains("output") ||
            messages.back().at("role") != "assistant") {
            continue;
        }
        const std::string name = r.at("template");
        std::vector<cl::ChatTurn> turns = turnsOf(messages);
        const std::string response = turns.back().content;
        turns.pop_back();
        auto split = cl::splitChat(templates.at(name), turns, response);
        const QByteArray where =
            QByteArray::fromStdString(name + " / " + r.at("conversation").get<std::string>());
        QVERIFY2(split.ok(), (where + ": " + QByteArray::fromStdString(split.error())).constData());
        const std::string written =
            response.substr(split->contentBegin, split->contentEnd - split->contentBegin);
        QVERIFY2(split->prompt + split->infix + written + split->suffix == r.at("output"),
                 where.constData());
        QVERIFY2(!written.empty(), where.constData());
        if (r.at("conversation") == "A05_user_assistant") {
            terminalOfA05[name] = split->terminal;
            QCOMPARE(split->contentBegin, int64_t(0));
            QCOMPARE(split->contentEnd, int64_t(response.size()));
        }
        ++checked;
    }
    qInfo("%d fixture renderings cut into prompt / message / terminal", checked);
    QVERIFY(checked >= 3 * 41 - 10);
    QCOMPARE(terminalOfA05.at("llama3_1"), std::string("<|eot_id|>"));
    QCOMPARE(terminalOfA05.at("qwen3"), std::string("<|im_end|>"));
    QCOMPARE(terminalOfA05.at("gemma3"), std::string("<end_of_turn>"));
    QCOMPARE(terminalOfA05.at("cz-chatml"), std::string("<|im_end|>"));
    QCOMPARE(terminalOfA05.at("cz-llama-2-chat"), std::string(" </s>"));
    QCOMPARE(terminalOfA05.at("cz-zephyr"), std::string("</s>"));
    QCOMPARE(terminalOfA05.at("deepseek_v3"), std::string("<｜end▁of▁sentence｜>"));

    // Qwen3 writes an empty think block before the last assistant message: not prompt (the
    // generation prompt ends at "assistant\n"), not message: the infix.
    auto q = cl::splitChat(templates.at("qwen3"), {{"user", "Hi"}}, "Hello");
    QVERIFY(q.ok());
    QCOMPARE(q->prompt, std::string("<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n"));
    QCOMPARE(q->infix, std::string("<think>\n\n</think>\n\n"));
    // Llama-2 strips the message: the written part is the trimmed text, mapped back into it.
    auto l2 = cl::splitChat(templates.at("cz-llama-2-chat"), {{"user", "Hi"}}, "  Hello ");
    QVERIFY2(l2.ok(), l2.error().c_str());
    QCOMPARE(l2->contentBegin, int64_t(2));
    QCOMPARE(l2->contentEnd, int64_t(7));
    QCOMPARE(cl::chatStopText(l2.value()), std::string("</s>"));
    // A template that raises shows its own message.
    auto bad = cl::splitChat(templates.at("cz-llama-2-chat"), {{"user", "a"}, {"user", "b"}}, "c");
    QVERIFY(!bad.ok());
    QVERIFY2(QByteArray::fromStdString(bad.error()).contains("alternate"), bad.error().c_str());
}

void TestChatScoring::realworldIds_data() {
    QTest::addColumn<QString>("name");
    QTest::addColumn<QString>("endOfTurn");
    QTest::addColumn<bool>("hasBos");
    QTest::addColumn<QString>("stopText");
    // The end-of-turn piece is in each model's generation_config eos_token_id list. Beam search
    // stops on the EOS ids and on the stop text; the original Llama-3 template writes the next
    // assistant header after <|eot_id|> (the EOS id stops it first).
    QTest::newRow("llama3") << QString("llama3") << QString("<|eot_id|>") << true
                            << QString("<|eot_id|><|start_header_id|>assistant<|end_header_id|>");
    QTest::newRow("llama3_1") << QString("llama3_1") << QString("<|eot_id|>") << true
                              << QString("<|eot_id|>");
    QTest::newRow("qwen3") << QString("qwen3") << QString("<|im_end|>") << false
                           << QString("<|im_end|>");
    QTest::newRow("gemma3") << QString("gemma3") << QString("<end_of_turn>") << true
                            << QString("<end_of_turn>");
}

void TestChatScoring::realworldIds() {
    QFETCH(QString, name);
    QFETCH(QString, endOfTurn);
    QFETCH(bool, hasBos);
    QFETCH(QString, stopText);
    const std::string dir = cl::test::fixtureStd("realworld/tokenizers/" + name);
    auto tok = cl::Tokenizer::load(dir);
    QVERIFY2(tok.ok(), tok.error().c_str());
    auto chat = cl::ChatTemplate::fromTokenizerDir(dir);
    QVERIFY2(chat.ok(), chat.error().c_str());
    const auto eot = tok.value()->pieceToId(endOfTurn.toStdString());
    QVERIFY(eot.has_value());
    // A04: system, user, assistant, user, then the scored assistant message.
    const std::vector<cl::ChatTurn> turns = {{"system", "Answer in one word."},
                                             {"user", "Colour of the sky?"},
                                             {"assistant", "Blue."},
                                             {"user", "And grass?"}};
    const std::string response = "Green.";
    auto seq = cl::applyChatTemplate(*tok.value(), chat.value(), turns, response, true, {*eot});
    QVERIFY2(seq.ok(), seq.error().c_str());

    // The prompt is the generation-prompt rendering, encoded without special tokens.
    auto promptText =
        chat->render(ojson::parse(R"([{"role":"system","content":"Answer in one word."},
        {"role":"user","content":"Colour of the sky?"},{"role":"assistant","content":"Blue."},
        {"role":"user","content":"And grass?"}])"),
                     true);
    QVERIFY(promptText.ok());
    auto promptIds = tok.value()->encode(promptText.value(), false);
    QVERIFY(promptIds.ok());
    QCOMPARE(std::vector<int32_t>(seq->ids.begin(), seq->ids.begin() + seq->responseStart),
             promptIds->ids);
    // Exactly one BOS, the template's.
    const auto bos = tok.value()->special().bos;
    const auto bosCount = bos ? std::count(seq->ids.begin(), seq->ids.end(), *bos) : 0;
    QCOMPARE(bosCount, hasBos ? 1 : 0);
    if (hasBos) {
        QCOMPARE(seq->ids.front(), *bos);
    }
    // The terminal action is the one end-of-turn id (Llama-3's original template goes on with
    // the next assistant header: cut at the EOS).
    QCOMPARE(seq->terminalTokens, int64_t(1));
    QCOMPARE(seq->ids.back(), *eot);
    // Response spans cover "Green." exactly, the terminal's is empty at its end.
    const size_t nResp = seq->responseSpans.size() - 1;
    QCOMPARE(seq->responseSpans.front().first, int64_t(0));
    QCOMPARE(seq->responseSpans[nResp - 1].second, int64_t(response.size()));
    QCOMPARE(seq->responseSpans.back(), std::make_pair(int64_t(6), int64_t(6)));
    // transformers tokenises the whole rendering at once: our parts, each encoded on its own,
    // give the same ids (a prefix: what follows the end-of-turn id is not scored).
    auto full = chat->render(ojson::parse(R"([{"role":"system","content":"Answer in one word."},
        {"role":"user","content":"Colour of the sky?"},{"role":"assistant","content":"Blue."},
        {"role":"user","content":"And grass?"},{"role":"assistant","content":"Green."}])"),
                             false);
    QVERIFY(full.ok());
    auto fullIds = tok.value()->encode(full.value(), false);
    QVERIFY(fullIds.ok());
    QVERIFY(fullIds->ids.size() >= seq->ids.size());
    QCOMPARE(std::vector<int32_t>(fullIds->ids.begin(), fullIds->ids.begin() + seq->ids.size()),
             seq->ids);
    // What a beam search from this prompt stops on besides the EOS ids.
    auto beam = cl::splitChat(chat.value(), turns, "");
    QVERIFY2(beam.ok(), beam.error().c_str());
    QCOMPARE(QString::fromStdString(cl::chatStopText(beam.value())), stopText);
}

void TestChatScoring::scoresConversation() {
    QTemporaryDir tmp;
    const QString pol = cl::test::makeChatModelFolder(tmp, "gpt_neox_parallel", "policy");
    const QString ref = cl::test::makeChatModelFolder(tmp, "gpt_neox_sequential", "reference");
    auto scorer = cl::RewardScorer::load(pol.toStdString(), ref.toStdString());
    QVERIFY2(scorer.ok(), scorer.error().c_str());
    scorer.value()->setBeta(0.2);
    cl::ScoreRequest req{"Tim had a red ball.", "He was happy.", "chat"};
    auto s = scorer.value()->score(req);
    QVERIFY2(s.ok(), s.error().c_str());
    const cl::Tokenizer& tok = *scorer.value()->tokenizer();
    // No BOS although tokenizer_config.json says add_bos_token: the template owns specials.
    auto prompt = tok.encode("### user:\nTim had a red ball.\n### assistant:\n", false);
    auto body = tok.encode("He was happy.", false);
    auto end = tok.encode(" The end.", false);
    QVERIFY(prompt.ok() && body.ok() && end.ok());
    QVERIFY(end->ids.size() > 1);
    QCOMPARE(s->promptTokens, int64_t(prompt->ids.size()));
    QCOMPARE(s->tokens.size(), body->ids.size() + end->ids.size());
    std::string text;
    std::vector<int32_t> responseIds;
    for (size_t i = 0; i < s->tokens.size(); ++i) {
        const cl::TokenScore& t = s->tokens[i];
        responseIds.push_back(t.id);
        QCOMPARE(t.isEos, i >= body->ids.size()); // every terminal token is the terminal action
        if (!t.isEos) {
            text += t.text;
        } else {
            QCOMPARE(t.start, int64_t(13));
            QCOMPARE(t.end, int64_t(13));
        }
    }
    QCOMPARE(text, std::string("He was happy."));
    // The same ids scored directly give the same rewards, terminal tokens included.
    auto ids = scorer.value()->scoreIds({prompt->ids, responseIds}, {1});
    QVERIFY(ids.ok());
    cl::tol::DiffStats d;
    for (size_t i = 0; i < s->tokens.size(); ++i) {
        QCOMPARE(ids->tokens[i].id, s->tokens[i].id);
        d.add(s->tokens[i].reward, ids->tokens[i].reward);
    }
    QVERIFY(d.report("chat rewards vs the same ids", cl::tol::rewardMax(0.2)));
    QVERIFY(std::abs(s->rewardSum - ids->rewardSum) <=
            cl::tol::sumOf(s->tokens.size(), cl::tol::rewardMax(0.2)));
}

void TestChatScoring::multiTurnPrompt() {
    QTemporaryDir tmp;
    const QString pol = cl::test::makeChatModelFolder(tmp, "gpt_neox_parallel", "policy");
    const QString ref = cl::test::makeChatModelFolder(tmp, "gpt_neox_sequential", "reference");
    auto scorer = cl::RewardScorer::load(pol.toStdString(), ref.toStdString());
    QVERIFY2(scorer.ok(), scorer.error().c_str());
    cl::ScoreRequest req;
    req.templateName = "chat";
    req.conversation = {{"system", "Be kind."},
                        {"user", "Tim had a ball."},
                        {"assistant", "It was red."},
                        {"user", "What then?"}};
    req.response = "He was happy.";
    auto s = scorer.value()->score(req);
    QVERIFY2(s.ok(), s.error().c_str());
    auto prompt = scorer.value()->tokenizer()->encode(
        "### system:\nBe kind.\n### user:\nTim had a ball.\n### assistant:\nIt was red. The "
        "end.\n### user:\nWhat then?\n### assistant:\n",
        false);
    QVERIFY(prompt.ok());
    QCOMPARE(s->promptTokens, int64_t(prompt->ids.size()));
    // The conversation wins over `prompt`; another prompt gives other rewards.
    req.prompt = "ignored";
    auto again = scorer.value()->score(req);
    QVERIFY(again.ok());
    QCOMPARE(again->promptTokens, s->promptTokens);
    req.conversation.clear();
    auto single = scorer.value()->score(req);
    QVERIFY(single.ok());
    QVERIFY(single->promptTokens != s->promptTokens);
}

void TestChatScoring::noChatTemplateIsAnError() {
    QTemporaryDir tmp;
    const QString pol = cl::test::makeModelFolder(tmp, "gpt_neox_parallel", "policy");
    const QString ref = cl::test::makeModelFolder(tmp, "gpt_neox_sequential", "reference");
    auto scorer = cl::RewardScorer::load(pol.toStdString(), ref.toStdString());
    QVERIFY(scorer.ok());
    auto s = scorer.value()->score({"Tim had a ball.", "He was happy.", "chat"});
    QVERIFY(!s.ok());
    QVERIFY2(QByteArray::fromStdString(s.error()).contains("has no chat_template"),
             s.error().c_str());
    QVERIFY(scorer.value()->chat() == nullptr);
}

void TestChatScoring::withoutTerminal() {
    QTemporaryDir tmp;
    const QString pol = cl::test::makeChatModelFolder(tmp, "gpt_neox_parallel", "policy");
    const QString ref = cl::test::makeChatModelFolder(tmp, "gpt_neox_sequential", "reference");
    auto scorer = cl::RewardScorer::load(pol.toStdString(), ref.toStdString());
    QVERIFY(scorer.ok());
    cl::ScoreRequest req{"Tim had a ball.", "He was happy.", "chat"};
    req.scoreEos = false;
    auto s = scorer.value()->score(req);
    QVERIFY2(s.ok(), s.error().c_str());
    auto body = scorer.value()->tokenizer()->encode("He was happy.", false);
    QCOMPARE(s->tokens.size(), body->ids.size());
    for (const cl::TokenScore& t : s->tokens) {
        QVERIFY(!t.isEos);
    }
    // A template writing nothing after the message has no terminal action to score.
    QTemporaryDir tmp2;
    const QString bare = cl::test::makeChatModelFolder(
        tmp2, "gpt_neox_parallel", "policy",
        "{% for m in messages %}{{ m['role'] + ': ' + m['content'] }}{% endfor %}");
    auto s2 = cl::RewardScorer::load(bare.toStdString(), ref.toStdString());
    QVERIFY(s2.ok());
    auto e = s2.value()->score({"Tim had a ball.", "He was happy.", "chat"});
    QVERIFY(!e.ok());
    QVERIFY2(QByteArray::fromStdString(e.error()).contains("writes nothing after"),
             e.error().c_str());
}

void TestChatScoring::sentencepieceSpecialsInTemplateText() {
    // Sentencepiece does not read "<s>" in text; a template writing bos_token/eos_token must
    // still give their ids (one BOS, the EOS as a one-token terminal action), as HF's Llama
    // tokenizer does for Llama-2/Mistral templates.
    auto tok = cl::Tokenizer::load(cl::test::fixtureStd("stories260k"));
    QVERIFY2(tok.ok(), tok.error().c_str());
    auto chat = cl::ChatTemplate::parse(
        "{{ bos_token }}{% for m in messages %}{{ '### ' + m['role'] + ':\\n' + m['content'] }}"
        "{% if m['role'] == 'assistant' %}{{ eos_token }}{% endif %}{{ '\\n' }}{% endfor %}"
        "{% if add_generation_prompt %}{{ '### assistant:\\n' }}{% endif %}");
    QVERIFY2(chat.ok(), chat.error().c_str());
    chat->setDefaultVariables({{"bos_token", "<s>"}, {"eos_token", "</s>"}});
    auto seq = cl::applyChatTemplate(*tok.value(), chat.value(), cl::promptTurns("Tim had a ball."),
                                     "He was happy.", true);
    QVERIFY2(seq.ok(), seq.error().c_str());
    const int32_t bos = *tok.value()->special().bos;
    const int32_t eos = *tok.value()->special().eos;
    QCOMPARE(seq->ids.front(), bos);
    QCOMPARE(std::count(seq->ids.begin(), seq->ids.end(), bos), std::ptrdiff_t(1));
    auto rest = tok.value()->encode("### user:\nTim had a ball.\n### assistant:\n", false);
    QVERIFY(rest.ok());
    QCOMPARE(std::vector<int32_t>(seq->ids.begin() + 1, seq->ids.begin() + seq->responseStart),
             rest->ids);
    QCOMPARE(seq->terminalTokens, int64_t(1));
    QCOMPARE(seq->ids.back(), eos);
}

void TestChatScoring::blankInfixEncodedWithTheMessage() {
    // Llama-2's template writes "[/INST] " + message: the space is template text, but a byte-level
    // tokenizer encodes " ok" as one token, as transformers does on the whole rendering.
    const std::string dir = cl::test::fixtureStd("realworld/tokenizers/llama3");
    auto tok = cl::Tokenizer::load(dir);
    QVERIFY2(tok.ok(), tok.error().c_str());
    auto chat = cl::ChatTemplate::parse(
        readBytes(cl::test::fixturePath("realworld/chat_templates/cz-llama-2-chat-flat.jinja")));
    QVERIFY2(chat.ok(), chat.error().c_str());
    chat->setDefaultVariables({{"bos_token", "<|begin_of_text|>"}, {"eos_token", "<|eot_id|>"}});
    auto seq = cl::applyChatTemplate(*tok.value(), chat.value(), cl::promptTurns("Hi"), "ok", true);
    QVERIFY2(seq.ok(), seq.error().c_str());
    auto joint = tok.value()->encode(" ok", false);
    QVERIFY(joint.ok());
    QCOMPARE(joint->ids.size(), size_t(1));
    QCOMPARE(seq->ids.at(seq->responseStart), joint->ids.front());
    QCOMPARE(seq->responseSpans.front(), std::make_pair(int64_t(0), int64_t(2)));
    // The whole rendering's encoding starts with the same ids (prompt, " ok").
    auto full = chat->render(
        ojson::parse(R"([{"role":"user","content":"Hi"},{"role":"assistant","content":"ok"}])"),
        false);
    QVERIFY(full.ok());
    auto fullIds = tok.value()->encode(full.value(), false);
    QVERIFY(fullIds.ok());
    QCOMPARE(
        std::vector<int32_t>(fullIds->ids.begin(), fullIds->ids.begin() + seq->responseStart + 1),
        std::vector<int32_t>(seq->ids.begin(), seq->ids.begin() + seq->responseStart + 1));
}

QTEST_GUILESS_MAIN(TestChatScoring)
#include "tst_chat_scoring.moc"
