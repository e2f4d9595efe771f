#pragma once
// Which file(s) a user's path means, and in which format: a log file, or a training output
// folder (newest checkpoint-*/trainer_state.json or the top-level one, trainer_log.jsonl,
// TensorBoard event files under runs/...).

#include "core/common/result.h"
#include "core/logs/log_types.h"

#include <string>
#include <string_view>
#include <vector>

namespace cl::logs {

/// The files to read for one run.
struct LogSource {
    std::vector<std::string> files; ///< read in order into one run (several only for TensorBoard)
    Format format = Format::Auto;   ///< never Auto after resolveLogSource
    std::string runName;            ///< output folder name, or the file's stem
    bool isFolder = false;          ///< path was a folder (re-resolve it to see new files)
};

/// Resolves path (file or folder) and the format; format != Auto forces it. In a folder,
/// trainer_state.json is preferred (it has the DPO rewards), then trainer_log.jsonl, then event
/// files (those in the folder holding the newest one, by name order), then one *.jsonl, *.csv or
/// *.log. Error: path missing, folder with no known log, or content not recognised.
Result<LogSource> resolveLogSource(const std::string& path, Format format = Format::Auto);

/// Guesses a file's format from its name and its first bytes (head). Auto when unsure.
Format detectFormat(const std::string& fileName, std::string_view head);

/// True when head (a file's first bytes) is preference or scoring data, not a training log: its
/// first line is a JSON object with "chosen" and "rejected", or "prompt" and "response" (or
/// "prompt_ids"). Such files are never read as logs (issue #17).
bool isPreferenceData(std::string_view head);

/// One run found under a folder.
struct RunLocation {
    std::string path; ///< what to read (resolveLogSource / readLog / LogTail)
    std::string name; ///< its path relative to the folder given ("dpo_from_sft", "a/b")
};

/// The runs a path holds, as TensorBoard's logdir (issue #17). A file, or a folder that holds a
/// log itself (trainer_state.json or checkpoint-*/trainer_state.json, trainer_log.jsonl, event
/// files in it or under runs/, a *.jsonl / *.csv / *.log log), is one run named as
/// resolveLogSource names it. Otherwise every subfolder (up to 4 levels down) that holds a log
/// is a run named by its relative path, in path order; a run's own subfolders are not searched.
/// Error: path missing, or no log anywhere (one sentence naming what was looked for).
Result<std::vector<RunLocation>> findLogRuns(const std::string& path);

} // namespace cl::logs
