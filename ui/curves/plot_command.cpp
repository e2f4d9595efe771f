#include "ui/curves/plot_command.h"

#include "core/logs/log_reader.h"
#include "ui/curves/curve_plotter.h"

#include <qcustomplot.h>

#include <cstdio>

namespace cl {

namespace {

constexpr const char* kUsage =
    "usage: creditlens plot --input PATH... --metrics a,b [--smoothing 0.6] [--log-y] "
    "[--overlay] [--x step|epoch|time|examples] [--title T] [--format F] "
    "--out fig.pdf|fig.png|fig.svg [--size 1600x900] [--dpi 150]\n";

int usage(const QString& problem) {
    std::fprintf(stderr, "creditlens plot: %s\n%s", qPrintable(problem), kUsage);
    return 2;
}

struct PlotArgs {
    QStringList inputs;
    QString out;
    QString format = QStringLiteral("auto");
    QSize size{1600, 900};
    int dpi = 150;
    CurveSettings settings;
    bool metricsGiven = false;
};

// Returns an empty string on success, else the problem.
QString parse(const QStringList& args, PlotArgs& a) {
    for (int i = 0; i < args.size(); ++i) {
        const QString opt = args[i];
        const auto value = [&]() -> QString { return i + 1 < args.size() ? args[++i] : QString(); };
        bool ok = true;
        if (opt == "--input") {
            while (i + 1 < args.size() && !args[i + 1].startsWith("--")) {
                a.inputs << args[++i];
            }
        } else if (opt == "--metrics") {
            a.settings.metrics = value().split(',', Qt::SkipEmptyParts);
            for (QString& m : a.settings.metrics) {
                m = m.trimmed();
            }
            a.metricsGiven = true;
        } else if (opt == "--smoothing") {
            a.settings.smoothing = value().toDouble(&ok);
            ok = ok && a.settings.smoothing >= 0 && a.settings.smoothing < 1;
        } else if (opt == "--log-y") {
            a.settings.logY = true;
        } else if (opt == "--overlay") {
            a.settings.overlay = true;
        } else if (opt == "--x") {
            const QStringList axes{"step", "epoch", "time", "examples"};
            const int x = axes.indexOf(value());
            ok = x >= 0;
            a.settings.xAxis = CurveXAxis(std::max(x, 0));
        } else if (opt == "--title") {
            a.settings.title = value();
        } else if (opt == "--format") {
            a.format = value();
        } else if (opt == "--out") {
            a.out = value();
        } else if (opt == "--size") {
            const QStringList wh = value().split('x');
            ok = wh.size() == 2;
            a.size = ok ? QSize(wh[0].toInt(), wh[1].toInt()) : a.size;
            ok = ok && a.size.width() >= 16 && a.size.height() >= 16 && a.size.width() <= 20000 &&
                 a.size.height() <= 20000;
        } else if (opt == "--dpi") {
            a.dpi = value().toInt(&ok);
            ok = ok && a.dpi > 0 && a.dpi <= 2400;
        } else {
            return QStringLiteral("unknown option '%1'").arg(opt);
        }
        if (!ok) {
            return QStringLiteral("%1: invalid value").arg(opt);
        }
    }
    if (a.inputs.isEmpty()) {
        return QStringLiteral("--input: at least one log file or folder is required");
    }
    if (a.out.isEmpty()) {
        return QStringLiteral("--out: the figure path (.pdf, .png or .svg) is required");
    }
    return {};
}

} // namespace

int runPlotCommand(const QStringList& args) {
    PlotArgs a;
    if (const QString problem = parse(args, a); !problem.isEmpty()) {
        return usage(problem);
    }
    const std::optional<logs::Format> format = logs::parseFormatName(a.format.toStdString());
    if (!format) {
        return usage(QStringLiteral("--format: '%1' is unknown").arg(a.format));
    }
    std::vector<logs::LogRun> runs;
    for (const QString& input : a.inputs) {
        Result<logs::LogRun> run = logs::readLog(input.toStdString(), *format);
        if (!run) {
            std::fprintf(stderr, "creditlens plot: %s\n", run.error().c_str());
            return 1;
        }
        if (run->skippedCount > 0) {
            std::fprintf(stderr, "creditlens plot: %s: skipped %lld malformed line(s)\n",
                         run->path.c_str(), static_cast<long long>(run->skippedCount));
        }
        runs.push_back(std::move(run).value());
    }
    std::vector<const logs::LogRun*> pointers;
    for (const logs::LogRun& r : runs) {
        pointers.push_back(&r);
    }
    if (!a.metricsGiven) {
        const QStringList ids = metricIds(pointers);
        for (const QString& m : defaultDpoMetrics()) {
            if (ids.contains(m)) {
                a.settings.metrics << m;
            }
        }
        if (a.settings.metrics.isEmpty() && !ids.isEmpty()) {
            a.settings.metrics << (ids.contains("loss") ? QStringLiteral("loss") : ids.front());
        }
    }
    for (const QString& m : a.settings.metrics) {
        bool found = false;
        for (const logs::LogRun* r : pointers) {
            found = found || findMetric(*r, m);
        }
        if (!found) {
            std::fprintf(stderr, "creditlens plot: warning: no run logs '%s'\n", qPrintable(m));
        }
    }
    QCustomPlot plot;
    plot.resize(a.size);
    CurvePlotter::build(plot, pointers, a.settings, false);
    QString error;
    if (!CurvePlotter::exportFigure(plot, a.out, a.size, a.dpi, &error)) {
        std::fprintf(stderr, "creditlens plot: %s\n", qPrintable(error));
        return 1;
    }
    return 0;
}

} // namespace cl
