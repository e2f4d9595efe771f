#pragma once
// Which file(s) a user's path means, and in which format: a log file, or a training output
// folder (newest checkpoint-*/trainer_state.json or the top-level one, trainer_log.jsonl,
// TensorBoard event files under runs/...).

#include "core/common/result.h"
#include "core/logs/log_types.h"

#include <string>
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

} // namespace cl::logs
