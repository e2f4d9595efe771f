#include "ui/editor/compare_panel.h"

#include "core/engine/scoring_types.h"

#include <QFileInfo>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>

namespace cl {

ComparePanel::ComparePanel(QWidget* parent) : QWidget(parent) {
    setObjectName("comparePanel");
    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(4, 2, 4, 2);
    m_scores = new QLabel(this);
    m_scores->setObjectName("compareScores");
    m_scores->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_scores->setTextFormat(Qt::RichText);
    m_pairInfo = new QLabel(this);
    m_pairInfo->setObjectName("pairInfo");
    // Issue #17: always rich text; Qt::AutoText showed "&nbsp;" literally whenever the verdict
    // carried no tag ("edited", "scoring…").
    m_pairInfo->setTextFormat(Qt::RichText);
    m_previous = new QPushButton(tr("◀ Previous"), this);
    m_next = new QPushButton(tr("Next ▶"), this);
    m_previous->setToolTip(tr("Previous preference pair (Ctrl+[)"));
    m_next->setToolTip(tr("Next preference pair (Ctrl+])"));
    layout->addWidget(m_scores, 1);
    layout->addWidget(m_pairInfo);
    layout->addWidget(m_previous);
    layout->addWidget(m_next);
    connect(m_previous, &QPushButton::clicked, this, &ComparePanel::previous);
    connect(m_next, &QPushButton::clicked, this, &ComparePanel::next);
    updateLabels();
}

void ComparePanel::setPreferenceSet(PreferenceSet set, const QString& path, int index) {
    m_set = std::move(set);
    m_path = path;
    goTo(index);
}

void ComparePanel::goTo(int index) {
    if (!m_set || m_set->size() == 0) {
        return;
    }
    m_index = std::clamp(index, 0, m_set->size() - 1);
    m_pairShown = true;
    m_sums.reset();
    updateLabels();
    emit pairSelected(m_set->pairs()[m_index]);
}

void ComparePanel::next() {
    goTo(m_index + 1);
}

void ComparePanel::previous() {
    goTo(m_index - 1);
}

void ComparePanel::setPairScores(double chosen, double rejected) {
    m_sums = std::make_pair(chosen, rejected);
    if (m_set && m_pairShown) {
        m_set->setOutcome(m_index, chosen > rejected);
    }
    updateLabels();
}

void ComparePanel::markEdited() {
    m_pairShown = false;
    updateLabels();
}

void ComparePanel::updateLabels() {
    if (m_sums) {
        const auto [a, b] = *m_sums;
        m_scores->setText(tr("Σr chosen <b>%1</b> &nbsp; Σr rejected <b>%2</b> &nbsp; "
                             "P(chosen ≻ rejected) = σ(Σr<sub>a</sub> − Σr<sub>b</sub>) = <b>%3</b>")
                              .arg(a, 0, 'f', 3)
                              .arg(b, 0, 'f', 3)
                              .arg(bradleyTerry(a, b), 0, 'f', 3));
    } else {
        m_scores->setText(tr("Σr of both responses appears when both are scored."));
    }
    const bool haveSet = m_set.has_value();
    m_previous->setEnabled(haveSet && m_index > 0);
    m_next->setEnabled(haveSet && m_index + 1 < m_set->size());
    if (!haveSet) {
        m_pairInfo->setText(tr("No preference file (Tools → Open preference pairs…)"));
        return;
    }
    QString verdict = tr("edited");
    if (m_pairShown) {
        const auto outcome = m_set->outcome(m_index);
        verdict = !outcome ? tr("scoring…")
                           : (*outcome ? tr("<span style='color:#2166ac'>✔ correct</span>")
                                       : tr("<span style='color:#b2182b'>✘ wrong</span>"));
    }
    m_pairInfo->setText(tr("%1: pair %2 / %3, %4 &nbsp; accuracy %5 / %6 = %7%")
                            .arg(QFileInfo(m_path).fileName().toHtmlEscaped())
                            .arg(m_index + 1)
                            .arg(m_set->size())
                            .arg(verdict)
                            .arg(m_set->correctCount())
                            .arg(m_set->scoredCount())
                            .arg(100.0 * m_set->accuracy(), 0, 'f', 1));
}

} // namespace cl
