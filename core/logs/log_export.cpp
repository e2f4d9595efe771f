#include "core/logs/log_export.h"

#include <charconv>
#include <cmath>

namespace cl::logs {

namespace {

struct Columns {
    bool epoch = false;
    bool wallTime = false;
};

Columns optionalColumns(const std::vector<LogRun>& runs, const std::vector<std::string>& metrics) {
    Columns c;
    for (const LogRun& run : runs) {
        for (const Series& s : run.series) {
            if (seriesMatches(s, metrics)) {
                c.epoch = c.epoch || s.hasEpochs();
                c.wallTime = c.wallTime || s.hasWallTimes();
            }
        }
    }
    return c;
}

std::string csvField(const std::string& s) {
    if (s.find_first_of(",\"\n\r") == std::string::npos) {
        return s;
    }
    std::string out = "\"";
    for (char c : s) {
        out += c == '"' ? std::string("\"\"") : std::string(1, c);
    }
    return out + "\"";
}

std::string jsonString(const std::string& s) {
    std::string out = "\"";
    for (unsigned char c : s) {
        if (c == '"' || c == '\\') {
            out += '\\';
            out += static_cast<char>(c);
        } else if (c < 0x20) {
            char buf[8];
            std::snprintf(buf, sizeof buf, "\\u%04x", c);
            out += buf;
        } else {
            out += static_cast<char>(c);
        }
    }
    return out + "\"";
}

std::string jsonNumber(double v) {
    return std::isfinite(v) ? formatNumber(v) : std::string("null");
}

const std::string& runOf(const LogRun& run, const Series& s) {
    return s.source.empty() ? run.name : s.source;
}

} // namespace

bool seriesMatches(const Series& series, const std::vector<std::string>& metrics) {
    if (metrics.empty()) {
        return true;
    }
    for (const std::string& m : metrics) {
        if (m == series.originalKey ||
            (m == series.normalizedName && series.split == Split::Train)) {
            return true;
        }
    }
    return false;
}

std::string formatNumber(double v) {
    if (std::isnan(v)) {
        return "nan";
    }
    if (std::isinf(v)) {
        return v > 0 ? "inf" : "-inf";
    }
    char buf[32];
    const auto [ptr, ec] = std::to_chars(buf, buf + sizeof buf, v);
    return std::string(buf, ptr);
}

void writeLongTableCsv(std::ostream& out, const std::vector<LogRun>& runs,
                       const std::vector<std::string>& metrics) {
    const Columns cols = optionalColumns(runs, metrics);
    out << "run,metric,step,value" << (cols.epoch ? ",epoch" : "")
        << (cols.wallTime ? ",wall_time" : "") << "\n";
    std::string row;
    for (const LogRun& run : runs) {
        for (const Series& s : run.series) {
            if (!seriesMatches(s, metrics)) {
                continue;
            }
            const std::string prefix =
                csvField(runOf(run, s)) + "," + csvField(s.originalKey) + ",";
            for (std::size_t i = 0; i < s.size(); ++i) {
                row = prefix;
                row += formatNumber(s.steps[i]) + "," + formatNumber(s.values[i]);
                if (cols.epoch) {
                    row += ",";
                    if (s.hasEpochs() && !std::isnan(s.epochs[i])) {
                        row += formatNumber(s.epochs[i]);
                    }
                }
                if (cols.wallTime) {
                    row += ",";
                    if (s.hasWallTimes() && !std::isnan(s.wallTimes[i])) {
                        row += formatNumber(s.wallTimes[i]);
                    }
                }
                row += "\n";
                out << row;
            }
        }
    }
}

void writeLongTableJson(std::ostream& out, const std::vector<LogRun>& runs,
                        const std::vector<std::string>& metrics) {
    out << "[";
    bool first = true;
    for (const LogRun& run : runs) {
        for (const Series& s : run.series) {
            if (!seriesMatches(s, metrics)) {
                continue;
            }
            const std::string prefix = "{\"run\":" + jsonString(runOf(run, s)) +
                                       ",\"metric\":" + jsonString(s.originalKey);
            for (std::size_t i = 0; i < s.size(); ++i) {
                out << (first ? "\n" : ",\n") << prefix << ",\"step\":" << jsonNumber(s.steps[i])
                    << ",\"value\":" << jsonNumber(s.values[i]);
                if (s.hasEpochs() && !std::isnan(s.epochs[i])) {
                    out << ",\"epoch\":" << jsonNumber(s.epochs[i]);
                }
                if (s.hasWallTimes() && !std::isnan(s.wallTimes[i])) {
                    out << ",\"wall_time\":" << jsonNumber(s.wallTimes[i]);
                }
                out << "}";
                first = false;
            }
        }
    }
    out << (first ? "]\n" : "\n]\n");
}

} // namespace cl::logs
