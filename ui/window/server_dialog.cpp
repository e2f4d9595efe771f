#include "ui/window/server_dialog.h"

#include "core/server/remote_model.h"

#include <QDialogButtonBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSettings>
#include <QToolButton>
#include <QVBoxLayout>

namespace cl {

namespace {
constexpr char kPolicyKey[] = "server/policyUrl";
constexpr char kReferenceKey[] = "server/referenceUrl";
constexpr char kTokenizerKey[] = "server/tokenizerDir";
} // namespace

ServerDialog::ServerDialog(QWidget* parent) : QDialog(parent) {
    setWindowTitle(tr("Open models on a server"));
    setObjectName("serverDialog");
    auto* intro = new QLabel(
        tr("Score through <code>creditlens-cli serve</code> on a GPU host, or through vLLM. "
           "Only token ids and log-probs travel; tokenizing, templates and colors stay here."));
    intro->setWordWrap(true);

    m_policy = new QLineEdit;
    m_policy->setObjectName("policyUrl");
    m_policy->setPlaceholderText("http://127.0.0.1:8400/policy");
    m_reference = new QLineEdit;
    m_reference->setObjectName("referenceUrl");
    m_reference->setPlaceholderText("http://127.0.0.1:8400/reference");
    m_tokenizer = new QLineEdit;
    m_tokenizer->setObjectName("tokenizerDir");
    m_tokenizer->setPlaceholderText(tr("from the CreditLens server (needed for vLLM)"));
    auto* browse = new QToolButton;
    browse->setText(tr("…"));
    browse->setToolTip(tr("Choose the tokenizer's folder"));
    connect(browse, &QToolButton::clicked, this, [this] {
        const QString dir =
            QFileDialog::getExistingDirectory(this, tr("Tokenizer folder"), m_tokenizer->text());
        if (!dir.isEmpty()) {
            m_tokenizer->setText(dir);
        }
    });
    auto* tokenizerRow = new QHBoxLayout;
    tokenizerRow->addWidget(m_tokenizer);
    tokenizerRow->addWidget(browse);
    m_token = new QLineEdit;
    m_token->setObjectName("serverToken");
    m_token->setEchoMode(QLineEdit::Password);
    m_token->setPlaceholderText(tr("$CREDITLENS_TOKEN, if set; never saved"));

    auto* form = new QFormLayout;
    form->addRow(tr("Policy URL"), m_policy);
    form->addRow(tr("Reference URL"), m_reference);
    form->addRow(tr("Tokenizer folder"), tokenizerRow);
    form->addRow(tr("Token"), m_token);

    m_problemLabel = new QLabel;
    m_problemLabel->setObjectName("serverProblem");
    m_problemLabel->setWordWrap(true);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel);
    m_ok = buttons->button(QDialogButtonBox::Ok);
    m_ok->setText(tr("Connect"));
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

    auto* layout = new QVBoxLayout(this);
    layout->addWidget(intro);
    layout->addLayout(form);
    layout->addWidget(m_problemLabel);
    layout->addWidget(buttons);
    setMinimumWidth(520);

    const QSettings settings;
    m_policy->setText(settings.value(kPolicyKey).toString());
    m_reference->setText(settings.value(kReferenceKey).toString());
    m_tokenizer->setText(settings.value(kTokenizerKey).toString());
    for (QLineEdit* e : {m_policy, m_reference}) {
        connect(e, &QLineEdit::textChanged, this, &ServerDialog::validate);
    }
    validate();
}

ServerChoice ServerDialog::choice() const {
    return {m_policy->text().trimmed(), m_reference->text().trimmed(),
            m_tokenizer->text().trimmed(), m_token->text()};
}

void ServerDialog::setChoice(const ServerChoice& c) {
    m_policy->setText(c.policyUrl);
    m_reference->setText(c.referenceUrl);
    m_tokenizer->setText(c.tokenizerDir);
    m_token->setText(c.token);
    validate();
}

void ServerDialog::remember() const {
    QSettings settings;
    const ServerChoice c = choice();
    settings.setValue(kPolicyKey, c.policyUrl);
    settings.setValue(kReferenceKey, c.referenceUrl);
    settings.setValue(kTokenizerKey, c.tokenizerDir);
}

ServerChoice ServerDialog::withDroppedUrls(ServerChoice base, const QStringList& urls) {
    if (urls.isEmpty()) {
        return base;
    }
    base.policyUrl = urls[0];
    if (urls.size() > 1) {
        base.referenceUrl = urls[1];
    } else if (urls[0].endsWith("/policy")) {
        base.referenceUrl = urls[0].chopped(6) + "reference";
    }
    return base;
}

void ServerDialog::validate() {
    m_problem.clear();
    const ServerChoice c = choice();
    for (const auto& [name, url] :
         {std::pair{tr("Policy"), c.policyUrl}, std::pair{tr("Reference"), c.referenceUrl}}) {
        if (url.isEmpty()) {
            m_problem = tr("%1: give its URL.").arg(name);
            break;
        }
        const auto parsed = server::parseModelUrl(url.toStdString());
        if (!parsed) {
            m_problem = name + ": " + QString::fromStdString(parsed.error());
            break;
        }
    }
    m_problemLabel->setText(m_problem);
    m_problemLabel->setVisible(!m_problem.isEmpty());
    m_ok->setEnabled(m_problem.isEmpty());
}

} // namespace cl
