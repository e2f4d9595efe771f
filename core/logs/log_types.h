#pragma once
// Plain data returned by the training-log readers: a run is a set of named series of points.
// Torch-free and Qt-free; cheap to move, safe to copy between threads.

#include "core/common/warning.h"

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace cl::logs {

/// Log file formats the readers understand. Auto means "detect from the name and content".
enum class Format { Auto, TrainerState, Jsonl, Csv, TensorBoard, DpoStdout };

/// Which part of training a series belongs to.
enum class Split {
    Train,   ///< logged during training
    Eval,    ///< evaluation (`eval_`, `eval/`, `rewards_eval/`, `loss/eval` ...)
    Summary, ///< end-of-training summary (train_runtime, total_flos, train_loss ...)
};

/// What a point's step counts.
enum class StepUnit {
    Steps,    ///< optimizer steps (HF Trainer, TRL, LLaMA-Factory, TensorBoard)
    Examples, ///< training examples seen (the DPO reference code, `counters/examples`)
};

/// One logged value. Optional fields are absent when the log does not carry them.
struct Point {
    double step = 0; ///< integral for every format read so far
    double value = 0;
    std::optional<double> epoch;    ///< fractional epoch
    std::optional<double> wallTime; ///< seconds; absolute (Unix) or since start, see LogRun
    std::optional<double> low;      ///< band minimum (W&B `__MIN` column)
    std::optional<double> high;     ///< band maximum (W&B `__MAX` column)
};

/// One metric of one run, stored column-wise (a 1e6-line log holds millions of points).
/// Contract: steps.size() == values.size(); epochs, wallTimes, lows and highs are each either
/// empty (never known) or of the same size, with NaN where unknown for that point.
struct Series {
    std::string originalKey;    ///< the key exactly as in the log, e.g. "eval_rewards/chosen"
    std::string normalizedName; ///< the concept name, e.g. "rewards/chosen" (see metric_names.h)
    Split split = Split::Train;
    std::string source; ///< sub-run inside a multi-run file (W&B CSV), else empty
    std::vector<double> steps;
    std::vector<double> values;
    std::vector<double> epochs;
    std::vector<double> wallTimes;
    std::vector<double> lows;
    std::vector<double> highs;

    std::size_t size() const { return steps.size(); }
    bool empty() const { return steps.empty(); }
    bool hasEpochs() const { return !epochs.empty(); }
    bool hasWallTimes() const { return !wallTimes.empty(); }
    bool hasBand() const { return !lows.empty() || !highs.empty(); }

    /// The i-th point with its optional fields filled where known. i < size().
    Point point(std::size_t i) const;
    /// Appends p, growing the optional columns (NaN-padded) the first time they are needed.
    void append(const Point& p);
    /// Removes every point (keeps the names).
    void clear();
};

/// Everything read from one log (one file, or one output folder).
struct LogRun {
    std::string name; ///< display name: the output folder or the file's stem
    std::string path; ///< the file actually read (after resolving a folder)
    Format format = Format::Auto;
    StepUnit stepUnit = StepUnit::Steps;
    bool absoluteWallTime = false; ///< wallTimes are Unix seconds (else seconds since start)
    std::vector<Series> series;
    std::vector<ParseWarning> warnings; ///< at most kMaxStoredWarnings; see skippedCount
    int64_t skippedCount = 0;           ///< malformed lines/records skipped, all of them

    /// The series with this original key (and source), or nullptr.
    const Series* find(const std::string& originalKey, const std::string& source = {}) const;
    /// Total number of points over all series.
    std::size_t pointCount() const;
};

/// Readers keep this many warnings; skippedCount keeps counting past it.
inline constexpr std::size_t kMaxStoredWarnings = 1000;

/// "trainer_state", "jsonl", "csv", "tensorboard", "dpo_stdout" ("auto" for Auto).
const char* formatName(Format format);
/// Inverse of formatName; nullopt for an unknown name.
std::optional<Format> parseFormatName(const std::string& name);
/// "train", "eval", "summary".
const char* splitName(Split split);

} // namespace cl::logs
