#include "core/logs/log_tail.h"

#include "core/logs/log_reader.h"
#include "core/logs/run_builder.h"
#include "core/logs/stream_parser.h"
#include "core/logs/trainer_state_reader.h"

#include <filesystem>
#include <fstream>

namespace cl::logs {

namespace fs = std::filesystem;

LogTail::LogTail(std::string path, Format format) : m_path(std::move(path)), m_requested(format) {}

LogTail::~LogTail() = default;

void LogTail::setName(std::string name) {
    m_name = std::move(name);
    if (!m_name.empty()) {
        m_run.name = m_name;
    }
}

void LogTail::resetRun(const LogSource& src) {
    m_run = LogRun{};
    m_run.name = m_name.empty() ? src.runName : m_name;
    m_run.format = src.format;
    m_run.path = src.files.empty() ? std::string() : src.files.front();
    m_files.clear();
}

Result<TailUpdate> LogTail::poll() {
    return catchAll([&]() -> Result<TailUpdate> {
        Result<LogSource> src = resolveLogSource(m_path, m_requested);
        if (!src) {
            return Error{src.error()};
        }
        if (m_run.format != src->format) {
            resetRun(src.value());
        }
        if (src->format == Format::TrainerState) {
            return pollWhole(src.value());
        }
        return pollStream(src.value());
    });
}

Result<TailUpdate> LogTail::pollWhole(const LogSource& src) {
    const std::string& file = src.files.front();
    std::error_code ec;
    const auto size = fs::file_size(file, ec);
    const auto time = fs::last_write_time(file, ec).time_since_epoch().count();
    const std::string signature =
        file + "|" + std::to_string(size) + "|" + std::to_string(static_cast<long long>(time));
    TailUpdate update;
    if (signature == m_wholeSignature) {
        return update;
    }
    std::ifstream in(file, std::ios::binary);
    if (!in) {
        return Error{file + ": cannot open for reading"};
    }
    const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    LogRun fresh;
    fresh.name = m_name.empty() ? src.runName : m_name;
    fresh.format = src.format;
    fresh.path = file;
    if (Status st = parseTrainerState(text, file, fresh); !st) {
        // Caught mid-write: keep what we have and try again on the next poll.
        return Error{st.error()};
    }
    m_run = std::move(fresh);
    m_wholeSignature = signature;
    update.reset = true;
    update.newPoints = m_run.pointCount();
    return update;
}

Result<TailUpdate> LogTail::pollStream(const LogSource& src) {
    TailUpdate update;
    // A file that shrank was rewritten: start over.
    for (const std::string& file : src.files) {
        std::error_code ec;
        const auto it = m_files.find(file);
        if (it != m_files.end() &&
            fs::file_size(file, ec) < it->second.offset + it->second.carry.size()) {
            resetRun(src);
            update.reset = true;
            break;
        }
    }
    RunBuilder out(m_run);
    for (const std::string& file : src.files) {
        FileState& st = m_files[file];
        if (!st.parser) {
            st.parser = makeStreamParser(src.format, fs::path(file).stem().string());
        }
        std::ifstream in(file, std::ios::binary);
        if (!in) {
            return Error{file + ": cannot open for reading"};
        }
        in.seekg(static_cast<std::streamoff>(st.offset + st.carry.size()));
        // Read in chunks, so that memory stays near one chunk plus the pending unit (issue #18:
        // a TensorBoard length of gigabytes with a valid CRC was buffered without limit).
        std::string chunk(kReadChunkBytes, '\0');
        while (in) {
            in.read(chunk.data(), static_cast<std::streamsize>(chunk.size()));
            const auto got = static_cast<std::size_t>(in.gcount());
            if (got == 0) {
                break;
            }
            std::string data = std::move(st.carry);
            data.append(chunk.data(), got);
            const std::size_t used = st.parser->feed(data, /*final=*/false, out);
            st.offset += used;
            st.carry = data.substr(used);
            if (st.carry.size() > kMaxPendingBytes) {
                out.skip(0, file + ": " + std::to_string(st.carry.size()) +
                                " bytes at byte " + std::to_string(st.offset) +
                                " hold no complete line or record (over the limit of " +
                                std::to_string(kMaxPendingBytes >> 20) + " MiB); skipped");
                st.offset += st.carry.size();
                st.carry.clear();
            }
        }
    }
    update.newPoints = out.takeAddedCount();
    if (update.reset) {
        update.newPoints = m_run.pointCount();
    }
    if (update.newPoints > 0) {
        attachEpochs(m_run);
    }
    return update;
}

} // namespace cl::logs
