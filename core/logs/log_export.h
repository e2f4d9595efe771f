#pragma once
// The long table of logged points (one row per point) that the CLI writes and the GUI exports:
// columns run, metric, step, value (+ epoch, wall_time when any exported series has them),
// metric = the original key.

#include "core/logs/log_types.h"

#include <ostream>
#include <string>
#include <vector>

namespace cl::logs {

/// True when metrics is empty, or names the series by its original key, or by its normalised
/// name for a training series ("rewards/chosen" picks rewards_train/chosen, not the eval one).
bool seriesMatches(const Series& series, const std::vector<std::string>& metrics);

/// Writes CSV (RFC 4180 quoting; numbers in shortest round-trip form; empty cell = unknown).
/// The run column is the series' source when it has one (W&B multi-run CSV), else run.name.
void writeLongTableCsv(std::ostream& out, const std::vector<LogRun>& runs,
                       const std::vector<std::string>& metrics = {});

/// Writes a JSON array of row objects with the same fields (NaN and inf as null).
void writeLongTableJson(std::ostream& out, const std::vector<LogRun>& runs,
                        const std::vector<std::string>& metrics = {});

/// Shortest text that reads back to exactly v ("nan", "inf", "-inf" for non-finite values).
std::string formatNumber(double v);

} // namespace cl::logs
