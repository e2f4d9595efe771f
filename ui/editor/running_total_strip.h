#pragma once
// A thin chart under a response: the running total of rewards, sum_{k<=t} r_k, over token index
// t, as a step line around a zero axis. Highlights one token (the inspected one).

#include "core/engine/scoring_types.h"

#include <QWidget>

#include <vector>

namespace cl {

class RunningTotalStrip : public QWidget {
    Q_OBJECT
public:
    explicit RunningTotalStrip(QWidget* parent = nullptr);

    void setScore(const ResponseScore& score);
    void clear();
    void setHighlight(int tokenIndex);
    const std::vector<double>& totals() const { return m_totals; }

    QSize sizeHint() const override { return {400, 44}; }
    QSize minimumSizeHint() const override { return {100, 30}; }

signals:
    void tokenActivated(int index);

protected:
    void paintEvent(QPaintEvent* event) override;
    void mouseMoveEvent(QMouseEvent* event) override;
    void mousePressEvent(QMouseEvent* event) override;

private:
    int indexAtX(double x) const;

    std::vector<double> m_totals;
    int m_highlight = -1;
};

} // namespace cl
