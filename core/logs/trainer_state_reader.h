#pragma once
// HF Trainer / TRL / LLaMA-Factory trainer_state.json: {"global_step": .., "log_history": [..]}.
// log_history mixes training entries, `eval_`-prefixed evaluation entries and one final
// summary entry (train_runtime, total_flos, train_loss ...); each becomes its split.

#include "core/common/result.h"
#include "core/logs/log_types.h"

#include <string>
#include <string_view>

namespace cl::logs {

/// Parses the whole document into run (series appended). Bad entries (not an object, no
/// numeric step) are skipped with a warning naming log_history[i] (warning line = i + 1).
/// Python's bare NaN / Infinity are accepted. Errors: not JSON, or no log_history array; the
/// message names path.
Status parseTrainerState(std::string_view text, const std::string& path, LogRun& run);

} // namespace cl::logs
