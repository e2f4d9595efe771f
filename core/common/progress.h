#pragma once
// Progress reporting for long core calls. Core calls are synchronous; the callback runs on the
// caller's thread and returning false cancels the call, which then returns Error{"cancelled"}.

#include <cstdint>
#include <functional>
#include <string>

namespace cl {

struct Progress {
    std::string stage;   ///< what is happening, e.g. "reading weights"
    int64_t done = 0;    ///< units done so far (bytes, tokens, steps, lines)
    int64_t total = 0;   ///< total units, 0 when unknown
};

/// Return false to cancel. May be empty (no reporting, no cancel).
using ProgressFn = std::function<bool(const Progress&)>;

/// Calls fn if set; true means "go on".
inline bool report(const ProgressFn& fn, const std::string& stage, int64_t done, int64_t total) {
    return !fn || fn(Progress{stage, done, total});
}

/// The message every cancelled call returns, so callers can tell cancel from failure.
inline const char* kCancelledMessage = "cancelled";

} // namespace cl
