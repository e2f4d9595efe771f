#pragma once
// Collects points into a LogRun while a parser walks a log: finds or creates the series of a key
// (with its normalised name and split) in O(1), and records warnings with a cap.

#include "core/logs/log_types.h"

#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace cl::logs {

class RunBuilder {
public:
    /// Builds into run, which must outlive the builder. Existing series are indexed, so a
    /// builder can continue a run (live reload).
    explicit RunBuilder(LogRun& run);

    /// Index of the series for key (and source), created on first use. The split and name come
    /// from normalizeMetric(key) unless forcedSplit is given.
    std::size_t seriesIndex(std::string_view key, std::string_view source = {},
                            const std::optional<Split>& forcedSplit = std::nullopt);

    /// Appends a point to the series of key.
    void add(std::string_view key, const Point& point) {
        m_run.series[seriesIndex(key)].append(point);
    }

    Series& at(std::size_t index) { return m_run.series[index]; }
    LogRun& run() { return m_run; }

    /// Records a skipped line or record: always counted, stored while under the cap.
    void skip(int64_t line, std::string message);
    /// Records a warning that skipped nothing (stored while under the cap, not counted).
    void warn(int64_t line, std::string message);

    /// Number of points added through this builder since construction or the last call.
    std::size_t takeAddedCount();

private:
    struct Hash {
        using is_transparent = void;
        std::size_t operator()(std::string_view s) const {
            return std::hash<std::string_view>{}(s);
        }
    };
    LogRun& m_run;
    std::unordered_map<std::string, std::size_t, Hash, std::equal_to<>> m_index;
    std::string m_keyBuffer;
    std::size_t m_pointsAtMark = 0;
};

} // namespace cl::logs
