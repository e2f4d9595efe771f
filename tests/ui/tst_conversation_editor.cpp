// The prompt pane shows a conversation when the template is the model's chat template (issue #15
// item 3): turns with a role and a text, added, edited and removed, carried into the score
// request; plain text with any other template.
#include "core/engine/reward_scorer.h"
#include "ui/editor/conversation_editor.h"
#include "ui/editor/prompt_pane.h"
#include "ui/editor/workbench.h"
#include "ui/engine/engine_client.h"

#include <QComboBox>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QToolButton>
#include <QtTest>

namespace {

bool sameTurns(const std::vector<cl::ChatTurn>& a, const std::vector<cl::ChatTurn>& b) {
    if (a.size() != b.size()) {
        return false;
    }
    for (size_t i = 0; i < a.size(); ++i) {
        if (a[i].role != b[i].role || a[i].content != b[i].content) {
            return false;
        }
    }
    return true;
}

} // namespace

class TestConversationEditor : public QObject {
    Q_OBJECT
private slots:
    void editsTurns();
    void paneSwitchesWithTheTemplate();
    void requestCarriesTheConversation();
};

void TestConversationEditor::editsTurns() {
    cl::ConversationEditor editor;
    QSignalSpy changed(&editor, &cl::ConversationEditor::changed);
    editor.findChild<QPushButton*>("addTurnButton")->click(); // first turn: user
    editor.addTurn();                                         // after a user turn: assistant
    editor.addTurn();                                         // then user again
    QCOMPARE(editor.count(), 3);
    QCOMPARE(editor.roleBox(0)->currentText(), QString("user"));
    QCOMPARE(editor.roleBox(1)->currentText(), QString("assistant"));
    QCOMPARE(editor.roleBox(2)->currentText(), QString("user"));
    QCOMPARE(changed.count(), 3);
    editor.roleBox(0)->setCurrentText("system");
    QTest::keyClicks(editor.contentEdit(0), "Be kind.");
    editor.contentEdit(2)->setPlainText("line one\n  line two\n"); // kept exactly
    QVERIFY(
        sameTurns(editor.turns(),
                  {{"system", "Be kind."}, {"assistant", ""}, {"user", "line one\n  line two\n"}}));
    // Removing the middle turn with its own button.
    changed.clear();
    editor.findChildren<QToolButton*>("removeTurnButton").at(1)->click();
    QCOMPARE(changed.count(), 1);
    QVERIFY(
        sameTurns(editor.turns(), {{"system", "Be kind."}, {"user", "line one\n  line two\n"}}));
    // A removed row no longer reports edits.
    changed.clear();
    editor.setTurns({{"user", "Hi"}, {"assistant", "Hello."}, {"user", "Bye"}});
    QCOMPARE(changed.count(), 1); // one signal for the whole replacement
    QCOMPARE(editor.count(), 3);
    QVERIFY(sameTurns(editor.turns(), {{"user", "Hi"}, {"assistant", "Hello."}, {"user", "Bye"}}));
}

void TestConversationEditor::paneSwitchesWithTheTemplate() {
    cl::PromptPane pane;
    pane.setTemplateName("raw");
    pane.setPrompt("Tim had a ball.");
    QVERIFY(pane.conversation().empty());
    QVERIFY(pane.editor()->isVisibleTo(&pane));
    QVERIFY(!pane.conversationEditor()->isVisibleTo(&pane));

    QSignalSpy input(&pane, &cl::PromptPane::inputChanged);
    pane.setTemplateName("chat");
    QVERIFY(!pane.editor()->isVisibleTo(&pane));
    QVERIFY(pane.conversationEditor()->isVisibleTo(&pane));
    // The plain prompt became the one user turn.
    QVERIFY(sameTurns(pane.conversation(), {{"user", "Tim had a ball."}}));
    QCOMPARE(pane.prompt(), QString("Tim had a ball."));

    // A system turn above, an earlier exchange, then the question: multi-turn.
    cl::ConversationEditor* c = pane.conversationEditor();
    c->setTurns({{"system", "Be kind."},
                 {"user", "Tim had a ball."},
                 {"assistant", "It was red."},
                 {"user", "What then?"}});
    input.clear();
    c->contentEdit(0)->setPlainText("Be brief.");
    QVERIFY(input.count() >= 1);                    // an edit of any turn rescores
    QCOMPARE(pane.prompt(), QString("What then?")); // the last user turn
    pane.setPrompt("And then?");
    QCOMPARE(c->contentEdit(3)->toPlainText(), QString("And then?"));
    QCOMPARE(pane.conversation().size(), size_t(4));

    // Back to plain text: the last user turn's text; the turns are kept for the next switch.
    pane.setTemplateName("tldr");
    QVERIFY(pane.editor()->isVisibleTo(&pane));
    QCOMPARE(pane.prompt(), QString("And then?"));
    QVERIFY(pane.conversation().empty());
    pane.editor()->setPlainText("Edited plainly.");
    pane.setTemplateName("chat");
    QVERIFY(sameTurns(pane.conversation(), {{"system", "Be brief."},
                                            {"user", "Tim had a ball."},
                                            {"assistant", "It was red."},
                                            {"user", "Edited plainly."}}));
}

void TestConversationEditor::requestCarriesTheConversation() {
    cl::EngineClient engine;
    cl::Workbench bench(&engine);
    cl::PromptPane* pane = bench.promptPane();
    pane->setTemplateName("chat");
    pane->conversationEditor()->setTurns({{"system", "S"}, {"user", "U"}});
    const cl::ScoreRequest r = bench.requestFor(0);
    QCOMPARE(r.templateName, std::string("chat"));
    QVERIFY(sameTurns(r.conversation, {{"system", "S"}, {"user", "U"}}));
    QCOMPARE(r.prompt, std::string("U"));
    pane->setTemplateName("raw");
    QVERIFY(bench.requestFor(0).conversation.empty());
}

QTEST_MAIN(TestConversationEditor)
#include "tst_conversation_editor.moc"
