#include "core/logs/log_source.h"

#include <algorithm>
#include <filesystem>
#include <fstream>

namespace cl::logs {

namespace fs = std::filesystem;

namespace {

bool contains(std::string_view s, std::string_view what) {
    return s.find(what) != std::string_view::npos;
}

std::string readHead(const fs::path& file, std::size_t n) {
    std::ifstream in(file, std::ios::binary);
    std::string head(n, '\0');
    in.read(head.data(), static_cast<std::streamsize>(n));
    head.resize(static_cast<std::size_t>(std::max<std::streamsize>(in.gcount(), 0)));
    return head;
}

// checkpoint-<N>: N, or -1 for other names.
long checkpointNumber(const fs::path& dir) {
    const std::string name = dir.filename().string();
    if (name.rfind("checkpoint-", 0) != 0) {
        return -1;
    }
    try {
        return std::stol(name.substr(11));
    } catch (...) {
        return -1;
    }
}

// The run's name: the output folder for generic file names, else the file's stem.
std::string runNameFor(const fs::path& file) {
    const std::string name = file.filename().string();
    const bool generic = name == "trainer_state.json" || name == "trainer_log.jsonl" ||
                         contains(name, "tfevents") || name == "stdout.log" || name == "log.txt";
    if (!generic) {
        return file.stem().string();
    }
    fs::path dir = fs::absolute(file).parent_path();
    if (checkpointNumber(dir) >= 0 || contains(name, "tfevents")) {
        // <out>/checkpoint-N/trainer_state.json, <out>/runs/<date_host>/events...
        fs::path up = dir.parent_path();
        if (up.filename() == "runs") {
            up = up.parent_path();
        }
        if (checkpointNumber(dir) >= 0 || !up.filename().empty()) {
            dir = up;
        }
    }
    return dir.filename().string();
}

std::vector<fs::path> eventFilesNewestDir(const fs::path& root) {
    std::vector<fs::path> all;
    std::error_code ec;
    for (auto it = fs::recursive_directory_iterator(root, ec);
         !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
        if (it.depth() > 4) {
            it.disable_recursion_pending();
        }
        if (it->is_regular_file(ec) && contains(it->path().filename().string(), "tfevents")) {
            all.push_back(it->path());
        }
    }
    if (all.empty()) {
        return all;
    }
    const auto newest = std::max_element(all.begin(), all.end(), [](const auto& a, const auto& b) {
        std::error_code e;
        return fs::last_write_time(a, e) < fs::last_write_time(b, e);
    });
    const fs::path dir = newest->parent_path();
    std::vector<fs::path> files;
    std::copy_if(all.begin(), all.end(), std::back_inserter(files),
                 [&](const fs::path& p) { return p.parent_path() == dir; });
    std::sort(files.begin(), files.end());
    return files;
}

// The file an output folder means for its trainer state, or empty.
fs::path newestTrainerState(const fs::path& dir) {
    std::error_code ec;
    fs::path best;
    long bestN = -1;
    for (const auto& entry : fs::directory_iterator(dir, ec)) {
        const long n = checkpointNumber(entry.path());
        if (n > bestN && fs::is_regular_file(entry.path() / "trainer_state.json", ec)) {
            bestN = n;
            best = entry.path() / "trainer_state.json";
        }
    }
    const fs::path top = dir / "trainer_state.json";
    if (fs::is_regular_file(top, ec)) {
        // save_state() writes the top-level file at the end; a later checkpoint means it is stale.
        if (best.empty() || fs::last_write_time(top, ec) >= fs::last_write_time(best, ec)) {
            return top;
        }
    }
    return best;
}

// The first *.ext log in dir by name; preference files (pairs.jsonl) are skipped.
fs::path firstWithExtension(const fs::path& dir, const std::string& ext) {
    std::error_code ec;
    std::vector<fs::path> found;
    for (const auto& entry : fs::directory_iterator(dir, ec)) {
        if (entry.is_regular_file(ec) && entry.path().extension() == ext &&
            !isPreferenceData(readHead(entry.path(), 64 * 1024))) {
            found.push_back(entry.path());
        }
    }
    std::sort(found.begin(), found.end());
    return found.empty() ? fs::path() : found.front();
}

bool hasEventFileIn(const fs::path& dir) {
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(dir, ec)) {
        if (entry.is_regular_file(ec) && contains(entry.path().filename().string(), "tfevents")) {
            return true;
        }
    }
    return false;
}

// A log in dir itself, in any layout resolveLogSource reads (HF's runs/<date>/ event folders
// belong to their output folder).
bool holdsLog(const fs::path& dir) {
    std::error_code ec;
    if (!newestTrainerState(dir).empty() || fs::is_regular_file(dir / "trainer_log.jsonl", ec) ||
        hasEventFileIn(dir)) {
        return true;
    }
    if (fs::is_directory(dir / "runs", ec)) {
        for (const auto& entry : fs::directory_iterator(dir / "runs", ec)) {
            if (entry.is_directory(ec) && hasEventFileIn(entry.path())) {
                return true;
            }
        }
    }
    for (const char* ext : {".jsonl", ".csv", ".log"}) {
        if (!firstWithExtension(dir, ext).empty()) {
            return true;
        }
    }
    return false;
}

void collectRuns(const fs::path& root, const fs::path& dir, int depth,
                 std::vector<RunLocation>& out) {
    std::error_code ec;
    std::vector<fs::path> subdirs;
    for (const auto& entry : fs::directory_iterator(dir, ec)) {
        if (entry.is_directory(ec) && checkpointNumber(entry.path()) < 0) {
            subdirs.push_back(entry.path());
        }
    }
    std::sort(subdirs.begin(), subdirs.end());
    for (const fs::path& sub : subdirs) {
        if (holdsLog(sub)) {
            out.push_back({sub.string(), sub.lexically_relative(root).generic_string()});
        } else if (depth < 4) {
            collectRuns(root, sub, depth + 1, out);
        }
    }
}

} // namespace

