#include "ui/editor/prompt_pane.h"

#include "ui/common/exact_text.h"
#include "ui/editor/conversation_editor.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QLabel>
#include <QPlainTextEdit>
#include <QVBoxLayout>

namespace cl {

PromptPane::PromptPane(QWidget* parent) : QWidget(parent) {
    setObjectName("promptPane");
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    auto* title = new QLabel(tr("&Prompt"), this);
    m_prompt = new QPlainTextEdit(this);
    m_prompt->setObjectName("promptEditor");
    m_prompt->setPlaceholderText(tr("The prompt the response answers…"));
    m_prompt->setTabChangesFocus(true);
    title->setBuddy(m_prompt);
    layout->addWidget(title);
    layout->addWidget(m_prompt, 1);
    m_conversation = new ConversationEditor(this);
    m_conversation->hide();
    layout->addWidget(m_conversation, 1);

    auto* form = new QFormLayout;
    m_template = new QComboBox(this);
    m_template->setObjectName("templateChooser");
    m_template->addItem(tr("TL;DR (DPO reference code)"), "tldr");
    m_template->addItem(tr("Raw: prompt then response"), "raw");
    m_template->addItem(tr("Chat template of the tokenizer"), "chat");
    m_template->setToolTip(tr("How prompt and response become one token sequence"));
    form->addRow(tr("&Template:"), m_template);
    m_templateNote = new QLabel(this);
    m_templateNote->setObjectName("templateNote");
    m_templateNote->setWordWrap(true);
    m_templateNote->setTextFormat(Qt::PlainText);
    m_templateNote->setForegroundRole(QPalette::PlaceholderText);
    m_templateNote->hide();
    form->addRow(m_templateNote);
    m_beta = new QDoubleSpinBox(this);
    m_beta->setObjectName("betaSpin");
    m_beta->setDecimals(3);
    m_beta->setRange(0.001, 100.0);
    m_beta->setSingleStep(0.05);
    m_beta->setValue(0.1);
    m_beta->setToolTip(tr("β of DPO: r_t = β (log π_θ − log π_ref)"));
    form->addRow(tr("&β:"), m_beta);
    m_scoreEos = new QCheckBox(tr("Score &EOS as the final action"), this);
    m_scoreEos->setChecked(true);
    form->addRow(m_scoreEos);
    layout->addLayout(form);

    connect(m_prompt, &QPlainTextEdit::textChanged, this, &PromptPane::inputChanged);
    connect(m_conversation, &ConversationEditor::changed, this, [this] {
        if (isChat()) {
            emit inputChanged();
        }
    });
    connect(m_template, &QComboBox::currentIndexChanged, this, &PromptPane::updateMode);
    connect(m_template, &QComboBox::currentIndexChanged, this, &PromptPane::inputChanged);
    connect(m_scoreEos, &QCheckBox::toggled, this, &PromptPane::inputChanged);
    connect(m_beta, &QDoubleSpinBox::valueChanged, this, &PromptPane::betaChanged);
}

bool PromptPane::isChat() const {
    return templateName() == QLatin1String("chat");
}

namespace {

int lastUserTurn(const std::vector<ChatTurn>& turns) {
    for (int i = static_cast<int>(turns.size()) - 1; i >= 0; --i) {
        if (turns[i].role == "user") {
            return i;
        }
    }
    return -1;
}

} // namespace

QString PromptPane::prompt() const {
    if (isChat()) {
        const std::vector<ChatTurn> turns = m_conversation->turns();
        const int i = lastUserTurn(turns);
        return i < 0 ? QString() : QString::fromStdString(turns[i].content);
    }
    return exactPlainText(*m_prompt->document());
}

void PromptPane::setPrompt(const QString& text) {
    if (text == prompt()) {
        return;
    }
    if (isChat()) {
        const int i = lastUserTurn(m_conversation->turns());
        if (i < 0) {
            m_conversation->setTurns(promptTurns(text.toStdString()));
        } else {
            m_conversation->contentEdit(i)->setPlainText(text);
        }
        return;
    }
    m_prompt->setPlainText(text);
}

std::vector<ChatTurn> PromptPane::conversation() const {
    return isChat() ? m_conversation->turns() : std::vector<ChatTurn>{};
}

void PromptPane::updateMode() {
    const bool chat = isChat();
    if (chat == m_conversation->isVisibleTo(this)) {
        return;
    }
    const QString plain = exactPlainText(*m_prompt->document());
    if (chat) {
        // The plain prompt becomes the last user turn (the only one, the first time).
        const QSignalBlocker block(m_conversation);
        const int i = lastUserTurn(m_conversation->turns());
        if (i < 0) {
            m_conversation->setTurns(promptTurns(plain.toStdString()));
        } else {
            m_conversation->contentEdit(i)->setPlainText(plain);
        }
    } else {
        const QSignalBlocker block(m_prompt);
        const QString last = [this] {
            const std::vector<ChatTurn> turns = m_conversation->turns();
            const int i = lastUserTurn(turns);
            return i < 0 ? QString() : QString::fromStdString(turns[i].content);
        }();
        m_prompt->setPlainText(last);
    }
    m_prompt->setVisible(!chat);
    m_conversation->setVisible(chat);
}

QString PromptPane::templateName() const {
    return m_template->currentData().toString();
}

void PromptPane::setTemplateName(const QString& name) {
    const int i = m_template->findData(name);
    if (i >= 0) {
        m_template->setCurrentIndex(i);
    }
}

void PromptPane::setTemplateNote(const QString& text) {
    m_templateNote->setText(text);
    m_templateNote->setVisible(!text.isEmpty());
}

QString PromptPane::templateNote() const {
    return m_templateNote->text();
}

double PromptPane::beta() const {
    return m_beta->value();
}

void PromptPane::setBeta(double beta) {
    m_beta->setValue(beta);
}

bool PromptPane::scoreEos() const {
    return m_scoreEos->isChecked();
}

} // namespace cl
