#include "core/logs/run_builder.h"

#include "core/logs/metric_names.h"

namespace cl::logs {

namespace {

// Series are told apart by source and key; 0x1f cannot occur in either in practice.
void makeId(std::string& out, std::string_view key, std::string_view source) {
    out.clear();
    if (!source.empty()) {
        out.append(source);
        out.push_back('\x1f');
    }
    out.append(key);
}

} // namespace

RunBuilder::RunBuilder(LogRun& run) : m_run(run) {
    for (std::size_t i = 0; i < m_run.series.size(); ++i) {
        makeId(m_keyBuffer, m_run.series[i].originalKey, m_run.series[i].source);
        m_index.emplace(m_keyBuffer, i);
    }
    m_pointsAtMark = m_run.pointCount();
}

std::size_t RunBuilder::seriesIndex(std::string_view key, std::string_view source,
                                    const std::optional<Split>& forcedSplit) {
    std::string_view id = key;
    if (!source.empty()) {
        makeId(m_keyBuffer, key, source);
        id = m_keyBuffer;
    }
    if (auto it = m_index.find(id); it != m_index.end()) {
        return it->second;
    }
    Series s;
    s.originalKey = std::string(key);
    s.source = std::string(source);
    MetricName name = normalizeMetric(key);
    s.normalizedName = std::move(name.normalized);
    s.split = forcedSplit ? *forcedSplit : name.split;
    m_run.series.push_back(std::move(s));
    m_index.emplace(std::string(id), m_run.series.size() - 1);
    return m_run.series.size() - 1;
}

void RunBuilder::skip(int64_t line, std::string message) {
    ++m_run.skippedCount;
    warn(line, std::move(message));
}

void RunBuilder::warn(int64_t line, std::string message) {
    if (m_run.warnings.size() < kMaxStoredWarnings) {
        m_run.warnings.push_back(ParseWarning{line, std::move(message)});
    }
}

std::size_t RunBuilder::takeAddedCount() {
    const std::size_t now = m_run.pointCount();
    const std::size_t added = now - m_pointsAtMark;
    m_pointsAtMark = now;
    return added;
}

} // namespace cl::logs
