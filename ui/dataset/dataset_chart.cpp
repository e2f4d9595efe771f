#include "ui/dataset/dataset_chart.h"

#include <qcustomplot.h>

#include <algorithm>

namespace cl {

namespace {

// Okabe-Ito, as the beam and curves charts: distinguishable with common color-vision deficiency.
const QColor kWrongColor(213, 94, 0);
const QColor kRightColor(0, 114, 178);

QCPBars* addBars(QCustomPlot& plot, const QString& name, const QColor& color, double width) {
    auto* bars = new QCPBars(plot.xAxis, plot.yAxis);
    bars->setName(name);
    bars->setWidth(width);
    bars->setPen(QPen(color.darker(130)));
    bars->setBrush(color);
    return bars;
}

} // namespace

QString DatasetChart::accuracyText(const AccuracyInterval& a) {
    if (a.pairs == 0) {
        return QObject::tr("no pairs scored");
    }
    return QObject::tr("accuracy %1% (%2 / %3)\n95% Wilson interval [%4%, %5%]")
        .arg(100 * a.accuracy, 0, 'f', 1)
        .arg(a.correct)
        .arg(a.pairs)
        .arg(100 * a.lo, 0, 'f', 1)
        .arg(100 * a.hi, 0, 'f', 1);
}

void DatasetChart::build(QCustomPlot& plot, const std::vector<double>& margins,
                         const AccuracyInterval& accuracy) {
    plot.clearPlottables();
    plot.clearItems();
    if (plot.plotLayout()->rowCount() == 1) {
        // Above the axes: the accuracy (two lines, so it fits a narrow dock) and the legend in
        // a row of its own, so neither covers a bar (issue #17's complaint about the curves).
        plot.plotLayout()->insertRow(0);
        auto* title = new QCPTextElement(&plot, QString(), QFont(plot.font().family(), 9));
        plot.plotLayout()->addElement(0, 0, title);
        plot.axisRect()->insetLayout()->take(plot.legend);
        auto* row = new QCPLayoutGrid;
        plot.plotLayout()->insertRow(1);
        plot.plotLayout()->addElement(1, 0, row);
        row->addElement(0, 0, plot.legend);
        row->addElement(0, 1, new QCPLayoutElement(&plot)); // takes the spare width
        row->setColumnStretchFactors({0.001, 1.0});
        plot.legend->setFillOrder(QCPLayoutGrid::foColumnsFirst);
        plot.legend->setBorderPen(Qt::NoPen);
        plot.legend->setBrush(Qt::NoBrush);
        plot.plotLayout()->setRowStretchFactor(0, 0.001);
        plot.plotLayout()->setRowStretchFactor(1, 0.001);
        plot.plotLayout()->setRowSpacing(0);
    }
    if (auto* title = qobject_cast<QCPTextElement*>(plot.plotLayout()->element(0, 0))) {
        title->setText(accuracyText(accuracy));
    }
    plot.xAxis->setLabel(QObject::tr("margin Σr chosen − Σr rejected"));
    plot.yAxis->setLabel(QObject::tr("pairs"));
    const MarginHistogram h = makeMarginHistogram(margins);
    QCPBars* wrong = addBars(plot, QObject::tr("misranked"), kWrongColor, h.width);
    QCPBars* right = addBars(plot, QObject::tr("ranked correctly"), kRightColor, h.width);
    QVector<double> wx, wy, rx, ry;
    int top = 1;
    for (size_t i = 0; i < h.counts.size(); ++i) {
        const double centre = h.lefts[i] + h.width / 2;
        // 0 is a bin edge, so a bin is wholly left (misranked) or right of it. (A margin of
        // exactly 0, misranked too, lands in the first bin on the right.)
        (h.lefts[i] < 0 ? wx : rx).append(centre);
        (h.lefts[i] < 0 ? wy : ry).append(h.counts[i]);
        top = std::max(top, h.counts[i]);
    }
    wrong->setData(wx, wy, true);
    right->setData(rx, ry, true);
    if (!h.lefts.empty()) {
        const double lo = h.lefts.front(), hi = h.lefts.back() + h.width;
        const double pad = 0.03 * (hi - lo);
        plot.xAxis->setRange(lo - pad, hi + pad);
    } else {
        plot.xAxis->setRange(-1, 1);
    }
    plot.yAxis->setRange(0, top * 1.08);
    auto* zero = new QCPItemStraightLine(&plot);
    zero->point1->setCoords(0, 0);
    zero->point2->setCoords(0, 1);
    zero->setPen(QPen(Qt::gray, 1, Qt::DotLine));
    plot.legend->setVisible(true);
    plot.replot();
}

} // namespace cl
