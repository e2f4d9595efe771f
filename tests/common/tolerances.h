#pragma once
// Every numeric tolerance of the test suite (tolerance_bounds.h, Qt-free, holds the numbers and
// their derivations) and DiffStats, which the Qt tests print with.

#include "common/tolerance_bounds.h"

#include <QDebug>
#include <QString>

#include <cmath>
#include <cstddef>

namespace cl::tol {

/// Max and mean |a − b| of paired values, printed by every numeric test.
struct DiffStats {
    double max = 0;
    double sum = 0;
    std::size_t count = 0;

    void add(double a, double b) {
        const double d = std::abs(a - b);
        // NaN never passes: it is recorded as an infinite difference.
        max = std::max(max, std::isnan(d) ? INFINITY : d);
        sum += std::isnan(d) ? INFINITY : d;
        ++count;
    }
    double mean() const { return count ? sum / static_cast<double>(count) : 0.0; }

    /// One line, e.g. "llama_gqa incremental vs full: max 1.1e-05 mean 2.3e-06 over 127 (bound 1e-04)".
    QString describe(const QString& what, double bound) const {
        return QStringLiteral("%1: max %2 mean %3 over %4 (bound %5)")
            .arg(what)
            .arg(max, 0, 'g', 3)
            .arg(mean(), 0, 'g', 3)
            .arg(count)
            .arg(bound, 0, 'g', 3);
    }
    /// Prints describe() and returns whether max is within `bound`.
    bool report(const QString& what, double bound) const {
        qInfo().noquote() << describe(what, bound);
        return max <= bound;
    }
};

} // namespace cl::tol
