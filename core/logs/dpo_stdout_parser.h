#pragma once
// Standard output of the DPO reference code (eric-mitchell/direct-preference-optimization,
// trainers.py): `train stats after <N> examples: {...}` and `eval after <N>: {...}`, where
// {...} is a Python dict repr whose floats were formatted with "{:.5g}" (so quoted strings).
// The step is N, a count of training EXAMPLES.

#include "core/logs/stream_parser.h"

#include <string>
#include <utility>
#include <vector>

namespace cl::logs {

class DpoStdoutParser : public LineParser {
protected:
    /// Lines without either marker are other output and ignored; a marked line whose dict
    /// cannot be read (e.g. cut off) is skipped with a warning.
    void parseLine(std::string_view line, int64_t lineNo, RunBuilder& out) override;

private:
    bool parseDict(std::string_view text, std::string& error);
    std::vector<std::pair<std::string, std::string>> m_items; // (key, value text)
    bool m_unitSet = false;
};

} // namespace cl::logs
