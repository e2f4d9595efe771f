// creditlens-cli logs: training logs (trainer_state.json, JSONL, CSV, TensorBoard, the DPO
// reference code's stdout) to a long table, or --list the metrics found. Issue #8.
//   creditlens-cli logs --input PATH [--format auto|trainer_state|jsonl|csv|tensorboard|dpo_stdout]
//                       [--metrics a,b] --output out.csv|out.json
//   creditlens-cli logs --input PATH --list

#include "app/cli/commands.h"
#include "core/logs/log_export.h"
#include "core/logs/log_reader.h"

#include <CLI/CLI.hpp>

#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>

namespace cl::cli {

namespace {

struct LogsOptions {
    std::vector<std::string> inputs;
    std::string format = "auto";
    std::string metrics;
    std::string output;
    bool list = false;
};

std::vector<std::string> splitList(const std::string& text) {
    std::vector<std::string> out;
    std::stringstream ss(text);
    std::string item;
    while (std::getline(ss, item, ',')) {
        const auto b = item.find_first_not_of(' ');
        const auto e = item.find_last_not_of(' ');
        if (b != std::string::npos) {
            out.push_back(item.substr(b, e - b + 1));
        }
    }
    return out;
}

bool endsWith(const std::string& s, const std::string& suffix) {
    return s.size() >= suffix.size() &&
           s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

void reportWarnings(const logs::LogRun& run) {
    if (run.skippedCount == 0 && run.warnings.empty()) {
        return;
    }
    std::cerr << "creditlens-cli: " << run.path << ": skipped " << run.skippedCount
              << " malformed line(s)/record(s)\n";
    const std::size_t shown = std::min<std::size_t>(run.warnings.size(), 10);
    for (std::size_t i = 0; i < shown; ++i) {
        std::cerr << "  line " << run.warnings[i].line << ": " << run.warnings[i].message << "\n";
    }
    if (run.warnings.size() > shown) {
        std::cerr << "  ... " << (run.warnings.size() - shown) << " more\n";
    }
}

void printList(const std::vector<logs::LogRun>& runs, const std::vector<std::string>& metrics) {
    std::cout << "run\tmetric\tnormalized\tsplit\tpoints\n";
    for (const logs::LogRun& run : runs) {
        for (const logs::Series& s : run.series) {
            if (logs::seriesMatches(s, metrics)) {
                std::cout << (s.source.empty() ? run.name : s.source) << "\t" << s.originalKey
                          << "\t" << s.normalizedName << "\t" << logs::splitName(s.split) << "\t"
                          << s.size() << "\n";
            }
        }
    }
}

void runLogs(const LogsOptions& o) {
    const std::optional<logs::Format> format = logs::parseFormatName(o.format);
    if (!format) {
        throw CliError("--format: '" + o.format +
                       "' is not one of auto, trainer_state, jsonl, "
                       "csv, tensorboard, dpo_stdout");
    }
    const std::vector<std::string> metrics = splitList(o.metrics);
    std::vector<logs::LogRun> runs;
    for (const std::string& input : o.inputs) {
        Result<logs::LogRun> run = logs::readLog(input, *format);
        if (!run) {
            throw CliError(run.error());
        }
        reportWarnings(run.value());
        runs.push_back(std::move(run).value());
    }
    if (!metrics.empty()) {
        for (const std::string& m : metrics) {
            bool found = false;
            for (const logs::LogRun& run : runs) {
                for (const logs::Series& s : run.series) {
                    found = found || logs::seriesMatches(s, {m});
                }
            }
            if (!found) {
                std::cerr << "creditlens-cli: warning: metric '" << m
                          << "' not found (see --list for the names)\n";
            }
        }
    }
    if (o.list) {
        printList(runs, metrics);
        return;
    }
    const bool json = endsWith(o.output, ".json");
    if (o.output.empty() || o.output == "-") {
        json ? logs::writeLongTableJson(std::cout, runs, metrics)
             : logs::writeLongTableCsv(std::cout, runs, metrics);
        std::cout.flush();
        return;
    }
    std::ofstream out(o.output, std::ios::binary);
    if (!out) {
        throw CliError("cannot write " + o.output);
    }
    json ? logs::writeLongTableJson(out, runs, metrics)
         : logs::writeLongTableCsv(out, runs, metrics);
    if (!out.flush()) {
        throw CliError("cannot write " + o.output);
    }
}

} // namespace

void addLogsCommand(CLI::App& app) {
    auto opts = std::make_shared<LogsOptions>();
    CLI::App* cmd = app.add_subcommand(
        "logs", "Read DPO training logs into a long table run,metric,step,value[,epoch,wall_time]");
    cmd->add_option("--input", opts->inputs,
                    "Log file or training output folder (repeat for several runs)")
        ->required();
    cmd->add_option("--format", opts->format,
                    "auto|trainer_state|jsonl|csv|tensorboard|dpo_stdout (default auto)");
    cmd->add_option("--metrics", opts->metrics,
                    "Comma-separated metrics: original keys, or normalised names such as "
                    "rewards/chosen (training series)");
    cmd->add_option("--output", opts->output,
                    "out.csv or out.json (by extension); '-' or omitted: CSV on stdout");
    cmd->add_flag("--list", opts->list, "Print the metrics found with their point counts");
    cmd->callback([opts] { runLogs(*opts); });
}

} // namespace cl::cli
