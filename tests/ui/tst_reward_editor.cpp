// The token-colored editor (issue #6 items 2-3): recoloring never moves the caret nor touches the
// undo stack; stale scores color only the unchanged prefix; substitution is one undo step.

#include "ui/common/reward_colormap.h"
#include "ui/common/reward_editor.h"

#include <QSignalSpy>
#include <QTest>
#include <QTextBlock>

namespace {

/// "The cat sat." as tokens "The", " cat", " sat", "." plus EOS, with rewards.
cl::ResponseScore catScore() {
    cl::ResponseScore s;
    const std::vector<std::tuple<const char*, int, int, double>> toks = {
        {"The", 0, 3, 0.5}, {" cat", 3, 7, -0.25}, {" sat", 7, 11, 1.0}, {".", 11, 12, 0.0}};
    for (const auto& [text, a, b, r] : toks) {
        cl::TokenScore t;
        t.text = text;
        t.start = a;
        t.end = b;
        t.reward = r;
        t.logpPolicy = -1.0 + r;
        t.logpRef = -1.0;
        s.tokens.push_back(t);
        s.rewardSum += r;
    }
    cl::TokenScore eos;
    eos.start = eos.end = 12;
    eos.isEos = true;
    s.tokens.push_back(eos);
    return s;
}

} // namespace

class TestRewardEditor : public QObject {
    Q_OBJECT

private slots:
    void recolorKeepsCaretAndUndo() {
        cl::RewardEditor editor;
        editor.show();
        QTest::keyClicks(&editor, "The cat sat.");
        QTextCursor c = editor.textCursor();
        c.setPosition(5);
        editor.setTextCursor(c);
        const int undoSteps = editor.document()->availableUndoSteps();
        const int revision = editor.document()->revision();
        QVERIFY(undoSteps > 0);

        editor.setScore(catScore(), editor.toPlainText());
        QCOMPARE(editor.coloredTokenCount(), 4); // EOS has no characters
        editor.setColorLimit(0.5);
        editor.setScore(catScore(), editor.toPlainText());

        QCOMPARE(editor.textCursor().position(), 5);
        QVERIFY(!editor.textCursor().hasSelection());
        QCOMPARE(editor.document()->availableUndoSteps(), undoSteps);
        QCOMPARE(editor.document()->revision(), revision);
        QCOMPARE(editor.toPlainText(), QStringLiteral("The cat sat."));
    }

    void colorsFollowRewards() {
        cl::RewardEditor editor;
        editor.setPlainText("The cat sat.");
        editor.setColorLimit(1.0);
        editor.setScore(catScore(), editor.toPlainText());
        const auto sels = editor.extraSelections();
        QCOMPARE(sels.size(), 4);
        QCOMPARE(sels[2].cursor.selectedText(), QStringLiteral(" sat"));
        QCOMPARE(sels[2].format.background().color(), cl::RewardColormap::color(1.0, 1.0));
        QCOMPARE(sels[1].format.background().color(), cl::RewardColormap::color(-0.25, 1.0));
    }

    // A no-break space is scored as typed (toPlainText() would turn it into a space, another
    // token) and the tokens after it keep their colors; Shift+Enter's U+2028 reads as '\n'.
    void noBreakSpaceIsKept() {
        cl::RewardEditor editor;
        const QString typed = QStringLiteral("The\u00a0cat sat.");
        editor.setPlainText(typed);
        QCOMPARE(editor.text(), typed);
        QVERIFY(editor.toPlainText() != typed);
        QCOMPARE(editor.text().toStdString(), std::string("The\xc2\xa0" "cat sat."));
        editor.setScore(catScore(), editor.text());
        QCOMPARE(editor.coloredTokenCount(), 4);
        QCOMPARE(editor.tokenAt(9), 2);

        editor.moveCursor(QTextCursor::End);
        QTest::keyClick(&editor, Qt::Key_Return, Qt::ShiftModifier);
        QTest::keyClicks(&editor, "x");
        QCOMPARE(editor.text(), typed + QStringLiteral("\nx"));
    }

