#include "ui/prompt_pane.h"

#include "ui/exact_text.h"

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

    auto* form = new QFormLayout;
    m_template = new QComboBox(this);
    m_template->setObjectName("templateChooser");
    m_template->addItem(tr("TL;DR (DPO reference code)"), "tldr");
    m_template->addItem(tr("Raw: prompt then response"), "raw");
    m_template->addItem(tr("Chat template of the tokenizer"), "chat");
    m_template->setToolTip(tr("How prompt and response become one token sequence"));
    form->addRow(tr("&Template:"), m_template);
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
    connect(m_template, &QComboBox::currentIndexChanged, this, &PromptPane::inputChanged);
    connect(m_scoreEos, &QCheckBox::toggled, this, &PromptPane::inputChanged);
    connect(m_beta, &QDoubleSpinBox::valueChanged, this, &PromptPane::betaChanged);
}

QString PromptPane::prompt() const {
    return exactPlainText(*m_prompt->document());
}

void PromptPane::setPrompt(const QString& text) {
    if (text != prompt()) {
        m_prompt->setPlainText(text);
    }
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
