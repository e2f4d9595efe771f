#include "core/logs/csv_parser.h"

#include "core/logs/jsonl_parser.h"

#include <algorithm>
#include <cctype>

namespace cl::logs {

namespace {

std::string lower(std::string_view s) {
    std::string out(s);
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return out;
}

bool endsWith(std::string_view s, std::string_view suffix) {
    return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

bool isBlank(std::string_view s) {
    return std::all_of(s.begin(), s.end(), [](char c) { return c == ' ' || c == '\t'; });
}

} // namespace

CsvParser::CsvParser(std::string fileStem) : m_fileStem(std::move(fileStem)) {}

void CsvParser::splitFields(std::string_view line) {
    m_fieldCount = 0;
    std::size_t i = 0;
    while (true) {
        if (m_fieldCount == m_fields.size()) {
            m_fields.emplace_back();
        }
        std::string& field = m_fields[m_fieldCount++];
        field.clear();
        if (i < line.size() && line[i] == '"') {
            ++i;
            while (i < line.size()) {
                if (line[i] == '"') {
                    if (i + 1 < line.size() && line[i + 1] == '"') {
                        field.push_back('"');
                        i += 2;
                        continue;
                    }
                    ++i;
                    break;
                }
                field.push_back(line[i++]);
            }
        }
        const std::size_t end = std::min(line.find(m_delimiter, i), line.size());
        field.append(line.substr(i, end - i));
        if (end >= line.size()) {
            return;
        }
        i = end + 1;
    }
}

void CsvParser::parseHeader(int64_t lineNo, RunBuilder& out) {
    m_columns.assign(m_fieldCount, Column{});
    std::vector<std::pair<std::string, std::string>> names(m_fieldCount); // (source, key)
    int valueColumns = 0;
    for (std::size_t c = 0; c < m_fieldCount; ++c) {
        const std::string name = m_fields[c];
        const std::string low = lower(name);
        Column& col = m_columns[c];
        if (low == "step" || low == "global_step" || low == "_step" || low == "current_steps" ||
            low == "counters/examples") {
            col.role = Role::Step;
            if (low == "counters/examples") {
                out.run().stepUnit = StepUnit::Examples;
            }
        } else if (low == "epoch") {
            col.role = Role::Epoch;
        } else if (low == "wall time" || low == "wall_time" || low == "_timestamp" ||
                   low == "timestamp") {
            col.role = Role::WallTime;
            out.run().absoluteWallTime = true;
        } else if (low == "_runtime" || low == "relative" || low == "elapsed_time") {
            col.role = Role::WallTime;
        } else if (!name.empty()) {
            std::string key = name;
            std::string source;
            if (const auto dash = name.rfind(" - "); dash != std::string::npos) {
                source = name.substr(0, dash); // W&B: "<run> - <key>"
                key = name.substr(dash + 3);
            }
            if (endsWith(key, "__MIN") || endsWith(key, "__MAX")) {
                col.role = endsWith(key, "__MIN") ? Role::Low : Role::High;
                key.resize(key.size() - 5);
            } else {
                col.role = Role::Value;
                ++valueColumns;
            }
            names[c] = {source, key};
        }
    }
    // Value columns get their series; band columns point at their Value column.
    for (std::size_t c = 0; c < m_fieldCount; ++c) {
        Column& col = m_columns[c];
        if (col.role == Role::Value) {
            std::string key = names[c].second;
            if (valueColumns == 1 && lower(key) == "value" && !m_fileStem.empty()) {
                key = m_fileStem; // TensorBoard CSV download: the tag is in the file name
            }
            col.series = out.seriesIndex(key, names[c].first);
        }
    }
    for (std::size_t c = 0; c < m_fieldCount; ++c) {
        Column& col = m_columns[c];
        if (col.role != Role::Low && col.role != Role::High) {
            continue;
        }
        const auto match = std::find_if(m_columns.begin(), m_columns.end(), [&](const Column& v) {
            const std::size_t i = static_cast<std::size_t>(&v - m_columns.data());
            return v.role == Role::Value && names[i] == names[c];
        });
        if (match == m_columns.end()) {
            out.warn(lineNo, "column '" + m_fields[c] + "' has no matching value column");
            col.role = Role::Ignored;
        } else {
            col.series = static_cast<std::size_t>(match - m_columns.begin());
        }
    }
    m_rowPoints.assign(m_fieldCount, Point{});
    m_rowHas.assign(m_fieldCount, 0);
}

void CsvParser::parseLine(std::string_view line, int64_t lineNo, RunBuilder& out) {
    if (isBlank(line)) {
        return;
    }
    if (!m_haveHeader) {
        if (line.find(',') == std::string_view::npos && line.find('\t') != std::string_view::npos) {
            m_delimiter = '\t';
        }
        splitFields(line);
        parseHeader(lineNo, out);
        m_haveHeader = true;
        return;
    }
    splitFields(line);
    if (m_fieldCount != m_columns.size()) {
        out.skip(lineNo, "expected " + std::to_string(m_columns.size()) + " fields, found " +
                             std::to_string(m_fieldCount));
        return;
    }
    ++m_rows;
    Point base;
    base.step = static_cast<double>(m_rows);
    bool haveStep = false;
    std::fill(m_rowHas.begin(), m_rowHas.end(), 0);
    for (std::size_t c = 0; c < m_fieldCount; ++c) {
        const Column& col = m_columns[c];
        if (col.role == Role::Ignored || isBlank(m_fields[c])) {
            continue;
        }
        const std::optional<double> v = parseNumber(m_fields[c]);
        if (!v) {
            out.warn(lineNo,
                     "column " + std::to_string(c + 1) + ": '" + m_fields[c] + "' is not a number");
            continue;
        }
        switch (col.role) {
        case Role::Step:
            base.step = *v;
            haveStep = true;
            break;
        case Role::Epoch:
            base.epoch = *v;
            break;
        case Role::WallTime:
            base.wallTime = *v;
            break;
        case Role::Value:
            m_rowPoints[c].value = *v;
            m_rowHas[c] = 1;
            break;
        case Role::Low:
            m_rowPoints[col.series].low = *v;
            break;
        case Role::High:
            m_rowPoints[col.series].high = *v;
            break;
        case Role::Ignored:
            break;
        }
    }
    if (!haveStep && !m_warnedNoStep) {
        m_warnedNoStep = true;
        out.warn(lineNo, "no Step column value; using the row number as the step");
    }
    for (std::size_t c = 0; c < m_fieldCount; ++c) {
        Point& p = m_rowPoints[c];
        if (m_rowHas[c]) {
            p.step = base.step;
            p.epoch = base.epoch;
            p.wallTime = base.wallTime;
            out.at(m_columns[c].series).append(p);
        }
        p = Point{};
    }
}

} // namespace cl::logs
