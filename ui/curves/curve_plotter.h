#pragma once
// Draws training curves into a QCustomPlot: one axis rect per metric (in a grid whose columns
// follow the plot's shape) or all metrics overlaid, each titled by its metric; one color per run
// and one shared legend above the plots (outside every data area); the EMA-smoothed curve over
// the faint raw one, a y = 0 line, optional log-y, a title; x fitted to the data, y tick density
// to each plot's height. Shared by the view and the headless `creditlens plot`.
// GUI thread only (QCustomPlot).

#include "core/logs/log_types.h"
#include "ui/curves/curve_data.h"

#include <QHash>
#include <QSize>
#include <QString>
#include <QStringList>

#include <vector>

class QCustomPlot;
class QCPAxisRect;

namespace cl {

struct CurveSettings {
    QStringList metrics;    ///< metric ids or original keys, plotted in this order
    double smoothing = 0.6; ///< TensorBoard EMA weight in [0, 1); 0 = raw only
    bool logY = false;
    bool overlay = false; ///< all metrics in one plot instead of one plot each
    CurveXAxis xAxis = CurveXAxis::Step;
    QString title; ///< empty: no title row
};

class CurvePlotter {
public:
    /// Rebuilds plot from runs. keepRanges: axis ranges of metrics already shown survive (live
    /// reload must not reset the user's zoom); otherwise axes are rescaled to the data.
    static void build(QCustomPlot& plot, const std::vector<const logs::LogRun*>& runs,
                      const CurveSettings& settings, bool keepRanges);

    /// The metric plotted in an axis rect (its title), for the crosshair tooltip.
    static QString metricOf(const QCPAxisRect* rect);

    /// How many plots side by side build() lays out for `plots` metrics in a plot of `size`
    /// (issue #17: a wide, short docked view gets two or three columns).
    static int columnsFor(int plots, const QSize& size);

    /// Writes the plot as .png (pixel size `size`, `dpi` stored in the file), .svg or .pdf
    /// (size in px = points at 96 dpi). Returns false with one sentence in *error on failure.
    static bool exportFigure(QCustomPlot& plot, const QString& path, const QSize& size, int dpi,
                             QString* error = nullptr);

    /// CSV of what is plotted: run,metric,original_key,x,raw,smoothed.
    static bool exportCsv(const std::vector<const logs::LogRun*>& runs,
                          const CurveSettings& settings, const QString& path,
                          QString* error = nullptr);
};

} // namespace cl
