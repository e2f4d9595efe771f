#include "ui/curves/plot_command.h"

#include "core/logs/log_reader.h"
#include "core/logs/log_source.h"
#include "ui/curves/curve_plotter.h"

#include <qcustomplot.h>

#include <cstdio>

namespace cl {

namespace {

constexpr const char* kUsage =
    "usage: creditlens plot --input PATH... --metrics a,b [--smoothing 0.6] [--log-y] "
    "[--overlay] [--x step|epoch|time|examples] [--title T] [--format F] "
    "--out fig.pdf|fig.png|fig.svg [--size 1600x900] [--dpi 150]\n";

constexpr const char* kHelp =
    "\n"
    "Draws training curves into a figure, without a window.\n"
    "  --input PATH...   log files or folders. A folder holding a log is one run (an HF/TRL\n"
    "                    output folder); otherwise every subfolder holding a log is a run,\n"
    "                    named by its path (as TensorBoard's logdir). Preference files\n"
    "                    (pairs.jsonl) are never read as logs.\n"
    "  --metrics a,b     metrics to plot (default: the DPO rewards, else loss)\n"
    "  --smoothing W     TensorBoard EMA weight in [0, 1) (default 0.6)\n"
    "  --log-y           logarithmic y axes\n"
    "  --overlay         all metrics in one plot\n"
    "  --x AXIS          step, epoch, time or examples\n"
    "  --title T         a title above the plots\n"
    "  --format F        force the log format (trainer_state, jsonl, csv, tensorboard,\n"
    "                    dpo_stdout)\n"
    "  --out FILE        .pdf, .png or .svg\n"
    "  --size WxH        pixels (default 1600x900); --dpi N for PNG (default 150)\n"
    "Exit codes: 0 written, 1 a read or write failed or nothing to plot, 2 bad usage.\n";

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
        if (opt == "--help" || opt == "-h") {
            return QStringLiteral("--help");
        } else if (opt == "--input") {
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
    if (const QString problem = parse(args, a); problem == QLatin1String("--help")) {
        std::fprintf(stdout, "%s%s", kUsage, kHelp);
        return 0;
    } else if (!problem.isEmpty()) {
        return usage(problem);
    }
    const std::optional<logs::Format> format = logs::parseFormatName(a.format.toStdString());
    if (!format) {
        return usage(QStringLiteral("--format: '%1' is unknown").arg(a.format));
    }
    std::vector<logs::LogRun> runs;
    for (const QString& input : a.inputs) {
        // Issue #17: a folder of runs is read as TensorBoard reads a logdir.
        std::vector<logs::RunLocation> found{{input.toStdString(), std::string()}};
        if (*format == logs::Format::Auto) {
            Result<std::vector<logs::RunLocation>> located = logs::findLogRuns(input.toStdString());
            if (!located) {
                std::fprintf(stderr, "creditlens plot: %s\n", located.error().c_str());
                return 1;
            }
            found = std::move(located).value();
        }
        for (const logs::RunLocation& where : found) {
            Result<logs::LogRun> run = logs::readLog(where.path, *format);
            if (!run) {
                std::fprintf(stderr, "creditlens plot: %s\n", run.error().c_str());
                return 1;
            }
            if (run->skippedCount > 0) {
                std::fprintf(stderr, "creditlens plot: %s: skipped %lld malformed line(s)\n",
                             run->path.c_str(), static_cast<long long>(run->skippedCount));
            }
            if (!where.name.empty()) {
                run->name = where.name;
            }
            runs.push_back(std::move(run).value());
        }
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
    QStringList plotted;
    for (const QString& m : a.settings.metrics) {
        bool found = false;
        for (const logs::LogRun* r : pointers) {
            found = found || findMetric(*r, m);
        }
        if (!found) {
            std::fprintf(stderr, "creditlens plot: warning: no run logs '%s'\n", qPrintable(m));
        } else {
            plotted << m;
        }
    }
    if (plotted.isEmpty()) {
        // Issue #17: an empty figure with exit code 0 looked like success.
        QStringList names;
        for (const logs::LogRun* r : pointers) {
            names << QString::fromStdString(r->name);
        }
        const QStringList ids = metricIds(pointers);
        std::fprintf(stderr,
                     "creditlens plot: nothing to plot: no run (%s) logs %s; the runs log %s\n",
                     qPrintable(names.join(", ")),
                     qPrintable(a.settings.metrics.isEmpty() ? QStringLiteral("any metric")
                                                             : a.settings.metrics.join(", ")),
                     qPrintable(ids.isEmpty() ? QStringLiteral("no metric at all")
                                              : ids.mid(0, 12).join(", ") +
                                                    (ids.size() > 12 ? ", …" : "")));
        return 1;
    }
    a.settings.metrics = plotted; // no empty plot for a metric no run has
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