bool isPreferenceData(std::string_view head) {
    const std::size_t first = head.find_first_not_of(" \t\r\n");
    if (first == std::string_view::npos || head[first] != '{') {
        return false;
    }
    const std::string_view line = head.substr(first, head.find('\n', first) - first);
    const auto key = [&](std::string_view k) {
        return line.find("\"" + std::string(k) + "\"") != std::string_view::npos;
    };
    return (key("chosen") && key("rejected")) ||
           (key("prompt") && (key("response") || key("completion"))) || key("prompt_ids");
}

Result<std::vector<RunLocation>> findLogRuns(const std::string& path) {
    std::error_code ec;
    const fs::path p(path);
    if (!fs::exists(p, ec)) {
        return Error{path + ": no such file or folder"};
    }
    if (!fs::is_directory(p, ec) || holdsLog(p)) {
        auto src = resolveLogSource(path);
        if (!src) {
            return Error{src.error()};
        }
        return std::vector<RunLocation>{{path, src->runName}};
    }
    std::vector<RunLocation> runs;
    collectRuns(p, p, 1, runs);
    if (runs.empty()) {
        return Error{path +
                     ": no training log in this folder or its subfolders; expected "
                     "trainer_state.json, checkpoint-*/trainer_state.json, trainer_log.jsonl, "
                     "events.out.tfevents.*, or a *.jsonl, *.csv or *.log log (a preference "
                     "file such as pairs.jsonl is not a log)"};
    }
    return runs;
}

Format detectFormat(const std::string& fileName, std::string_view head) {
    if (contains(fileName, "tfevents")) {
        return Format::TensorBoard;
    }
    const std::size_t first = head.find_first_not_of(" \t\r\n");
    const bool object = first != std::string_view::npos && head[first] == '{';
    if (fileName == "trainer_state.json" || (object && contains(head, "\"log_history\""))) {
        return Format::TrainerState;
    }
    if (contains(head, "train stats after ") || contains(head, "eval after ")) {
        return Format::DpoStdout;
    }
    if (object) {
        return Format::Jsonl;
    }
    const std::string_view firstLine = head.substr(0, head.find('\n'));
    const bool csvName = fileName.size() > 4 && fileName.substr(fileName.size() - 4) == ".csv";
    if (csvName || contains(firstLine, ",")) {
        return Format::Csv;
    }
    return Format::Auto;
}

Result<LogSource> resolveLogSource(const std::string& path, Format format) {
    std::error_code ec;
    const fs::path p(path);
    if (!fs::exists(p, ec)) {
        return Error{path + ": no such file or folder"};
    }
    LogSource src;
    src.format = format;
    if (fs::is_directory(p, ec)) {
        src.isFolder = true;
        src.runName = fs::absolute(p).lexically_normal().filename().string();
        if (src.runName.empty()) {
            src.runName = fs::absolute(p).parent_path().filename().string();
        }
        fs::path file;
        if ((format == Format::Auto || format == Format::TrainerState) &&
            !(file = newestTrainerState(p)).empty()) {
            src.format = Format::TrainerState;
        } else if ((format == Format::Auto || format == Format::Jsonl) &&
                   fs::is_regular_file(p / "trainer_log.jsonl", ec)) {
            file = p / "trainer_log.jsonl";
            src.format = Format::Jsonl;
        } else if (format == Format::Auto || format == Format::TensorBoard) {
            for (const fs::path& f : eventFilesNewestDir(p)) {
                src.files.push_back(f.string());
            }
            src.format = Format::TensorBoard;
        }
        for (const char* ext : {".jsonl", ".csv", ".log"}) {
            if (src.files.empty() && file.empty()) {
                file = firstWithExtension(p, ext);
                src.format = format;
            }
        }
        if (!file.empty()) {
            src.files = {file.string()};
        }
        if (src.files.empty()) {
            return Error{path +
                         ": no training log found in this folder; expected "
                         "trainer_state.json, checkpoint-*/trainer_state.json, "
                         "trainer_log.jsonl, events.out.tfevents.*, *.jsonl, *.csv or *.log"};
        }
    } else {
        if (isPreferenceData(readHead(p, 64 * 1024))) {
            return Error{path + ": this is a preference file (prompt, chosen, rejected), not a "
                                "training log (score it with creditlens-cli score, or open it as "
                                "preference pairs)"};
        }
        src.files = {p.string()};
        src.runName = runNameFor(p);
    }
    if (src.format == Format::Auto) {
        const fs::path first(src.files.front());
        src.format = detectFormat(first.filename().string(), readHead(first, 64 * 1024));
        if (src.format == Format::Auto) {
            return Error{src.files.front() + ": cannot tell the log format from its name or "
                                             "content; pass the format explicitly"};
        }
    }
    return src;
}

} // namespace cl::logs
