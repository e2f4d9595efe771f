#include "core/logs/jsonl_parser.h"

#include <array>
#include <charconv>
#include <cmath>
#include <limits>

namespace cl::logs {

namespace {

// In priority order; the last one counts training examples, not optimizer steps.
constexpr std::array<std::string_view, 6> kStepKeys{
    "step", "global_step", "current_steps", "_step", "train/global_step", "counters/examples"};
constexpr std::array<std::string_view, 2> kEpochKeys{"epoch", "train/epoch"};
constexpr std::array<std::string_view, 3> kAbsoluteTimeKeys{"_timestamp", "wall_time", "timestamp"};
constexpr std::array<std::string_view, 2> kRelativeTimeKeys{"elapsed_time", "_runtime"};
// Bookkeeping, not metrics (LLaMA-Factory's progress fields).
constexpr std::array<std::string_view, 3> kIgnoredKeys{"total_steps", "percentage",
                                                       "remaining_time"};

template <std::size_t N>
int indexIn(const std::array<std::string_view, N>& list, std::string_view key) {
    for (std::size_t i = 0; i < N; ++i) {
        if (list[i] == key) {
            return static_cast<int>(i);
        }
    }
    return -1;
}

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) {
        s.remove_prefix(1);
    }
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) {
        s.remove_suffix(1);
    }
    return s;
}

} // namespace

std::optional<double> parseNumber(std::string_view text) {
    text = trim(text);
    if (text.empty()) {
        return std::nullopt;
    }
    if (text == "nan" || text == "NaN") {
        return std::numeric_limits<double>::quiet_NaN();
    }
    if (text == "inf" || text == "Infinity") {
        return std::numeric_limits<double>::infinity();
    }
    if (text == "-inf" || text == "-Infinity") {
        return -std::numeric_limits<double>::infinity();
    }
    if (text.front() == '+') {
        text.remove_prefix(1);
    }
    double v = 0;
    const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (ptr != text.data() + text.size() ||
        (ec != std::errc() && ec != std::errc::result_out_of_range)) {
        return std::nullopt;
    }
    return v;
}

std::optional<double> parseDuration(std::string_view text) {
    text = trim(text);
    double days = 0;
    if (const auto comma = text.find(", "); comma != std::string_view::npos) {
        const std::string_view head = text.substr(0, comma); // "1 day" / "2 days"
        const auto space = head.find(' ');
        const auto n = parseNumber(head.substr(0, space));
        if (!n || space == std::string_view::npos) {
            return std::nullopt;
        }
        days = *n;
        text = text.substr(comma + 2);
    }
    double total = 0;
    int parts = 0;
    while (true) {
        const auto colon = text.find(':');
        const auto n = parseNumber(text.substr(0, colon));
        if (!n || ++parts > 3) {
            return std::nullopt;
        }
        total = total * 60 + *n;
        if (colon == std::string_view::npos) {
            break;
        }
        text = text.substr(colon + 1);
    }
    return days * 86400 + total;
}

JsonlParser::Slot& JsonlParser::slot(std::size_t i, const std::string& key) {
    if (i == m_slots.size()) {
        m_slots.emplace_back();
    } else if (m_slots[i].key == key) {
        return m_slots[i];
    }
    Slot& s = m_slots[i];
    s.key = key;
    s.haveSeries = false;
    s.stepRank = indexIn(kStepKeys, key);
    if (s.stepRank >= 0) {
        s.role = Role::Step;
    } else if (indexIn(kEpochKeys, key) >= 0) {
        s.role = Role::Epoch;
    } else if (indexIn(kAbsoluteTimeKeys, key) >= 0) {
        s.role = Role::AbsoluteTime;
    } else if (indexIn(kRelativeTimeKeys, key) >= 0) {
        s.role = Role::RelativeTime;
    } else if (indexIn(kIgnoredKeys, key) >= 0) {
        s.role = Role::Ignored;
    } else {
        s.role = Role::Metric;
    }
    return s;
}

void JsonlParser::parseLine(std::string_view line, int64_t lineNo, RunBuilder& out) {
    if (trim(line).empty()) {
        return;
    }
    if (!m_scanner.parse(line, m_error)) {
        out.skip(lineNo, "not a JSON object: " + m_error);
        return;
    }
    ++m_records;
    if (m_scanner.replacedSurrogates() > 0) {
        out.warn(lineNo, "an unpaired surrogate escape (\\uD800-\\uDFFF without its other half) "
                         "was replaced by U+FFFD");
    }
    // First pass: the x-axis fields.
    int stepRank = static_cast<int>(kStepKeys.size());
    double step = 0;
    Point base;
    for (std::size_t i = 0; i < m_scanner.size(); ++i) {
        const JsonField& f = m_scanner[i];
        const Slot& s = slot(i, f.key);
        if (s.role == Role::Metric || s.role == Role::Ignored) {
            continue;
        }
        std::optional<double> v;
        if (f.kind == JsonField::Kind::Number) {
            v = f.number;
        } else if (f.kind == JsonField::Kind::String) {
            v = s.role == Role::RelativeTime ? parseDuration(f.text) : parseNumber(f.text);
        }
        if (!v) {
            continue;
        }
        if (s.role == Role::Step && s.stepRank < stepRank) {
            stepRank = s.stepRank;
            step = *v;
        } else if (s.role == Role::Epoch) {
            base.epoch = *v;
        } else if (s.role == Role::AbsoluteTime) {
            base.wallTime = *v;
            out.run().absoluteWallTime = true;
        } else if (s.role == Role::RelativeTime && !out.run().absoluteWallTime) {
            base.wallTime = *v;
        }
    }
    if (stepRank == static_cast<int>(kStepKeys.size())) {
        step = static_cast<double>(m_records);
        if (!m_warnedNoStep) {
            m_warnedNoStep = true;
            out.warn(lineNo, "no step key (step, global_step, current_steps, _step, "
                             "counters/examples); using the record number as the step");
        }
    } else if (!m_unitDecided) {
        m_unitDecided = true;
        if (kStepKeys[static_cast<std::size_t>(stepRank)] == "counters/examples") {
            out.run().stepUnit = StepUnit::Examples;
        }
    }
    base.step = step;
    // Second pass: every other numeric member is a metric.
    for (std::size_t i = 0; i < m_scanner.size(); ++i) {
        const JsonField& f = m_scanner[i];
        Slot& s = m_slots[i];
        if (s.role != Role::Metric) {
            continue;
        }
        std::optional<double> v;
        if (f.kind == JsonField::Kind::Number) {
            v = f.number;
        } else if (f.kind == JsonField::Kind::String) {
            v = parseNumber(f.text);
        }
        if (v) {
            if (!s.haveSeries) {
                s.series = out.seriesIndex(f.key);
                s.haveSeries = true;
            }
            base.value = *v;
            out.at(s.series).append(base);
        }
    }
}

} // namespace cl::logs
