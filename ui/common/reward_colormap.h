#pragma once
// The diverging colormap of per-token rewards: white at r = 0, blue for positive, red for
// negative (ColorBrewer RdBu, 11 classes, which ColorBrewer marks colorblind-safe). Values are
// mapped symmetrically on [-limit, +limit] and clamped outside it. Pure functions, any thread.

#include "core/engine/scoring_types.h"

#include <QColor>

#include <vector>

namespace cl {

class RewardColormap {
public:
    /// Color of `value` for the range [-limit, +limit]; limit <= 0 counts as a tiny positive.
    static QColor color(double value, double limit);

    /// Black or white, whichever reads better on `background` (WCAG relative luminance).
    static QColor textColorOn(const QColor& background);

    /// A range that covers the rewards of `scores`: max |r_t| over the text tokens (EOS only
    /// when there is nothing else; a larger EOS reward saturates), rounded up to a nice number
    /// so color bar ticks read well. Returns `fallback` when there are no tokens or all are 0.
    static double autoLimit(const std::vector<const ResponseScore*>& scores, double fallback = 1.0);

    /// The smallest nice number (1, 1.5, 2, 2.5, 3, 4, 5, 6 or 8 x 10^k) >= x, for x > 0.
    static double niceCeil(double x);
};

} // namespace cl
