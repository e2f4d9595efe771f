#pragma once
// The prompt: plain text, or a conversation when the template is the model's chat template
// (issue #15), the template that joins prompt and response, and beta.

#include "core/engine/chat_prompt.h"

#include <QWidget>

#include <vector>

class QComboBox;
class QDoubleSpinBox;
class QPlainTextEdit;
class QCheckBox;
class QLabel;

namespace cl {

class ConversationEditor;

class PromptPane : public QWidget {
    Q_OBJECT
public:
    explicit PromptPane(QWidget* parent = nullptr);

    /// The plain prompt; with the chat template, the text of the conversation's last user turn.
    QString prompt() const;
    /// With the chat template, sets the last user turn's text (one user turn when none).
    void setPrompt(const QString& text);
    /// With the chat template, the conversation the response answers (edited in the list of
    /// turns shown instead of the plain editor); empty with any other template.
    std::vector<ChatTurn> conversation() const;
    ConversationEditor* conversationEditor() const { return m_conversation; }
    QString templateName() const;
    void setTemplateName(const QString& name);
    /// One line under the template box saying which template the loaded model got and why
    /// (issue #17); empty hides it.
    void setTemplateNote(const QString& text);
    QString templateNote() const;
    double beta() const;
    void setBeta(double beta);
    bool scoreEos() const;

    QPlainTextEdit* editor() const { return m_prompt; }

signals:
    /// The prompt text, template or EOS option changed (needs a forward pass).
    void inputChanged();
    /// Beta changed (rescaling only, no forward pass).
    void betaChanged(double beta);

private:
    void updateMode(); ///< plain editor or conversation, after the template changed
    bool isChat() const;

    QPlainTextEdit* m_prompt = nullptr;
    ConversationEditor* m_conversation = nullptr;
    QComboBox* m_template = nullptr;
    QLabel* m_templateNote = nullptr;
    QDoubleSpinBox* m_beta = nullptr;
    QCheckBox* m_scoreEos = nullptr;
};

} // namespace cl
