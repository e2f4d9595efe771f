#pragma once
// CSV logs with a header row: generic metric tables, TensorBoard's "Wall time,Step,Value"
// download, and W&B panel exports (`Step`, `<run> - <key>`, `<run> - <key>__MIN|__MAX`,
// grouped runs `Group: <name> - <key>`), whose MIN/MAX columns become the series' band.

#include "core/logs/stream_parser.h"

#include <string>
#include <vector>

namespace cl::logs {

class CsvParser : public LineParser {
public:
    /// fileStem names the metric of a single "Value" column (TensorBoard's CSV download).
    explicit CsvParser(std::string fileStem = {});

protected:
    /// The first non-blank line is the header. A row whose field count differs from the
    /// header's is skipped with a warning; an empty cell is "no point"; a non-numeric cell is
    /// warned about and left out. Quoted fields ("a,b", "say ""x""") are understood; quoted
    /// newlines are not.
    void parseLine(std::string_view line, int64_t lineNo, RunBuilder& out) override;

private:
    enum class Role { Step, Epoch, WallTime, Value, Low, High, Ignored };
    struct Column {
        Role role = Role::Ignored;
        std::size_t series = 0; ///< Value: its series; Low/High: the Value column's index
    };
    void parseHeader(int64_t lineNo, RunBuilder& out);
    void splitFields(std::string_view line);

    std::string m_fileStem;
    char m_delimiter = ',';
    bool m_haveHeader = false;
    bool m_warnedNoStep = false;
    int64_t m_rows = 0;
    std::vector<Column> m_columns;
    std::vector<std::string> m_fields;
    std::size_t m_fieldCount = 0;
    std::vector<Point> m_rowPoints; // one per Value column of the row being parsed
    std::vector<char> m_rowHas;
};

} // namespace cl::logs
