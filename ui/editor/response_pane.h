#pragma once
// One response: a title with its totals, the reward-colored editor, and the running-total strip.

#include "core/engine/scoring_types.h"

#include <QWidget>

class QLabel;

namespace cl {

class RewardEditor;
class RunningTotalStrip;

class ResponsePane : public QWidget {
    Q_OBJECT
public:
    ResponsePane(const QString& title, QWidget* parent = nullptr);

    RewardEditor* editor() const { return m_editor; }
    RunningTotalStrip* strip() const { return m_strip; }
    QString title() const { return m_titleText; }

    /// Shows a score computed for `scoredText`.
    void setScore(const ResponseScore& score, const QString& scoredText);
    void clearScore();
    void setColorLimit(double limit);
    /// Shows an error sentence instead of the totals (the colors stay).
    void setError(const QString& message);

signals:
    void tokenActivated(int index);

private:
    QString m_titleText;
    QLabel* m_title = nullptr;
    QLabel* m_totals = nullptr;
    RewardEditor* m_editor = nullptr;
    RunningTotalStrip* m_strip = nullptr;
};

} // namespace cl
