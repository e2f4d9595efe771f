#pragma once
// The Dataset view's figure: a histogram of margins Σr chosen − Σr rejected, bars left of 0
// (misranked pairs) in vermillion and right of it in blue, a dotted line at 0, the accuracy
// with its 95% Wilson interval as the title and the legend in a row above the axes.
// GUI thread only (QCustomPlot).

#include "ui/dataset/dataset_stats.h"

#include <QString>

#include <vector>

class QCustomPlot;

namespace cl {

class DatasetChart {
public:
    /// "accuracy 99.5% (199 / 200)\n95% Wilson interval [97.2%, 99.9%]"; "no pairs scored".
    static QString accuracyText(const AccuracyInterval& a);
    /// Rebuilds `plot` from the margins (plottables 0 and 1: the negative and positive bars).
    static void build(QCustomPlot& plot, const std::vector<double>& margins,
                      const AccuracyInterval& accuracy);
};

} // namespace cl