    void staleScoreColorsOnlyPrefix() {
        cl::RewardEditor editor;
        editor.setPlainText("The cat sat.");
        const QString scored = editor.toPlainText();
        QTextCursor c(editor.document());
        c.setPosition(5); // inside " cat": "The cxat sat."
        c.insertText("x");
        editor.setScore(catScore(), scored);
        QCOMPARE(editor.coloredTokenCount(), 1); // only "The" is still valid
        QCOMPARE(editor.tokenAt(1), 0);
        QCOMPARE(editor.tokenAt(9), -1);
    }

    // Issue #17 "a stale color at the caret": typing right after a token can change that token
    // ("cat" + "s" may become "cats"), so the token ending exactly where the edit starts is not
    // colored (nor inspectable) until the new score arrives.
    void tokenEndingAtTheEditLosesItsColor() {
        cl::RewardEditor editor;
        editor.setPlainText("The cat sat.");
        const QString scored = editor.toPlainText();
        QTextCursor c(editor.document());
        c.setPosition(7); // right after " cat": "The cats sat."
        c.insertText("s");
        editor.setScore(catScore(), scored); // the score of the text before the edit arrives
        QCOMPARE(editor.coloredTokenCount(), 1); // only "The", which ends before the edit
        QCOMPARE(editor.tokenAt(1), 0);
        QCOMPARE(editor.tokenAt(5), -1); // " cat" is stale
        // Appending at the very end: the last token may merge with what is typed.
        editor.setPlainText("The cat sat...");
        editor.setScore(catScore(), scored);
        QCOMPARE(editor.coloredTokenCount(), 3);
        QCOMPARE(editor.tokenAt(11), -1);
    }

    void substituteIsOneUndoStep() {
        cl::RewardEditor editor;
        editor.show();
        QTest::keyClicks(&editor, "The cat sat.");
        editor.setScore(catScore(), editor.toPlainText());
        QVERIFY(editor.substituteToken(1, " dog"));
        QCOMPARE(editor.toPlainText(), QStringLiteral("The dog sat."));
        QCOMPARE(editor.textCursor().position(), 7);
        editor.undo(); // one step takes the whole substitution back, and no more
        QCOMPARE(editor.toPlainText(), QStringLiteral("The cat sat."));
        editor.redo();
        QCOMPARE(editor.toPlainText(), QStringLiteral("The dog sat."));
        editor.undo();
        // Out of range, or after the text changed: refused.
        QVERIFY(!editor.substituteToken(9, "x"));
    }

    void clickActivatesToken() {
        cl::RewardEditor editor;
        editor.resize(400, 200);
        editor.setPlainText("The cat sat.");
        editor.setScore(catScore(), editor.toPlainText());
        editor.show();
        QVERIFY(QTest::qWaitForWindowExposed(&editor));
        QSignalSpy spy(&editor, &cl::RewardEditor::tokenActivated);
        QTextCursor c(editor.document());
        c.setPosition(9); // middle of " sat"
        const QRect r = editor.cursorRect(c);
        QTest::mouseClick(editor.viewport(), Qt::LeftButton, {}, r.center() + QPoint(2, 0));
        QCOMPARE(spy.count(), 1);
        QCOMPARE(spy.first().first().toInt(), 2);

        c.setPosition(1);
        editor.setTextCursor(c);
        QTest::keyClick(&editor, Qt::Key_I, Qt::ControlModifier);
        QCOMPARE(spy.count(), 2);
        QCOMPARE(spy.last().first().toInt(), 0);
        QCOMPARE(editor.toPlainText(), QStringLiteral("The cat sat.")); // Ctrl+I typed nothing
    }

    void clearScoreRemovesColors() {
        cl::RewardEditor editor;
        editor.setPlainText("The cat sat.");
        editor.setScore(catScore(), editor.toPlainText());
        editor.clearScore();
        QCOMPARE(editor.coloredTokenCount(), 0);
        QVERIFY(!editor.hasScore());
    }
};

QTEST_MAIN(TestRewardEditor)
#include "tst_reward_editor.moc"
