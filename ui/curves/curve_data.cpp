#include "ui/curves/curve_data.h"

#include "core/logs/metric_names.h"

#include <QSet>

#include <algorithm>
#include <cmath>

namespace cl {

QString metricId(const logs::Series& series) {
    const QString name = QString::fromStdString(series.normalizedName);
    switch (series.split) {
    case logs::Split::Train:
        return name;
    case logs::Split::Eval:
        return QStringLiteral("eval: ") + name;
    case logs::Split::Summary:
        break;
    }
    return {};
}

const logs::Series* findMetric(const logs::LogRun& run, const QString& id) {
    const std::string key = id.toStdString();
    for (const logs::Series& s : run.series) {
        if (s.originalKey == key) {
            return &s;
        }
    }
    for (const logs::Series& s : run.series) {
        if (metricId(s) == id) {
            return &s;
        }
    }
    return nullptr;
}

QStringList defaultDpoMetrics() {
    return {logs::kChosenReward, logs::kRejectedReward, logs::kMargin, logs::kAccuracy};
}

QStringList metricIds(const std::vector<const logs::LogRun*>& runs) {
    QSet<QString> seen;
    for (const logs::LogRun* run : runs) {
        for (const logs::Series& s : run->series) {
            const QString id = metricId(s);
            if (!id.isEmpty() && !s.empty()) {
                seen.insert(id);
            }
        }
    }
    QStringList first;
    for (const QString& m : defaultDpoMetrics()) {
        if (seen.remove(m)) {
            first << m;
        }
    }
    QStringList rest(seen.begin(), seen.end());
    rest.sort();
    return first + rest;
}

void curvePoints(const logs::LogRun& run, const logs::Series& s, CurveXAxis axis,
                 QVector<double>& x, QVector<double>& y) {
    x.clear();
    y.clear();
    double t0 = NAN;
    if (axis == CurveXAxis::RelativeTime) {
        for (const logs::Series& other : run.series) { // the run's start, over all series
            for (double t : other.wallTimes) {
                if (!std::isnan(t) && (std::isnan(t0) || t < t0)) {
                    t0 = t;
                }
            }
        }
        if (!run.absoluteWallTime) {
            t0 = 0; // already seconds since start (LLaMA-Factory elapsed_time)
        }
    }
    for (std::size_t i = 0; i < s.size(); ++i) {
        double xi = s.steps[i];
        if (axis == CurveXAxis::Epoch) {
            xi = s.hasEpochs() ? s.epochs[i] : NAN;
        } else if (axis == CurveXAxis::RelativeTime) {
            xi = s.hasWallTimes() ? s.wallTimes[i] - t0 : NAN;
        }
        if (!std::isnan(xi)) {
            x.push_back(xi);
            y.push_back(s.values[i]);
        }
    }
}

QString xAxisTitle(CurveXAxis axis) {
    switch (axis) {
    case CurveXAxis::Step:
        return QStringLiteral("step");
    case CurveXAxis::Epoch:
        return QStringLiteral("epoch");
    case CurveXAxis::RelativeTime:
        return QStringLiteral("time since start (s)");
    case CurveXAxis::Examples:
        return QStringLiteral("training examples");
    }
    return {};
}

QColor runColor(int index) {
    static const char* kPalette[] = {"#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd",
                                     "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"};
    return QColor(kPalette[index % 10]);
}

namespace {

// Mean of the first or last tenth of the finite values (at least one point).
double edgeMean(const std::vector<double>& v, bool last) {
    std::vector<double> finite;
    std::copy_if(v.begin(), v.end(), std::back_inserter(finite),
                 [](double d) { return std::isfinite(d); });
    if (finite.empty()) {
        return NAN;
    }
    const std::size_t n = std::max<std::size_t>(1, finite.size() / 10);
    double sum = 0;
    for (std::size_t i = 0; i < n; ++i) {
        sum += last ? finite[finite.size() - 1 - i] : finite[i];
    }
    return sum / static_cast<double>(n);
}

} // namespace

DpoSummary summarizeDpo(const logs::LogRun& run) {
    DpoSummary d;
    const logs::Series* chosen = findMetric(run, logs::kChosenReward);
    const logs::Series* rejected = findMetric(run, logs::kRejectedReward);
    if (!chosen || !rejected || chosen->size() < 2 || rejected->size() < 2) {
        return d;
    }
    d.valid = true;
    d.chosenStart = edgeMean(chosen->values, false);
    d.chosenEnd = edgeMean(chosen->values, true);
    d.rejectedStart = edgeMean(rejected->values, false);
    d.rejectedEnd = edgeMean(rejected->values, true);
    if (const logs::Series* margin = findMetric(run, logs::kMargin)) {
        d.marginStart = edgeMean(margin->values, false);
        d.marginEnd = edgeMean(margin->values, true);
    } else {
        d.marginStart = d.chosenStart - d.rejectedStart;
        d.marginEnd = d.chosenEnd - d.rejectedEnd;
    }
    if (const logs::Series* acc = findMetric(run, logs::kAccuracy)) {
        d.accuracyEnd = edgeMean(acc->values, true);
    }
    d.bothFall = d.chosenEnd < d.chosenStart && d.rejectedEnd < d.rejectedStart;
    d.chosenRises = d.chosenEnd > d.chosenStart && d.chosenEnd > 0;
    return d;
}

QString bothFallExplanation() {
    return QStringLiteral(
        "Expected when training starts from the SFT reference: chosen and rejected responses are "
        "close to samples of \u03c0_ref, and E_{y~\u03c0_ref}[\u03b2 log \u03c0_\u03b8(y)/"
        "\u03c0_ref(y)] = \u2212\u03b2\u00b7KL(\u03c0_ref \u2016 \u03c0_\u03b8) \u2264 0 (Eq. 16), "
        "so both implicit rewards fall as \u03c0_\u03b8 moves away, while the margin grows.");
}

QString chosenRisesExplanation() {
    return QStringLiteral(
        "Expected when training does not start from an SFT model: the chosen responses are "
        "unlikely under \u03c0_ref, far from its samples, so DPO can raise them while the margin "
        "grows (Figure 3 of the paper, DPO without SFT).");
}

} // namespace cl
