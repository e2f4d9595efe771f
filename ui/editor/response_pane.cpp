#include "ui/editor/response_pane.h"

#include "ui/common/reward_editor.h"
#include "ui/editor/running_total_strip.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QVBoxLayout>

namespace cl {

ResponsePane::ResponsePane(const QString& title, QWidget* parent)
    : QWidget(parent), m_titleText(title) {
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(2);
    auto* header = new QHBoxLayout;
    m_title = new QLabel(title, this);
    QFont bold = m_title->font();
    bold.setBold(true);
    m_title->setFont(bold);
    m_totals = new QLabel(this);
    m_totals->setObjectName("totalsLabel");
    m_totals->setTextInteractionFlags(Qt::TextSelectableByMouse);
    header->addWidget(m_title);
    header->addStretch(1);
    header->addWidget(m_totals);
    layout->addLayout(header);

    m_editor = new RewardEditor(this);
    m_editor->setPlaceholderText(tr("Type a response; tokens are colored by their reward."));
    QFont mono = m_editor->font();
    mono.setPointSizeF(mono.pointSizeF() * 1.25);
    m_editor->setFont(mono);
    m_title->setBuddy(m_editor);
    layout->addWidget(m_editor, 1);
    m_strip = new RunningTotalStrip(this);
    layout->addWidget(m_strip);

    connect(m_editor, &RewardEditor::tokenActivated, this, &ResponsePane::tokenActivated);
    connect(m_strip, &RunningTotalStrip::tokenActivated, this, &ResponsePane::tokenActivated);
}

void ResponsePane::setScore(const ResponseScore& score, const QString& scoredText) {
    m_editor->setScore(score, scoredText);
    m_strip->setScore(score);
    m_totals->setText(tr("Σr <b>%1</b> &nbsp; mean %2 &nbsp; %3 tokens")
                          .arg(score.rewardSum, 0, 'f', 3)
                          .arg(score.rewardMean, 0, 'f', 4)
                          .arg(score.tokens.size()));
    m_totals->setToolTip(tr("Σ log π_θ %1, Σ log π_ref %2")
                             .arg(score.logpPolicySum, 0, 'f', 3)
                             .arg(score.logpRefSum, 0, 'f', 3));
}

void ResponsePane::clearScore() {
    m_editor->clearScore();
    m_strip->clear();
    m_totals->clear();
}

void ResponsePane::setColorLimit(double limit) {
    m_editor->setColorLimit(limit);
}

void ResponsePane::setError(const QString& message) {
    m_totals->setText(QStringLiteral("<span style='color:#b2182b'>%1</span>")
                          .arg(message.toHtmlEscaped()));
}

} // namespace cl
