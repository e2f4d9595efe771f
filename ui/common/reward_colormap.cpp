#include "ui/common/reward_colormap.h"

#include <algorithm>
#include <array>
#include <cmath>

namespace cl {

namespace {

// ColorBrewer RdBu (11 classes), from -1 (dark red) through white-ish #f7f7f7 to +1 (dark blue).
constexpr std::array<QRgb, 11> kStops = {0x67001f, 0xb2182b, 0xd6604d, 0xf4a582, 0xfddbc7, 0xf7f7f7,
                                         0xd1e5f0, 0x92c5de, 0x4393c3, 0x2166ac, 0x053061};

double channelLuminance(int c) {
    const double s = c / 255.0;
    return s <= 0.03928 ? s / 12.92 : std::pow((s + 0.055) / 1.055, 2.4);
}

} // namespace

QColor RewardColormap::color(double value, double limit) {
    const double l = limit > 1e-12 ? limit : 1e-12;
    double x = std::isfinite(value) ? value / l : 0.0; // [-1, 1] after clamping
    x = std::clamp(x, -1.0, 1.0);
    const double pos = (x + 1.0) * 0.5 * (kStops.size() - 1);
    const int i = std::min(static_cast<int>(pos), static_cast<int>(kStops.size()) - 2);
    const double f = pos - i;
    const QColor a(kStops[i]);
    const QColor b(kStops[i + 1]);
    auto mix = [f](int u, int v) { return static_cast<int>(std::lround(u + (v - u) * f)); };
    return QColor(mix(a.red(), b.red()), mix(a.green(), b.green()), mix(a.blue(), b.blue()));
}

QColor RewardColormap::textColorOn(const QColor& background) {
    const double lum = 0.2126 * channelLuminance(background.red()) +
                       0.7152 * channelLuminance(background.green()) +
                       0.0722 * channelLuminance(background.blue());
    // Contrast against black is (lum + 0.05) / 0.05, against white 1.05 / (lum + 0.05).
    return (lum + 0.05) / 0.05 >= 1.05 / (lum + 0.05) ? QColor(Qt::black) : QColor(Qt::white);
}

double RewardColormap::niceCeil(double x) {
    if (!(x > 0.0) || !std::isfinite(x)) {
        return 1.0;
    }
    const double p = std::pow(10.0, std::floor(std::log10(x)));
    for (double m : {1.0, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 6.0, 8.0, 10.0}) {
        if (m * p >= x * (1.0 - 1e-12)) {
            return m * p;
        }
    }
    return 10.0 * p;
}

double RewardColormap::autoLimit(const std::vector<const ResponseScore*>& scores, double fallback) {
    // EOS often carries the largest |r| of a response (the policy learned where to stop); it
    // would wash out every other token, so it saturates instead unless it is all there is.
    double maxText = 0.0;
    double maxAll = 0.0;
    for (const ResponseScore* s : scores) {
        if (!s) {
            continue;
        }
        for (const TokenScore& t : s->tokens) {
            if (std::isfinite(t.reward)) {
                maxAll = std::max(maxAll, std::abs(t.reward));
                if (!t.isEos) {
                    maxText = std::max(maxText, std::abs(t.reward));
                }
            }
        }
    }
    const double maxAbs = maxText > 0.0 ? maxText : maxAll;
    return maxAbs > 0.0 ? niceCeil(maxAbs) : fallback;
}

} // namespace cl
