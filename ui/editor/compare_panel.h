#pragma once
// Compare mode's summary and a preference data set navigator: Σr of both responses on the
// shared scale, the Bradley-Terry probability σ(Σr_a − Σr_b), and for a loaded JSONL the pair
// index, whether the pair is classified correctly and the running accuracy.

#include "ui/editor/preference_set.h"

#include <QWidget>

#include <optional>

class QLabel;
class QPushButton;

namespace cl {

class ComparePanel : public QWidget {
    Q_OBJECT
public:
    explicit ComparePanel(QWidget* parent = nullptr);

    /// Takes a parsed set and shows pair `index` (clamped); emits pairSelected.
    void setPreferenceSet(PreferenceSet set, const QString& path, int index = 0);
    bool hasPreferenceSet() const { return m_set.has_value(); }
    const PreferenceSet* preferenceSet() const { return m_set ? &*m_set : nullptr; }
    QString preferencePath() const { return m_path; }
    int currentIndex() const { return m_index; }

    /// Both responses were scored for their current texts.
    void setPairScores(double rewardSumChosen, double rewardSumRejected);
    /// The responses no longer match the selected pair (the user edited them).
    void markEdited();

public slots:
    void next();
    void previous();
    void goTo(int index);

signals:
    /// Show this pair in the editors (prompt, chosen, rejected).
    void pairSelected(const cl::PreferencePair& pair);

private:
    void updateLabels();

    QLabel* m_scores = nullptr;
    QLabel* m_pairInfo = nullptr;
    QPushButton* m_previous = nullptr;
    QPushButton* m_next = nullptr;
    std::optional<PreferenceSet> m_set;
    QString m_path;
    int m_index = 0;
    bool m_pairShown = false; // the editors hold pair m_index unedited
    std::optional<std::pair<double, double>> m_sums;
};

} // namespace cl
