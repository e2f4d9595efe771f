#include "ui/curves/curve_plotter.h"

#include "ui/curves/figure_export.h"

#include "core/logs/log_export.h"
#include "core/logs/smoothing.h"

#include <QFile>
#include <QFileInfo>
#include <QTextStream>

#include <qcustomplot.h>

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

void CurvePlotter::build(QCustomPlot& plot, const std::vector<const logs::LogRun*>& runs,
                         const CurveSettings& s, bool keepRanges) {
    QHash<QString, QPair<QCPRange, QCPRange>> saved;
    if (keepRanges) {
        for (QCPAxisRect* r : plot.axisRects()) {
            saved.insert(metricOf(r),
                         {r->axis(QCPAxis::atBottom)->range(), r->axis(QCPAxis::atLeft)->range()});
        }
    }
    plot.setAutoAddPlottableToLegend(false); // each axis rect gets its own legend below
    plot.clearItems();
    plot.clearPlottables();
    plot.plotLayout()->clear(); // deletes the axis rects and their legends
    int row = 0;
    if (!s.title.isEmpty()) {
        plot.plotLayout()->addElement(
            row++, 0, new QCPTextElement(&plot, s.title, QFont("sans", 12, QFont::Bold)));
    }
    const QStringList groups =
        s.overlay ? QStringList{s.metrics.join(QStringLiteral(", "))} : s.metrics;
    for (int g = 0; g < groups.size(); ++g) {
        auto* rect = new QCPAxisRect(&plot);
        plot.plotLayout()->addElement(row++, 0, rect);
        rect->setProperty("cl_metric", groups[g]);
        styleAxes(rect, groups[g], s);
        if (g + 1 < groups.size()) { // stacked plots share the x axis: title it once, below
            rect->axis(QCPAxis::atBottom)->setLabel(QString());
        }
        if (groups.size() >= 3) { // short plots: fewer y ticks, so their labels do not collide
            rect->axis(QCPAxis::atLeft)->ticker()->setTickCount(3);
        }
        auto* legend = new QCPLegend;
        rect->insetLayout()->addElement(legend, Qt::AlignTop | Qt::AlignRight);
        legend->setLayer(QStringLiteral("legend"));
        legend->setBrush(QColor(255, 255, 255, 200));
        legend->setFillOrder(QCPLayoutGrid::foColumnsFirst); // one row: hides less of the curves
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
                if (s.smoothing > 0) {
                    QColor faint = color;
                    faint.setAlpha(80);
                    raw->setPen(QPen(faint, 1, style));
                    QCPGraph* smooth =
                        plot.addGraph(rect->axis(QCPAxis::atBottom), rect->axis(QCPAxis::atLeft));
                    smooth->setData(x, smoothed(y, s.smoothing));
                    smooth->setPen(QPen(color, 2, style));
                    smooth->setName(name);
                    smooth->setProperty("cl_run", name);
                    smooth->setProperty("cl_smoothed", true);
                    smooth->addToLegend(legend);
                } else {
                    raw->setPen(QPen(color, 1.5, style));
                    raw->setName(name);
                    raw->addToLegend(legend);
                }
            }
        }
        if (!s.logY) {
            addZeroLine(plot, rect);
        }
        rect->axis(QCPAxis::atBottom)->rescale(true);
        rect->axis(QCPAxis::atLeft)->rescale(true);
        const auto old = saved.constFind(groups[g]);
        if (old != saved.constEnd()) {
            rect->axis(QCPAxis::atBottom)->setRange(old->first);
            rect->axis(QCPAxis::atLeft)->setRange(old->second);
        }
    }
    plot.setInteractions(QCP::iRangeDrag | QCP::iRangeZoom);
    plot.replot();
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
