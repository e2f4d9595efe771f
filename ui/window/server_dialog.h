#pragma once
// File → Open models on a server… (issue #16): the policy and reference as URLs of a CreditLens
// server (http://HOST:PORT/policy, /reference) or of vLLM (http://HOST:PORT/MODEL), the
// tokenizer folder (empty: fetched from a CreditLens server; needed for vLLM) and the bearer
// token. The URLs and the folder are remembered (QSettings); the token never is, it lives in
// memory for this run. OK is enabled only for two well-formed URLs; the sentence for a bad one
// is shown under the fields.

#include <QDialog>
#include <QString>
#include <QStringList>

class QLabel;
class QLineEdit;
class QPushButton;

namespace cl {

struct ServerChoice {
    QString policyUrl;
    QString referenceUrl;
    QString tokenizerDir; ///< empty: from the server
    QString token;        ///< empty: $CREDITLENS_TOKEN
};

class ServerDialog : public QDialog {
    Q_OBJECT
public:
    /// Starts from the URLs and folder used last time (QSettings group "server").
    explicit ServerDialog(QWidget* parent = nullptr);

    ServerChoice choice() const;
    /// Sets the fields (tests, and the token kept from earlier in this run).
    void setChoice(const ServerChoice& choice);
    /// The sentence about the current fields; empty when OK may be pressed.
    QString problem() const { return m_problem; }

    /// Stores the URLs and folder for next time (not the token).
    void remember() const;

    /// `base` with dropped links: the policy, then the reference; a lone http://H:P/policy
    /// suggests http://H:P/reference (a CreditLens server's pair).
    static ServerChoice withDroppedUrls(ServerChoice base, const QStringList& urls);

private:
    void validate();

    QLineEdit* m_policy = nullptr;
    QLineEdit* m_reference = nullptr;
    QLineEdit* m_tokenizer = nullptr;
    QLineEdit* m_token = nullptr;
    QLabel* m_problemLabel = nullptr;
    QPushButton* m_ok = nullptr;
    QString m_problem;
};

} // namespace cl
