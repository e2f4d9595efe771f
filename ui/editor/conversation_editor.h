#pragma once
// The prompt as a conversation (issue #15 item 3): a list of turns, each a role (system, user,
// assistant) and its text, that the user edits, adds and removes. The scored response is the
// assistant turn that follows the last one.

#include "core/engine/chat_prompt.h"

#include <QList>
#include <QWidget>

#include <vector>

class QComboBox;
class QPlainTextEdit;
class QToolButton;
class QVBoxLayout;

namespace cl {

class ConversationEditor : public QWidget {
    Q_OBJECT
public:
    explicit ConversationEditor(QWidget* parent = nullptr);

    /// The turns in order, texts exactly as typed.
    std::vector<ChatTurn> turns() const;
    /// Replaces every turn (no changed() signal per row, one at the end).
    void setTurns(const std::vector<ChatTurn>& turns);
    int count() const { return static_cast<int>(m_rows.size()); }
    /// Appends a turn; an empty role alternates with the last turn (user after anything but a
    /// user turn, assistant after a user turn).
    void addTurn(const QString& role = {}, const QString& content = {});
    void removeTurn(int index);

    /// For tests and focus handling.
    QComboBox* roleBox(int index) const { return m_rows.at(index).role; }
    QPlainTextEdit* contentEdit(int index) const { return m_rows.at(index).content; }

signals:
    /// A role or text changed, or a turn was added or removed.
    void changed();

private:
    struct Row {
        QWidget* frame = nullptr;
        QComboBox* role = nullptr;
        QPlainTextEdit* content = nullptr;
    };
    QVBoxLayout* m_list = nullptr;
    QList<Row> m_rows;
    bool m_quiet = false; ///< inside setTurns: one changed() at the end
};

} // namespace cl
