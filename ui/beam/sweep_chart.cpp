#include "ui/beam/sweep_chart.h"

#include "ui/common/figure_export.h"

#include <qcustomplot.h>

#include <QFile>
#include <QFileInfo>
#include <QTextStream>

#include <algorithm>

namespace cl {

namespace {

// Okabe-Ito blue and vermillion: distinguishable with every common color-vision deficiency.
const QColor kLengthColor(0, 114, 178);
const QColor kRewardColor(213, 94, 0);

QCPGraph* addSeries(QCustomPlot& plot, QCPAxis* y, const QString& name, const QColor& color,
                    QCPScatterStyle::ScatterShape shape) {
    QCPGraph* g = plot.addGraph(plot.xAxis, y);
    g->setName(name);
    g->setPen(QPen(color, 2.0));
    g->setScatterStyle(QCPScatterStyle(shape, color, color, 7));
    return g;
}

QCPRange paddedRange(const QVector<double>& v, bool includeZero) {
    double lo = *std::min_element(v.begin(), v.end());
    double hi = *std::max_element(v.begin(), v.end());
    if (includeZero) {
        lo = std::min(lo, 0.0);
        hi = std::max(hi, 0.0);
    }
    const double pad = hi > lo ? 0.08 * (hi - lo) : std::max(1.0, std::abs(hi) * 0.1);
    return QCPRange(lo - pad, hi + pad);
}

} // namespace

void SweepChart::build(QCustomPlot& plot, const std::vector<SweepRow>& rows) {
    plot.clearGraphs();
    plot.clearItems();
    if (plot.legend->layout() == plot.axisRect()->insetLayout()) {
        // The legend gets a row of its own above the axes, so it never hides a point; an empty
        // element beside it takes the spare width, so the entries stay together on the left.
        plot.axisRect()->insetLayout()->take(plot.legend);
        auto* row = new QCPLayoutGrid;
        plot.plotLayout()->insertRow(0);
        plot.plotLayout()->addElement(0, 0, row);
        row->addElement(0, 0, plot.legend);
        row->addElement(0, 1, new QCPLayoutElement(&plot)); // an empty grid has max size 0
        row->setColumnStretchFactors({0.001, 1.0});
        plot.legend->setFillOrder(QCPLayoutGrid::foColumnsFirst);
        plot.legend->setBorderPen(Qt::NoPen);
        plot.legend->setBrush(Qt::NoBrush);
        plot.plotLayout()->setRowStretchFactor(0, 0.001);
        plot.plotLayout()->setRowSpacing(0);
    }
    plot.xAxis->setLabel(QObject::tr("beam width"));
    plot.yAxis->setLabel(QObject::tr("mean length (tokens)"));
    plot.yAxis2->setLabel(QObject::tr("mean Σr (best beam)"));
    plot.yAxis2->setVisible(true);
    plot.yAxis->setLabelColor(kLengthColor);
    plot.yAxis2->setLabelColor(kRewardColor);
    plot.legend->setVisible(true);

    QCPGraph* length = addSeries(plot, plot.yAxis, QObject::tr("mean length"), kLengthColor,
                                 QCPScatterStyle::ssCircle);
    QCPGraph* reward = addSeries(plot, plot.yAxis2, QObject::tr("mean Σr"), kRewardColor,
                                 QCPScatterStyle::ssSquare);
    QVector<double> x, len, r;
    for (const SweepRow& row : rows) {
        x.append(row.width);
        len.append(row.meanLength);
        r.append(row.meanRewardSum);
    }
    length->setData(x, len, true);
    reward->setData(x, r, true);

    auto ticker = QSharedPointer<QCPAxisTickerText>::create();
    for (double w : x) {
        ticker->addTick(w, QString::number(w));
    }
    plot.xAxis->setTicker(ticker);
    if (x.isEmpty()) {
        plot.xAxis->setRange(0, 21);
        plot.yAxis->setRange(0, 1);
        plot.yAxis2->setRange(-1, 1);
    } else {
        const double lo = *std::min_element(x.begin(), x.end());
        const double hi = *std::max_element(x.begin(), x.end());
        const double pad = std::max(0.5, 0.04 * (hi - lo));
        plot.xAxis->setRange(lo - pad, hi + pad);
        plot.yAxis->setRange(paddedRange(len, true));
        plot.yAxis2->setRange(paddedRange(r, false));
        auto* zero = new QCPItemStraightLine(&plot);
        zero->setClipAxisRect(plot.axisRect());
        zero->point1->setAxes(plot.xAxis, plot.yAxis2);
        zero->point2->setAxes(plot.xAxis, plot.yAxis2);
        zero->point1->setCoords(lo, 0.0);
        zero->point2->setCoords(hi, 0.0);
        zero->setPen(QPen(kRewardColor.lighter(150), 1.0, Qt::DotLine));
    }
    plot.replot();
}

bool SweepChart::exportFigure(QCustomPlot& plot, const QString& path, const QSize& size,
                              QString* error) {
    return exportPlotFigure(plot, path, size, 96, QStringLiteral("CreditLens beam width sweep"),
                            error);
}

QString SweepChart::toCsv(const std::vector<SweepRow>& rows) {
    QString out = QStringLiteral(
        "width,prompts,mean_length,mean_sum_logprob,mean_reward_sum,mean_reward_per_token\n");
    const auto num = [](double v) { return QString::number(v, 'g', 17); };
    for (const SweepRow& r : rows) {
        out += QStringLiteral("%1,%2,%3,%4,%5,%6\n")
                   .arg(r.width)
                   .arg(r.prompts)
                   .arg(num(r.meanLength), num(r.meanSumLogprob), num(r.meanRewardSum),
                        num(r.meanRewardPerToken));
    }
    return out;
}

bool SweepChart::exportCsv(const std::vector<SweepRow>& rows, const QString& path, QString* error) {
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate | QIODevice::Text)) {
        if (error) {
            *error = QObject::tr("%1: cannot be written (%2)").arg(path, file.errorString());
        }
        return false;
    }
    const QByteArray bytes = toCsv(rows).toUtf8();
    if (file.write(bytes) != bytes.size() || !file.flush()) {
        if (error) {
            *error = QObject::tr("%1: could not be written (%2)").arg(path, file.errorString());
        }
        return false;
    }
    return true;
}

} // namespace cl
