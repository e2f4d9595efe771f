#include "ui/common/reward_editor.h"

#include "ui/common/exact_text.h"
#include "ui/common/reward_colormap.h"

#include <QHelpEvent>
#include <QKeyEvent>
#include <QMouseEvent>
#include <QTextBlock>
#include <QToolTip>

namespace cl {

RewardEditor::RewardEditor(QWidget* parent) : QPlainTextEdit(parent) {
    setTabChangesFocus(true); // keyboard-only use: Tab leaves the editor
    setMouseTracking(true);
}

void RewardEditor::setScore(const ResponseScore& score, const QString& scoredText) {
    if (scoredText != m_scoredText) {
        m_inspected = -1; // the inspected token belonged to another text
    }
    m_score = score;
    m_scoredText = scoredText;
    m_spans = tokenCharSpans(m_score, m_scoredText);
    m_hasScore = true;
    recolor();
}

void RewardEditor::setInspectedToken(int index) {
    if (index != m_inspected) {
        m_inspected = index;
        recolor();
    }
}

void RewardEditor::clearScore() {
    m_inspected = -1;
    m_score = {};
    m_scoredText.clear();
    m_spans.clear();
    m_hasScore = false;
    setExtraSelections({});
}

void RewardEditor::setColorLimit(double limit) {
    if (limit != m_limit) {
        m_limit = limit;
        recolor();
    }
}

QString RewardEditor::text() const {
    return exactPlainText(*document());
}

void RewardEditor::recolor() {
    const QString current = text();
    const int valid = commonPrefixLength(current, m_scoredText);
    const bool unchanged = valid == current.size() && valid == m_scoredText.size();
    QList<QTextEdit::ExtraSelection> selections;
    selections.reserve(static_cast<qsizetype>(m_spans.size()));
    for (size_t i = 0; i < m_spans.size(); ++i) {
        const CharSpan& span = m_spans[i];
        // Issue #17: a token ending exactly where the edit starts is stale too ("cat" + "s" can
        // become one token "cats"); only tokens that end before the edit keep their color.
        if (span.end <= span.start || (!unchanged && span.end >= valid)) {
            continue;
        }
        QTextEdit::ExtraSelection sel;
        sel.cursor = QTextCursor(document());
        sel.cursor.setPosition(span.start);
        sel.cursor.setPosition(span.end, QTextCursor::KeepAnchor);
        const QColor bg = RewardColormap::color(m_score.tokens[i].reward, m_limit);
        sel.format.setBackground(bg);
        sel.format.setForeground(RewardColormap::textColorOn(bg));
        if (static_cast<int>(i) == m_inspected) {
            sel.format.setFontUnderline(true);
            sel.format.setUnderlineStyle(QTextCharFormat::SingleUnderline);
            sel.format.setUnderlineColor(palette().color(QPalette::Highlight));
            sel.format.setFontWeight(QFont::Bold);
        }
        selections.append(sel);
    }
    setExtraSelections(selections);
}

int RewardEditor::tokenAt(int pos) const {
    if (!m_hasScore) {
        return -1;
    }
    const QString current = text();
    const int valid = commonPrefixLength(current, m_scoredText);
    if (pos > valid) {
        return -1;
    }
    const int index = tokenAtPosition(m_spans, pos);
    const bool unchanged = valid == current.size() && valid == m_scoredText.size();
    if (index >= 0 && !unchanged && m_spans[static_cast<size_t>(index)].end >= valid) {
        return -1; // stale, as recolor() shows it
    }
    return index;
}

bool RewardEditor::substituteToken(int index, const QString& replacement) {
    if (index < 0 || index >= static_cast<int>(m_spans.size()) || text() != m_scoredText) {
        return false;
    }
    const CharSpan span = m_spans[index];
    QTextCursor cursor(document());
    cursor.beginEditBlock(); // one undo step
    cursor.setPosition(span.start);
    cursor.setPosition(span.end, QTextCursor::KeepAnchor);
    cursor.insertText(replacement);
    cursor.endEditBlock();
    setTextCursor(cursor);
    return true;
}

QString RewardEditor::tooltipFor(int index) const {
    const TokenScore& t = m_score.tokens[index];
    QString shown = QString::fromStdString(t.text).toHtmlEscaped();
    shown.replace(' ', QChar(0x2423)).replace('\n', QStringLiteral("↵"));
    return tr("<b>%1</b> &nbsp;id %2<br>log π<sub>θ</sub> %3<br>log π<sub>ref</sub> %4<br>"
              "r<sub>t</sub> <b>%5</b> &nbsp;(token %6 of %7)")
        .arg(shown)
        .arg(t.id)
        .arg(t.logpPolicy, 0, 'f', 4)
        .arg(t.logpRef, 0, 'f', 4)
        .arg(t.reward, 0, 'f', 4)
        .arg(index + 1)
        .arg(m_score.tokens.size());
}

bool RewardEditor::viewportEvent(QEvent* event) {
    if (event->type() == QEvent::ToolTip) {
        auto* help = static_cast<QHelpEvent*>(event);
        const QTextCursor c = cursorForPosition(help->pos());
        const QRect caret = cursorRect(c);
        // cursorForPosition snaps to the nearest position; pick the character under the mouse.
        const int pos = help->pos().x() < caret.x() ? c.position() - 1 : c.position();
        const int index = tokenAt(pos);
        if (index >= 0) {
            QToolTip::showText(help->globalPos(), tooltipFor(index), viewport());
        } else {
            QToolTip::hideText();
        }
        return true;
    }
    return QPlainTextEdit::viewportEvent(event);
}

void RewardEditor::mousePressEvent(QMouseEvent* event) {
    m_pressPos = event->pos();
    QPlainTextEdit::mousePressEvent(event);
}

void RewardEditor::mouseReleaseEvent(QMouseEvent* event) {
    QPlainTextEdit::mouseReleaseEvent(event);
    const bool click = (event->pos() - m_pressPos).manhattanLength() < 4;
    if (event->button() == Qt::LeftButton && click && !textCursor().hasSelection()) {
        const QTextCursor c = cursorForPosition(event->pos());
        const int pos = event->pos().x() < cursorRect(c).x() ? c.position() - 1 : c.position();
        const int index = tokenAt(pos);
        if (index >= 0) {
            emit tokenActivated(index);
        }
    }
}

void RewardEditor::keyPressEvent(QKeyEvent* event) {
    if (event->key() == Qt::Key_I && event->modifiers() == Qt::ControlModifier) {
        const int pos = textCursor().position();
        int index = tokenAt(pos);
        if (index < 0 && pos > 0) {
            index = tokenAt(pos - 1); // caret at the end of a token
        }
        if (index >= 0) {
            emit tokenActivated(index);
        }
        event->accept();
        return;
    }
    QPlainTextEdit::keyPressEvent(event);
}

} // namespace cl
