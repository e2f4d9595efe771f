#include "core/logs/log_types.h"

#include <limits>

namespace cl::logs {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

std::optional<double> at(const std::vector<double>& column, std::size_t i) {
    if (column.empty() || std::isnan(column[i])) {
        return std::nullopt;
    }
    return column[i];
}

// Pads an optional column the first time a value arrives, then keeps it aligned with steps.
void put(std::vector<double>& column, std::size_t before, const std::optional<double>& v) {
    if (v && column.size() != before) {
        column.assign(before, kNaN); // first value in this column: pad the earlier points
    }
    if (column.size() == before && (v || before > 0)) {
        column.push_back(v ? *v : kNaN);
    }
}

} // namespace

Point Series::point(std::size_t i) const {
    Point p;
    p.step = steps[i];
    p.value = values[i];
    p.epoch = at(epochs, i);
    p.wallTime = at(wallTimes, i);
    p.low = at(lows, i);
    p.high = at(highs, i);
    return p;
}

void Series::append(const Point& p) {
    const std::size_t before = steps.size();
    steps.push_back(p.step);
    values.push_back(p.value);
    // Most points carry no band and many no time: skip absent, never-seen columns cheaply.
    if (p.epoch || !epochs.empty()) {
        put(epochs, before, p.epoch);
    }
    if (p.wallTime || !wallTimes.empty()) {
        put(wallTimes, before, p.wallTime);
    }
    if (p.low || !lows.empty()) {
        put(lows, before, p.low);
    }
    if (p.high || !highs.empty()) {
        put(highs, before, p.high);
    }
}

void Series::clear() {
    steps.clear();
    values.clear();
    epochs.clear();
    wallTimes.clear();
    lows.clear();
    highs.clear();
}

const Series* LogRun::find(const std::string& originalKey, const std::string& source) const {
    for (const Series& s : series) {
        if (s.originalKey == originalKey && s.source == source) {
            return &s;
        }
    }
    return nullptr;
}

std::size_t LogRun::pointCount() const {
    std::size_t n = 0;
    for (const Series& s : series) {
        n += s.size();
    }
    return n;
}

const char* formatName(Format format) {
    switch (format) {
    case Format::Auto:
        return "auto";
    case Format::TrainerState:
        return "trainer_state";
    case Format::Jsonl:
        return "jsonl";
    case Format::Csv:
        return "csv";
    case Format::TensorBoard:
        return "tensorboard";
    case Format::DpoStdout:
        return "dpo_stdout";
    }
    return "auto";
}

std::optional<Format> parseFormatName(const std::string& name) {
    for (Format f : {Format::Auto, Format::TrainerState, Format::Jsonl, Format::Csv,
                     Format::TensorBoard, Format::DpoStdout}) {
        if (name == formatName(f)) {
            return f;
        }
    }
    return std::nullopt;
}

const char* splitName(Split split) {
    switch (split) {
    case Split::Train:
        return "train";
    case Split::Eval:
        return "eval";
    case Split::Summary:
        return "summary";
    }
    return "train";
}

} // namespace cl::logs
