#pragma once
// A plain-text editor whose characters are colored by the reward of the token they belong to.
// Colors are QPlainTextEdit extra selections: they never modify the document, so recoloring
// cannot move the caret or add undo steps. Hover shows a token's numbers; a click (or Ctrl+I at
// the caret) emits tokenActivated.

#include "core/engine/scoring_types.h"
#include "ui/common/token_spans.h"

#include <QPlainTextEdit>

#include <vector>

namespace cl {

class RewardEditor : public QPlainTextEdit {
    Q_OBJECT
public:
    explicit RewardEditor(QWidget* parent = nullptr);

    /// Colors the text with `score`, which was computed for `scoredText`. When the document has
    /// changed since, only tokens inside the unchanged prefix are colored (the rest waits for
    /// the next score).
    void setScore(const ResponseScore& score, const QString& scoredText);
    void clearScore();
    bool hasScore() const { return m_hasScore; }
    const ResponseScore& score() const { return m_score; }
    const QString& scoredText() const { return m_scoredText; }
    /// The response exactly as typed (keeps U+00A0, unlike toPlainText()); what gets scored.
    QString text() const;
    const std::vector<CharSpan>& spans() const { return m_spans; }

    /// Symmetric color range [-limit, limit].
    void setColorLimit(double limit);
    double colorLimit() const { return m_limit; }

    /// Marks token `index` (underlined, bold) as the one in the inspector; -1 clears the mark.
    void setInspectedToken(int index);
    int inspectedToken() const { return m_inspected; }

    /// Token containing UTF-16 position `pos` of the scored text, or -1.
    int tokenAt(int pos) const;

    /// Replaces token `index`'s characters by `text` as one undo step; the caret goes after it.
    /// Returns false when the index is out of range or the document has changed under it.
    bool substituteToken(int index, const QString& text);

    /// Number of extra selections currently shown (for tests).
    int coloredTokenCount() const { return static_cast<int>(extraSelections().size()); }

signals:
    /// The user clicked token `index` or pressed Ctrl+I on it.
    void tokenActivated(int index);

protected:
    bool viewportEvent(QEvent* event) override;
    void mousePressEvent(QMouseEvent* event) override;
    void mouseReleaseEvent(QMouseEvent* event) override;
    void keyPressEvent(QKeyEvent* event) override;

private:
    void recolor();
    QString tooltipFor(int index) const;

    ResponseScore m_score;
    QString m_scoredText;
    std::vector<CharSpan> m_spans;
    double m_limit = 1.0;
    bool m_hasScore = false;
    int m_inspected = -1;
    QPoint m_pressPos;
};

} // namespace cl
