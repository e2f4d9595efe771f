#include "ui/editor/conversation_editor.h"

#include "ui/common/exact_text.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QScrollArea>
#include <QToolButton>
#include <QVBoxLayout>

namespace cl {

namespace {

const QStringList kRoles = {"system", "user", "assistant"};

} // namespace

ConversationEditor::ConversationEditor(QWidget* parent) : QWidget(parent) {
    setObjectName("conversationEditor");
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    auto* scroll = new QScrollArea(this);
    scroll->setWidgetResizable(true);
    auto* inner = new QWidget(scroll);
    m_list = new QVBoxLayout(inner);
    m_list->setContentsMargins(0, 0, 0, 0);
    m_list->addStretch(1);
    scroll->setWidget(inner);
    layout->addWidget(scroll, 1);
    auto* add = new QPushButton(tr("&Add turn"), this);
    add->setObjectName("addTurnButton");
    add->setToolTip(tr("Add a message to the conversation; the scored response is the "
                       "assistant's reply to the last one"));
    layout->addWidget(add, 0, Qt::AlignLeft);
    connect(add, &QPushButton::clicked, this, [this] { addTurn(); });
}

std::vector<ChatTurn> ConversationEditor::turns() const {
    std::vector<ChatTurn> out;
    for (const Row& r : m_rows) {
        out.push_back({r.role->currentText().toStdString(),
                       exactPlainText(*r.content->document()).toStdString()});
    }
    return out;
}

void ConversationEditor::setTurns(const std::vector<ChatTurn>& turns) {
    m_quiet = true;
    while (!m_rows.isEmpty()) {
        removeTurn(count() - 1);
    }
    for (const ChatTurn& t : turns) {
        addTurn(QString::fromStdString(t.role), QString::fromStdString(t.content));
    }
    m_quiet = false;
    emit changed();
}

void ConversationEditor::addTurn(const QString& role, const QString& content) {
    QString r = role;
    if (r.isEmpty()) {
        r = !m_rows.isEmpty() && m_rows.last().role->currentText() == "user" ? "assistant" : "user";
    }
    Row row;
    row.frame = new QWidget(this);
    auto* h = new QHBoxLayout(row.frame);
    h->setContentsMargins(0, 0, 0, 0);
    row.role = new QComboBox(row.frame);
    row.role->setObjectName("turnRole");
    row.role->setEditable(true); // templates know other roles too (tool, developer...)
    row.role->addItems(kRoles);
    row.role->setCurrentText(r);
    row.content = new QPlainTextEdit(row.frame);
    row.content->setObjectName("turnContent");
    row.content->setTabChangesFocus(true);
    row.content->setPlainText(content);
    row.content->setMaximumHeight(row.content->fontMetrics().lineSpacing() * 6);
    auto* remove = new QToolButton(row.frame);
    remove->setObjectName("removeTurnButton");
    remove->setText(QStringLiteral("×"));
    remove->setToolTip(tr("Remove this turn"));
    h->addWidget(row.role, 0, Qt::AlignTop);
    h->addWidget(row.content, 1);
    h->addWidget(remove, 0, Qt::AlignTop);
    m_list->insertWidget(m_list->count() - 1, row.frame); // above the stretch
    m_rows.push_back(row);
    QWidget* frame = row.frame;
    connect(remove, &QToolButton::clicked, this, [this, frame] {
        for (int i = 0; i < count(); ++i) {
            if (m_rows[i].frame == frame) {
                removeTurn(i);
                return;
            }
        }
    });
    connect(row.role, &QComboBox::currentTextChanged, this, &ConversationEditor::changed);
    connect(row.content, &QPlainTextEdit::textChanged, this, &ConversationEditor::changed);
    if (!m_quiet) {
        emit changed();
    }
}

void ConversationEditor::removeTurn(int index) {
    if (index < 0 || index >= count()) {
        return;
    }
    Row row = m_rows.takeAt(index);
    row.role->disconnect(this);
    row.content->disconnect(this);
    row.frame->hide();
    row.frame->deleteLater();
    if (!m_quiet) {
        emit changed();
    }
}

} // namespace cl
