#pragma once
// The width-sweep figure (the paper's Figure 2 shape): mean length of the best beam (left axis)
// and mean Σr of the best beam (right axis) against beam width, one point per width; plus its
// figure and CSV exports. Shared by SweepView and tests. GUI thread only (QCustomPlot).

#include "core/engine/beam_scoring.h"

#include <QSize>
#include <QString>

#include <vector>

class QCustomPlot;

namespace cl {

class SweepChart {
public:
    /// Graph indices of build()'s plot.
    static constexpr int kLengthGraph = 0;
    static constexpr int kRewardGraph = 1;

    /// Rebuilds `plot`: graph kLengthGraph (mean length, yAxis, from 0) and kRewardGraph
    /// (mean Σr, yAxis2, fitted to the data) with one point per row, x ticks at the widths, a
    /// dotted Σr = 0 line when 0 is in range, and the legend in a row above the axes.
    static void build(QCustomPlot& plot, const std::vector<SweepRow>& rows);

    /// Writes the plot as .png (exactly size pixels), .svg or .pdf (size in px = points at
    /// 96 dpi). False with one sentence in *error on failure or an unknown suffix.
    static bool exportFigure(QCustomPlot& plot, const QString& path, const QSize& size,
                             QString* error = nullptr);

    /// The rows as CSV with the CLI's header (creditlens-cli sweep):
    /// width,prompts,mean_length,mean_sum_logprob,mean_reward_sum,mean_reward_per_token;
    /// numbers round-trip (17 significant digits).
    static QString toCsv(const std::vector<SweepRow>& rows);
    static bool exportCsv(const std::vector<SweepRow>& rows, const QString& path,
                          QString* error = nullptr);
};

} // namespace cl
