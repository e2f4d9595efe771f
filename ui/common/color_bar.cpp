#include "ui/common/color_bar.h"

#include "ui/common/reward_colormap.h"

#include <QFontMetricsF>
#include <QLinearGradient>
#include <QPainter>

namespace cl {

ColorBar::ColorBar(QWidget* parent) : QWidget(parent) {
    setObjectName("colorBar");
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
    setToolTip(tr("Reward per token r_t = β (log π_θ − log π_ref): blue above 0, red below"));
}

void ColorBar::setLimit(double limit) {
    if (limit != m_limit) {
        m_limit = limit;
        update();
    }
}

void ColorBar::setNote(const QString& note) {
    m_note = note;
    update();
}

QSize ColorBar::sizeHint() const {
    return {400, static_cast<int>(preferredHeight(fontMetrics().height())) + 4};
}

QSize ColorBar::minimumSizeHint() const {
    return {200, sizeHint().height()};
}

void ColorBar::paintEvent(QPaintEvent*) {
    QPainter p(this);
    p.setRenderHint(QPainter::Antialiasing);
    p.setPen(palette().color(QPalette::WindowText));
    const QString title = m_note.isEmpty() ? tr("r_t") : tr("r_t (%1)").arg(m_note);
    paint(p, QRectF(rect()).adjusted(4, 2, -4, -2), m_limit, title);
}

void ColorBar::paint(QPainter& painter, const QRectF& rect, double limit, const QString& title) {
    const QFontMetricsF fm(painter.font(), painter.device());
    const double fh = fm.height();
    const double titleWidth = fm.horizontalAdvance(title) + fh;
    const double labelPad = fm.horizontalAdvance(QStringLiteral("−0.00")) * 0.6;
    QRectF bar(rect.left() + titleWidth + labelPad, rect.top() + fh * 0.3,
               rect.width() - titleWidth - 2 * labelPad, fh * 1.2);
    if (bar.width() < fh) {
        return;
    }
    QLinearGradient gradient(bar.topLeft(), bar.topRight());
    constexpr int kSteps = 20;
    for (int i = 0; i <= kSteps; ++i) {
        const double f = static_cast<double>(i) / kSteps;
        gradient.setColorAt(f, RewardColormap::color((2.0 * f - 1.0) * limit, limit));
    }
    const QPen textPen = painter.pen();
    painter.fillRect(bar, gradient);
    painter.setPen(QPen(textPen.color(), 0));
    painter.drawRect(bar);

    painter.drawText(QRectF(rect.left(), bar.top(), titleWidth, bar.height()),
                     Qt::AlignLeft | Qt::AlignVCenter, title);
    for (int i = -2; i <= 2; ++i) {
        const double x = bar.left() + (i + 2) / 4.0 * bar.width();
        painter.drawLine(QPointF(x, bar.bottom()), QPointF(x, bar.bottom() + fh * 0.25));
        const double v = limit * i / 2.0;
        QString label = QString::number(v, 'g', 3).replace('-', QChar(0x2212));
        if (i == 2 || i == -2) {
            label = (i > 0 ? "+" : "") + label;
        }
        const double w = fm.horizontalAdvance(label) + 4;
        painter.drawText(QRectF(x - w / 2, bar.bottom() + fh * 0.3, w, fh), Qt::AlignCenter, label);
    }
    painter.setPen(textPen);
}

} // namespace cl
