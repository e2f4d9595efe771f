#pragma once
// Live reload: follows a log that is still being written and reads only what was appended.
// Line formats and TensorBoard resume from a byte offset (a half-written last line or record
// waits for the next poll); trainer_state.json is rewritten whole by the Trainer, so it is
// re-read when its size, time or chosen checkpoint changes.

#include "core/common/result.h"
#include "core/logs/log_source.h"
#include "core/logs/log_types.h"

#include <cstdint>
#include <map>
#include <memory>
#include <string>

namespace cl::logs {

class StreamParser;

/// What one poll() changed.
struct TailUpdate {
    bool reset = false;        ///< the run was re-read from scratch (rewritten or truncated)
    std::size_t newPoints = 0; ///< points added (all points after a reset)
};

class LogTail {
public:
    /// A line or record still incomplete after this many bytes (64 MiB) is skipped with a
    /// warning instead of being held until it completes; files are read 4 MiB at a time.
    static constexpr std::size_t kMaxPendingBytes = std::size_t(64) << 20;
    static constexpr std::size_t kReadChunkBytes = std::size_t(4) << 20;

    /// Nothing is read until the first poll(). format Auto detects it on the first poll.
    explicit LogTail(std::string path, Format format = Format::Auto);
    ~LogTail();
    LogTail(const LogTail&) = delete;
    LogTail& operator=(const LogTail&) = delete;

    /// Reads what changed since the last poll (the whole log the first time). A file that
    /// shrank is re-read from the start (reset). Errors as readLog; after an error the next
    /// poll tries again. Not thread-safe: one thread polls and reads run() between polls.
    Result<TailUpdate> poll();

    /// Everything read so far (series only grow between resets).
    const LogRun& run() const { return m_run; }

    /// Names the run `name` instead of what resolveLogSource says (a run found in a logdir is
    /// named by its relative path, findLogRuns); empty restores that. Call between polls.
    void setName(std::string name);

private:
    struct FileState {
        uint64_t offset = 0; // bytes handed to the parser and consumed
        std::string carry;   // read but not yet consumed (incomplete line/record)
        std::unique_ptr<StreamParser> parser;
    };
    Result<TailUpdate> pollStream(const LogSource& src);
    Result<TailUpdate> pollWhole(const LogSource& src);
    void resetRun(const LogSource& src);

    std::string m_path;
    Format m_requested;
    std::string m_name; // setName(); empty: the source's own name
    LogRun m_run;
    std::map<std::string, FileState> m_files;
    std::string m_wholeSignature; // trainer_state: path|size|mtime last read
};

} // namespace cl::logs
