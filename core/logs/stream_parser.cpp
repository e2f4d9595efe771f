#include "core/logs/stream_parser.h"

#include "core/logs/csv_parser.h"
#include "core/logs/dpo_stdout_parser.h"
#include "core/logs/jsonl_parser.h"
#include "core/logs/tensorboard_parser.h"

#include <cstring>

namespace cl::logs {

std::size_t LineParser::feed(std::string_view data, bool final, RunBuilder& out) {
    std::size_t pos = 0;
    while (pos < data.size()) {
        const void* nl = std::memchr(data.data() + pos, '\n', data.size() - pos);
        std::size_t end = 0;
        std::size_t next = 0;
        if (nl) {
            end = static_cast<std::size_t>(static_cast<const char*>(nl) - data.data());
            next = end + 1;
        } else if (final) {
            end = data.size();
            next = end;
        } else {
            break; // an incomplete line: wait for the rest (live reload)
        }
        std::string_view line = data.substr(pos, end - pos);
        if (!line.empty() && line.back() == '\r') {
            line.remove_suffix(1);
        }
        parseLine(line, ++m_lineNo, out);
        pos = next;
    }
    return pos;
}

std::unique_ptr<StreamParser> makeStreamParser(Format format, const std::string& fileStem) {
    switch (format) {
    case Format::Jsonl:
        return std::make_unique<JsonlParser>();
    case Format::Csv:
        return std::make_unique<CsvParser>(fileStem);
    case Format::TensorBoard:
        return std::make_unique<TensorBoardParser>();
    case Format::DpoStdout:
        return std::make_unique<DpoStdoutParser>();
    case Format::TrainerState:
    case Format::Auto:
        break;
    }
    return nullptr;
}

} // namespace cl::logs
