#pragma once
// JSONL logs: one JSON object per line. Covers LLaMA-Factory's trainer_log.jsonl
// (current_steps, elapsed_time "H:MM:SS", lr, accuracy ...), W&B-style dumps (_step,
// _timestamp, nested objects flattened with '/') and the DPO reference code's metrics
// (counters/examples as the x-axis).

#include "core/logs/flat_json.h"
#include "core/logs/stream_parser.h"

#include <optional>
#include <string_view>

namespace cl::logs {

class JsonlParser : public LineParser {
protected:
    /// Blank lines are ignored; a line that is not one JSON object is skipped with a warning.
    /// The step is the first present of: step, global_step, current_steps, _step,
    /// train/global_step, counters/examples (then the run's StepUnit is Examples); a line with
    /// none uses its record number and the run gets one warning.
    void parseLine(std::string_view line, int64_t lineNo, RunBuilder& out) override;

private:
    enum class Role { Step, Epoch, AbsoluteTime, RelativeTime, Ignored, Metric };
    /// What the key at one position of the object means. Lines of a log repeat their keys in
    /// the same order, so classifying and looking up by position skips the hashing.
    struct Slot {
        std::string key;
        Role role = Role::Metric;
        int stepRank = 0;
        std::size_t series = 0;
        bool haveSeries = false;
    };
    Slot& slot(std::size_t i, const std::string& key);

    FlatJsonScanner m_scanner;
    std::vector<Slot> m_slots;
    std::string m_error;
    int64_t m_records = 0;
    bool m_warnedNoStep = false;
    bool m_unitDecided = false;
};

/// "H:MM:SS", "MM:SS", "1 day, 2:03:04" (Python timedelta) or plain seconds; nullopt otherwise.
std::optional<double> parseDuration(std::string_view text);

/// The whole text as a number (Python float spellings nan/inf accepted); nullopt otherwise.
std::optional<double> parseNumber(std::string_view text);

} // namespace cl::logs
