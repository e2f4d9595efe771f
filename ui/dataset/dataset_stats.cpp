#include "ui/dataset/dataset_stats.h"

#include <algorithm>
#include <cmath>

namespace cl {

AccuracyInterval wilsonInterval(int correct, int pairs, double z) {
    AccuracyInterval a;
    a.correct = correct;
    a.pairs = pairs;
    if (pairs <= 0) {
        a.hi = 1.0;
        return a;
    }
    const double n = pairs;
    const double p = correct / n;
    const double z2 = z * z;
    const double centre = (p + z2 / (2 * n)) / (1 + z2 / n);
    const double half = z / (1 + z2 / n) * std::sqrt(p * (1 - p) / n + z2 / (4 * n * n));
    a.accuracy = p;
    a.lo = std::max(0.0, centre - half);
    a.hi = std::min(1.0, centre + half);
    return a;
}

MarginHistogram makeMarginHistogram(const std::vector<double>& values, int bins) {
    MarginHistogram h;
    if (values.empty() || bins < 1) {
        return h;
    }
    const auto [mn, mx] = std::minmax_element(values.begin(), values.end());
    const double lo = std::min(*mn, 0.0);
    const double hi = std::max(*mx, 0.0);
    h.width = hi > lo ? (hi - lo) / bins : 1.0;
    const long first = static_cast<long>(std::floor(lo / h.width));
    const long last = static_cast<long>(std::floor(hi / h.width)); // hi's own bin
    for (long k = first; k <= last; ++k) {
        h.lefts.push_back(k * h.width);
    }
    h.counts.assign(h.lefts.size(), 0);
    for (double v : values) {
        const long k = static_cast<long>(std::floor(v / h.width)) - first;
        h.counts[std::clamp<long>(k, 0, static_cast<long>(h.counts.size()) - 1)]++;
    }
    return h;
}

} // namespace cl
