#include "ui/editor/running_total_strip.h"

#include <QMouseEvent>
#include <QPainter>
#include <QPainterPath>
#include <QToolTip>

#include <algorithm>

namespace cl {

RunningTotalStrip::RunningTotalStrip(QWidget* parent) : QWidget(parent) {
    setObjectName("runningTotalStrip");
    setMouseTracking(true);
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
    setToolTip(tr("Running total Σ r_k over the tokens so far"));
}

void RunningTotalStrip::setScore(const ResponseScore& score) {
    m_totals.clear();
    m_totals.reserve(score.tokens.size());
    double sum = 0.0;
    for (const TokenScore& t : score.tokens) {
        sum += t.reward;
        m_totals.push_back(sum);
    }
    update();
}

void RunningTotalStrip::clear() {
    m_totals.clear();
    m_highlight = -1;
    update();
}

void RunningTotalStrip::setHighlight(int tokenIndex) {
    m_highlight = tokenIndex;
    update();
}

int RunningTotalStrip::indexAtX(double x) const {
    if (m_totals.empty() || width() <= 0) {
        return -1;
    }
    const int n = static_cast<int>(m_totals.size());
    return std::clamp(static_cast<int>(x / width() * n), 0, n - 1);
}

void RunningTotalStrip::paintEvent(QPaintEvent*) {
    QPainter p(this);
    p.setRenderHint(QPainter::Antialiasing);
    const QPalette pal = palette();
    p.fillRect(rect(), pal.color(QPalette::Base));
    const QRectF area = QRectF(rect()).adjusted(0, 4, 0, -4);
    if (m_totals.empty()) {
        p.setPen(pal.color(QPalette::PlaceholderText));
        p.drawText(rect(), Qt::AlignCenter, tr("Σ r over tokens appears here"));
        return;
    }
    const auto [lo, hi] = std::minmax_element(m_totals.begin(), m_totals.end());
    const double top = std::max(*hi, 0.0);
    const double bottom = std::min(*lo, 0.0);
    const double span = std::max(top - bottom, 1e-9);
    auto y = [&](double v) { return area.top() + (top - v) / span * area.height(); };
    const double step = area.width() / m_totals.size();

    p.setPen(QPen(pal.color(QPalette::Mid), 1, Qt::DashLine));
    p.drawLine(QPointF(area.left(), y(0)), QPointF(area.right(), y(0)));
    if (m_highlight >= 0 && m_highlight < static_cast<int>(m_totals.size())) {
        p.fillRect(QRectF(area.left() + m_highlight * step, area.top(), std::max(step, 2.0),
                          area.height()),
                   pal.color(QPalette::Highlight).lighter(150));
    }
    QPainterPath path(QPointF(area.left(), y(0)));
    for (size_t i = 0; i < m_totals.size(); ++i) {
        path.lineTo(area.left() + i * step, y(m_totals[i]));
        path.lineTo(area.left() + (i + 1) * step, y(m_totals[i]));
    }
    p.setPen(QPen(pal.color(QPalette::Text), 1.5));
    p.drawPath(path);
    p.setPen(pal.color(QPalette::Text));
    p.drawText(rect().adjusted(4, 0, -4, 0), Qt::AlignRight | Qt::AlignTop,
               QString("Σr %1").arg(m_totals.back(), 0, 'f', 3));
}

void RunningTotalStrip::mouseMoveEvent(QMouseEvent* event) {
    const int i = indexAtX(event->position().x());
    if (i >= 0) {
        QToolTip::showText(event->globalPosition().toPoint(),
                           tr("after token %1: Σr = %2").arg(i + 1).arg(m_totals[i], 0, 'f', 4),
                           this);
    }
}

void RunningTotalStrip::mousePressEvent(QMouseEvent* event) {
    const int i = indexAtX(event->position().x());
    if (i >= 0) {
        emit tokenActivated(i);
    }
}

} // namespace cl
