#pragma once
// The prompt: plain text, the template that joins prompt and response, and beta.

#include <QWidget>

class QComboBox;
class QDoubleSpinBox;
class QPlainTextEdit;
class QCheckBox;

namespace cl {

class PromptPane : public QWidget {
    Q_OBJECT
public:
    explicit PromptPane(QWidget* parent = nullptr);

    QString prompt() const;
    void setPrompt(const QString& text);
    QString templateName() const;
    void setTemplateName(const QString& name);
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
    QPlainTextEdit* m_prompt = nullptr;
    QComboBox* m_template = nullptr;
    QDoubleSpinBox* m_beta = nullptr;
    QCheckBox* m_scoreEos = nullptr;
};

} // namespace cl
