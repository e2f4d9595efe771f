#pragma once
// Whole-dataset numbers of the Dataset view: pair accuracy with its 95% Wilson score interval
// (Wilson 1927; Agresti & Coull 1998 recommend it over the normal interval near 0 and 1, where
// a DPO model's accuracy lives), and a histogram of margins whose bins are aligned to 0, so no
// bin mixes correctly and wrongly ranked pairs. Plain functions; any thread.

#include <vector>

namespace cl {

struct AccuracyInterval {
    int correct = 0;
    int pairs = 0;
    double accuracy = 0.0; ///< correct / pairs (0 when pairs == 0)
    double lo = 0.0;       ///< Wilson interval bounds, within [0, 1]
    double hi = 0.0;
};

/// z of a two-sided 95% interval (Φ⁻¹(0.975)).
inline constexpr double kZ95 = 1.959963984540054;

/// Wilson score interval: (p + z²/2n ± z √(p(1−p)/n + z²/4n²)) / (1 + z²/n). pairs == 0 gives
/// the interval [0, 1].
AccuracyInterval wilsonInterval(int correct, int pairs, double z = kZ95);

struct MarginHistogram {
    double width = 1.0;        ///< bin width
    std::vector<double> lefts; ///< each bin's left edge; a multiple of width (0 is an edge)
    std::vector<int> counts;
};

/// About `bins` equal bins over [min(values, 0), max(values, 0)], with 0 on a bin edge; a value
/// on an edge goes to the bin on its right. Empty input gives no bins.
MarginHistogram makeMarginHistogram(const std::vector<double>& values, int bins = 30);

} // namespace cl
