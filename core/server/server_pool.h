#pragma once
// Batch scoring spread over several servers (issue #16 item 3): one worker per policy/reference
// server pair, the lines of a JSONL file handed out as workers free up. Results come back in
// input order as soon as a line and every line before it are done, so the output is written as
// it goes. A line that fails at a server (no answer, 5xx) is tried again after a backoff,
// preferably on another server; a problem of the line itself is reported at once with its
// reason. A line that fails `attempts` times means the servers are down: the run stops with a
// sentence, what was scored stays written, and --resume (skipLines) continues. No line is
// silently dropped. Std types only.

#include "core/engine/batch_scoring.h"
#include "core/server/remote_scorer.h"

#include <functional>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace cl::server {

struct PoolOptions {
    /// (policy URL, reference URL) per server pair.
    std::vector<std::pair<std::string, std::string>> servers;
    RemoteOptions remote;
    double beta = 0.1;
    int attempts = 3;       ///< tries of a line that fails at a server
    int backoffMs = 200;    ///< before try k+1: backoffMs * 4^(k-1)
    std::set<int64_t> skipLines; ///< 1-based lines already done (--resume)
};

/// One input line's outcome, in input order.
struct LineOutcome {
    int64_t line = 0;
    std::optional<BatchLine> scored;
    std::string error; ///< why it failed (set when !scored)
};

/// Scores the file over the pool. onLine gets every non-blank, non-skipped line's outcome in
/// input order (from a worker thread, one call at a time). progress counts lines done of the
/// lines to do (false cancels: the lines in flight finish, nothing more starts). A server pair
/// that does not connect is left out with a warning (line 0). Error: the file cannot be read,
/// no server pair connects (the sentence of each), or the servers stopped answering.
Result<BatchSummary> scoreOnServers(const std::string& path, const ScoreRequest& defaults,
                                    const PoolOptions& options,
                                    const std::function<void(const LineOutcome&)>& onLine,
                                    const ProgressFn& progress = {});

/// "URL,URL,..." split at commas; a reference list of one URL serves every policy URL.
Result<std::vector<std::pair<std::string, std::string>>> serverPairs(const std::string& policies,
                                                                      const std::string& references);

} // namespace cl::server
