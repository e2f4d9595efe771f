#pragma once
// Facade of the training-log readers: a path (file or output folder) in, a LogRun out.
// Formats: HF/TRL/LLaMA-Factory trainer_state.json, JSONL (LLaMA-Factory trainer_log.jsonl,
// W&B-style), CSV (incl. W&B panel exports), TensorBoard event files, the DPO reference code's
// stdout. Torch-free and Qt-free.

#include "core/common/progress.h"
#include "core/common/result.h"
#include "core/logs/log_source.h"
#include "core/logs/log_types.h"

#include <string>

namespace cl::logs {

/// Reads one run. format == Auto detects it (see resolveLogSource). Malformed or truncated
/// lines/records never fail the call: they are skipped, counted in skippedCount and listed in
/// warnings with their line (record) numbers. progress gets bytes read (stage "reading <file>")
/// about every 4 MiB; returning false cancels and the call returns Error{kCancelledMessage}.
/// Errors: missing path, unknown format, unreadable file, a trainer_state.json that is not
/// JSON. Synchronous; safe to call from any thread (no shared state).
Result<LogRun> readLog(const std::string& path, Format format = Format::Auto,
                       const ProgressFn& progress = {});

/// Same, for an already resolved source.
Result<LogRun> readLogSource(const LogSource& source, const ProgressFn& progress = {});

/// When a run logs the epoch as its own series (TensorBoard's train/epoch), gives every other
/// series without epochs an epoch by step (linear between logged steps, unknown outside).
void attachEpochs(LogRun& run);

} // namespace cl::logs
