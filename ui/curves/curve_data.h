#pragma once
// What the Training Curves view plots, independent of any widget: metric ids shared across
// runs, x values for the chosen axis, run colors, and the DPO summary of a run.

#include "core/logs/log_types.h"

#include <QColor>
#include <QString>
#include <QStringList>
#include <QVector>

#include <vector>

namespace cl {

/// The x-axis of the plots.
enum class CurveXAxis { Step, Epoch, RelativeTime, Examples };

/// A metric across runs: its normalised name, prefixed "eval: " for evaluation series
/// ("rewards/chosen", "eval: loss"). Summary series have no id (empty).
QString metricId(const logs::Series& series);

/// The series of run that id names: an exact original key first, else the metric id.
const logs::Series* findMetric(const logs::LogRun& run, const QString& id);

/// Metric ids over all runs, the DPO ones first (chosen, rejected, margins, accuracies), then
/// the others alphabetically.
QStringList metricIds(const std::vector<const logs::LogRun*>& runs);

/// The DPO metrics the view pre-selects.
QStringList defaultDpoMetrics();

/// x and y of a series for the axis: points without an x (no epoch, no wall time) are dropped;
/// RelativeTime is seconds since the run's first wall time; Examples uses the step when the run
/// counts examples, else the step (the log has no example counter).
void curvePoints(const logs::LogRun& run, const logs::Series& series, CurveXAxis axis,
                 QVector<double>& x, QVector<double>& y);

/// Axis title: "step", "epoch", "time since start (s)", "training examples".
QString xAxisTitle(CurveXAxis axis);

/// Run i's color (a 10-color qualitative palette, as matplotlib's tab10).
QColor runColor(int index);

/// Chosen/rejected rewards of one run over training (means of the first and last tenth).
struct DpoSummary {
    bool valid = false; ///< the run logs chosen and rejected rewards
    double chosenStart = 0, chosenEnd = 0;
    double rejectedStart = 0, rejectedEnd = 0;
    double marginStart = 0, marginEnd = 0; ///< logged, or chosen - rejected (OpenRLHF)
    double accuracyEnd = -1;               ///< -1 when not logged
    bool bothFall = false;                 ///< chosen and rejected both end lower
    bool chosenRises = false;              ///< chosen ends higher, above zero
};
DpoSummary summarizeDpo(const logs::LogRun& run);

/// One sentence on why both rewards fall (the paper's Eq. 16).
QString bothFallExplanation();
/// One sentence on when chosen rewards rise instead (the paper's Figure 3, no SFT).
QString chosenRisesExplanation();

} // namespace cl
