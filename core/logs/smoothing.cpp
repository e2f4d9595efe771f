#include "core/logs/smoothing.h"

#include <algorithm>
#include <cmath>

namespace cl::logs {

std::vector<double> smoothEma(const std::vector<double>& values, double weight) {
    const double w = std::clamp(weight, 0.0, 0.999999);
    std::vector<double> out(values.size());
    const bool constant =
        std::all_of(values.begin(), values.end(), [&](double v) { return v == values.front(); });
    double last = 0;
    int numAccum = 0;
    for (std::size_t i = 0; i < values.size(); ++i) {
        const double v = values[i];
        if (constant || !std::isfinite(v)) {
            out[i] = v;
            continue;
        }
        last = last * w + (1 - w) * v;
        ++numAccum;
        const double debias = 1 - std::pow(w, numAccum);
        out[i] = last / debias;
    }
    return out;
}

double llamaFactoryWeight(std::size_t n) {
    const double x = 0.05 * static_cast<double>(n);
    return 1.8 * (1 / (1 + std::exp(-x)) - 0.5);
}

} // namespace cl::logs
