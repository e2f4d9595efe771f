#pragma once
// Parsers that consume a log as a byte stream, so the same code reads a whole file and
// re-reads only the appended tail of a growing one (live reload).

#include "core/logs/log_types.h"
#include "core/logs/run_builder.h"

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>

namespace cl::logs {

/// Stateful: feed the bytes of one file in order, each call starting where the last one's
/// consumed bytes ended. Not thread-safe.
class StreamParser {
public:
    virtual ~StreamParser() = default;

    /// Parses every complete unit (line or record) at the start of data into out and returns
    /// the number of bytes consumed; the caller passes the unconsumed rest again with more data.
    /// final: no more bytes will come, so a trailing partial unit is parsed or reported.
    virtual std::size_t feed(std::string_view data, bool final, RunBuilder& out) = 0;
};

/// Splits the stream into lines ('\n', optional '\r') numbered from 1 and hands them on.
class LineParser : public StreamParser {
public:
    std::size_t feed(std::string_view data, bool final, RunBuilder& out) override;

protected:
    /// One line without its terminator. lineNo is 1-based over the whole file.
    virtual void parseLine(std::string_view line, int64_t lineNo, RunBuilder& out) = 0;

private:
    int64_t m_lineNo = 0;
};

/// The parser for a streamable format (Jsonl, Csv, TensorBoard, DpoStdout); nullptr for
/// TrainerState (a whole document) and Auto. fileStem names single-column CSV exports.
std::unique_ptr<StreamParser> makeStreamParser(Format format, const std::string& fileStem = {});

} // namespace cl::logs
