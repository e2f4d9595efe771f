#include "ui/curves/curve_plotter.h"

#include "ui/common/figure_export.h"

#include "core/logs/log_export.h"
#include "core/logs/smoothing.h"

#include <QFile>
#include <QFileInfo>
#include <QFontMetrics>
#include <QSet>
#include <QTextStream>

#include <qcustomplot.h>

#include <algorithm>
#include <cmath>

namespace cl {

namespace {

std::vector<double> toStd(const QVector<double>& v) {
    return std::vector<double>(v.begin(), v.end());
}

QVector<double> smoothed(const QVector<double>& y, double weight) {
    const std::vector<double> s = logs::smoothEma(toStd(y), weight);
    return QVector<double>(s.begin(), s.end());
}

void styleAxes(QCPAxisRect* rect, const QString& yLabel, const CurveSettings& s) {
    rect->axis(QCPAxis::atBottom)->setLabel(xAxisTitle(s.xAxis));
    rect->axis(QCPAxis::atLeft)->setLabel(yLabel);
    rect->setRangeDrag(Qt::Horizontal | Qt::Vertical);
    rect->setRangeZoom(Qt::Horizontal | Qt::Vertical);
    if (s.logY) {
        QCPAxis* y = rect->axis(QCPAxis::atLeft);
        y->setScaleType(QCPAxis::stLogarithmic);
        y->setTicker(QSharedPointer<QCPAxisTickerLog>(new QCPAxisTickerLog));
    }
}

// The x range is exactly the data's keys (no run's curve is cut, none runs past the data);
// y gets 5% headroom so the extremes do not sit on the frame.
void fitToData(QCPAxisRect* rect) {
    QCPAxis* x = rect->axis(QCPAxis::atBottom);
    QCPAxis* y = rect->axis(QCPAxis::atLeft);
    x->rescale(true);
    y->rescale(true);
    if (y->scaleType() == QCPAxis::stLinear) {
        const QCPRange r = y->range();
        const double pad = r.size() > 0 ? 0.05 * r.size() : std::max(1e-3, 0.05 * std::abs(r.lower));
        y->setRange(r.lower - pad, r.upper + pad);
    }
}

// At most one y tick per three label heights of the plot, between 2 and 6; x ticks by width.
// True when a count changed.
bool fitTicks(QCustomPlot& plot) {
    bool changed = false;
    for (QCPAxisRect* rect : plot.axisRects()) {
        QCPAxis* y = rect->axis(QCPAxis::atLeft);
        const int label = QFontMetrics(y->tickLabelFont()).height();
        const int count = std::clamp(rect->height() / std::max(3 * label, 1), 2, 6);
        if (y->ticker()->tickCount() != count) {
            y->ticker()->setTickCount(count);
            changed = true;
        }
        QCPAxis* x = rect->axis(QCPAxis::atBottom);
        const int advance = QFontMetrics(x->tickLabelFont()).horizontalAdvance("00000");
        const int xCount = std::clamp(rect->width() / std::max(2 * advance, 1), 2, 8);
        if (x->ticker()->tickCount() != xCount) {
            x->ticker()->setTickCount(xCount);
            changed = true;
        }
    }
    return changed;
}

void addZeroLine(QCustomPlot& plot, QCPAxisRect* rect) {
    auto* line = new QCPItemStraightLine(&plot);
    line->setClipAxisRect(rect);
    for (QCPItemPosition* p : {line->point1, line->point2}) {
        p->setAxes(rect->axis(QCPAxis::atBottom), rect->axis(QCPAxis::atLeft));
    }
    line->point1->setCoords(0, 0);
    line->point2->setCoords(1, 0);
    line->setPen(QPen(QColor(0, 0, 0, 110), 1, Qt::DashLine));
}

} // namespace

QString CurvePlotter::metricOf(const QCPAxisRect* rect) {
    return rect ? rect->property("cl_metric").toString() : QString();
}

int CurvePlotter::columnsFor(int plots, const QSize& size) {
    // Issue #17: docked, the view is wide and short; stacked plots became strips too thin for
    // their labels. Side by side, each plot keeps a readable height.
    if (plots < 2 || size.height() <= 0) {
        return 1;
    }
    const double aspect = double(size.width()) / double(size.height());
    if (plots >= 5 && aspect >= 3.0) {
        return 3;
    }
    return aspect >= 1.6 ? 2 : 1;
}

void CurvePlotter::build(QCustomPlot& plot, const std::vector<const logs::LogRun*>& runs,
                         const CurveSettings& s, bool keepRanges) {
    QHash<QString, QPair<QCPRange, QCPRange>> saved;
    if (keepRanges) {
        for (QCPAxisRect* r : plot.axisRects()) {
            saved.insert(metricOf(r),
                         {r->axis(QCPAxis::atBottom)->range(), r->axis(QCPAxis::atLeft)->range()});
        }
    }
    plot.setAutoAddPlottableToLegend(false); // entries go to the one shared legend below
    plot.clearItems();
    plot.clearPlottables();
    plot.plotLayout()->clear(); // deletes the axis rects, the legend and the titles
    plot.plotLayout()->setRowSpacing(2);
    int row = 0;
    if (!s.title.isEmpty()) {
        plot.plotLayout()->addElement(
            row++, 0, new QCPTextElement(&plot, s.title, QFont("sans", 11, QFont::Bold)));
    }
    // Issue #17: one legend for every plot, in its own row above them: colors are per run, the
    // same in every plot, and no legend covers the newest data.
    auto* legend = new QCPLegend;
    plot.plotLayout()->addElement(row++, 0, legend);
    legend->setLayer(QStringLiteral("legend"));
    legend->setFillOrder(QCPLayoutGrid::foColumnsFirst); // one row
    legend->setWrap(8);
    legend->setBorderPen(Qt::NoPen);
    legend->setBrush(Qt::NoBrush);
    legend->setMargins(QMargins(8, 2, 8, 0));
    legend->setRowSpacing(0);
    legend->setMaximumSize(QWIDGETSIZE_MAX, QWIDGETSIZE_MAX);
    plot.plotLayout()->setRowStretchFactor(row - 1, 0.001);
    if (!s.title.isEmpty()) {
        plot.plotLayout()->setRowStretchFactor(0, 0.001);
    }

    const QStringList groups =
        s.overlay ? QStringList{s.metrics.join(QStringLiteral(", "))} : s.metrics;
    const int columns = columnsFor(int(groups.size()), plot.size());
    const int rows = (int(groups.size()) + columns - 1) / std::max(columns, 1);
    auto* grid = new QCPLayoutGrid;
    plot.plotLayout()->addElement(row++, 0, grid);
    grid->setColumnSpacing(12);
    grid->setRowSpacing(4);
    QVector<QCPMarginGroup*> columnMargins;
    for (int c = 0; c < columns; ++c) {
        columnMargins << new QCPMarginGroup(&plot); // the plots of a column line up
    }
    QSet<QString> inLegend;
    for (int g = 0; g < groups.size(); ++g) {
        const int gridRow = g / columns;
        const int gridColumn = g % columns;
        auto* cell = new QCPLayoutGrid;
        grid->addElement(gridRow, gridColumn, cell);
        cell->setRowSpacing(0);
        // The metric as a horizontal title over its plot: a rotated y title does not fit a
        // short plot (it ran into its neighbours).
        auto* name = new QCPTextElement(&plot, groups[g], QFont("sans", 9, QFont::Bold));
        name->setMargins(QMargins(0, 0, 0, 0));
        cell->addElement(0, 0, name);
        auto* rect = new QCPAxisRect(&plot);
        cell->addElement(1, 0, rect);
        cell->setRowStretchFactor(0, 0.001);
        rect->setMarginGroup(QCP::msLeft | QCP::msRight, columnMargins[gridColumn]);
        rect->setMinimumMargins(QMargins(8, 4, 14, 4)); // the last x label is not cut
        rect->setProperty("cl_metric", groups[g]);
        styleAxes(rect, QString(), s);
        if (gridRow + 1 < rows && g + columns < groups.size()) {
            rect->axis(QCPAxis::atBottom)->setLabel(QString()); // titled once, on the last row
        }
        const QStringList metrics = s.overlay ? s.metrics : QStringList{groups[g]};
        for (int m = 0; m < metrics.size(); ++m) {
            for (int r = 0; r < int(runs.size()); ++r) {
                const logs::Series* series = findMetric(*runs[std::size_t(r)], metrics[m]);
                if (!series) {
                    continue;
                }
                QVector<double> x;
                QVector<double> y;
                curvePoints(*runs[std::size_t(r)], *series, s.xAxis, x, y);
                QColor color = runColor(r);
                const Qt::PenStyle style = m == 0 ? Qt::SolidLine : Qt::PenStyle(1 + m % 4);
                const QString name = QString::fromStdString(runs[std::size_t(r)]->name) +
                                     (s.overlay ? " \u2013 " + metrics[m] : QString());
                QCPGraph* raw =
                    plot.addGraph(rect->axis(QCPAxis::atBottom), rect->axis(QCPAxis::atLeft));
                raw->setData(x, y);
                raw->setProperty("cl_run", name);
                QCPGraph* shown = raw;
                if (s.smoothing > 0) {
                    QColor faint = color;
                    faint.setAlpha(80);
                    raw->setPen(QPen(faint, 1, style));
                    QCPGraph* smooth =
                        plot.addGraph(rect->axis(QCPAxis::atBottom), rect->axis(QCPAxis::atLeft));
                    smooth->setData(x, smoothed(y, s.smoothing));
                    smooth->setPen(QPen(color, 2, style));
                    smooth->setProperty("cl_run", name);
                    smooth->setProperty("cl_smoothed", true);
                    shown = smooth;
                } else {
                    raw->setPen(QPen(color, 1.5, style));
                }
                shown->setName(name);
                if (!inLegend.contains(name)) { // one entry per run (per run and metric overlaid)
                    inLegend.insert(name);
                    shown->addToLegend(legend);
                }
            }
        }
        if (!s.logY) {
            addZeroLine(plot, rect);
        }
        fitToData(rect);
        const auto old = saved.constFind(groups[g]);
        if (old != saved.constEnd()) {
            rect->axis(QCPAxis::atBottom)->setRange(old->first);
            rect->axis(QCPAxis::atLeft)->setRange(old->second);
        }
    }
    legend->setVisible(legend->itemCount() > 0);
    plot.setInteractions(QCP::iRangeDrag | QCP::iRangeZoom);
    // Tick density follows each plot's height, after every layout (a resized dock too), so
    // the y labels never touch.
    if (!plot.property("cl_fitTicks").toBool()) {
        plot.setProperty("cl_fitTicks", true);
        // Tick vectors are made before afterLayout: a change shows on the next replot.
        QObject::connect(&plot, &QCustomPlot::afterLayout, &plot, [&plot] {
            if (fitTicks(plot)) {
                plot.replot(QCustomPlot::rpQueuedReplot);
            }
        });
    }
    plot.replot();
    if (fitTicks(plot)) {
        plot.replot(); // at the size it has now (the headless command's figure size)
    }
}

bool CurvePlotter::exportFigure(QCustomPlot& plot, const QString& path, const QSize& size, int dpi,
                                QString* error) {
    return exportPlotFigure(plot, path, size, dpi, QStringLiteral("CreditLens training curves"),
                            error);
}

bool CurvePlotter::exportCsv(const std::vector<const logs::LogRun*>& runs, const CurveSettings& s,
                             const QString& path, QString* error) {
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate)) {
        if (error) {
            *error = QStringLiteral("%1: cannot be written (%2)").arg(path, file.errorString());
        }
        return false;
    }
    QTextStream out(&file);
    out << "run,metric,original_key," << xAxisTitle(s.xAxis).section(' ', 0, 0)
        << ",raw,smoothed\n";
    const auto quote = [](QString t) {
        return t.contains(',') || t.contains('"') ? '"' + t.replace('"', "\"\"") + '"' : t;
    };
    for (const QString& metric : s.metrics) {
        for (const logs::LogRun* run : runs) {
            const logs::Series* series = findMetric(*run, metric);
            if (!series) {
                continue;
            }
            QVector<double> x;
            QVector<double> y;
            curvePoints(*run, *series, s.xAxis, x, y);
            const QVector<double> sm = smoothed(y, s.smoothing);
            const QString prefix = quote(QString::fromStdString(run->name)) + ',' + quote(metric) +
                                   ',' + quote(QString::fromStdString(series->originalKey)) + ',';
            for (int i = 0; i < x.size(); ++i) {
                out << prefix << QString::fromStdString(logs::formatNumber(x[i])) << ','
                    << QString::fromStdString(logs::formatNumber(y[i])) << ','
                    << QString::fromStdString(logs::formatNumber(sm[i])) << '\n';
            }
        }
    }
    out.flush();
    return file.error() == QFileDevice::NoError;
}

} // namespace cl
