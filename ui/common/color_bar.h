#pragma once
// The color bar legend of the reward colormap: a gradient from -limit to +limit with ticks.
// paint() is shared by the widget and the figure exporter so both look the same.

#include <QWidget>

class QPainter;

namespace cl {

class ColorBar : public QWidget {
    Q_OBJECT
public:
    explicit ColorBar(QWidget* parent = nullptr);

    double limit() const { return m_limit; }
    void setLimit(double limit);
    /// Shown after the title, e.g. "auto" or "pinned".
    void setNote(const QString& note);

    /// Paints a horizontal color bar into `rect` (gradient on top, tick labels below, title at
    /// the left) with the painter's current font and pen color for text.
    static void paint(QPainter& painter, const QRectF& rect, double limit, const QString& title);

    /// Height paint() needs for the given font height, in the painter's units.
    static double preferredHeight(double fontHeight) { return fontHeight * 3.2; }

    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;

protected:
    void paintEvent(QPaintEvent* event) override;

private:
    double m_limit = 1.0;
    QString m_note;
};

} // namespace cl
