#include "core/logs/log_reader.h"

#include "core/logs/run_builder.h"
#include "core/logs/stream_parser.h"
#include "core/logs/trainer_state_reader.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>

namespace cl::logs {

namespace fs = std::filesystem;

namespace {

constexpr std::size_t kChunk = 4u << 20;

int64_t fileSize(const std::string& path) {
    std::error_code ec;
    const auto n = fs::file_size(path, ec);
    return ec ? 0 : static_cast<int64_t>(n);
}

Status readStream(const std::string& file, Format format, RunBuilder& out, int64_t& done,
                  int64_t total, const ProgressFn& progress) {
    std::ifstream in(file, std::ios::binary);
    if (!in) {
        return Error{file + ": cannot open for reading"};
    }
    auto parser = makeStreamParser(format, fs::path(file).stem().string());
    const std::string stage = "reading " + file;
    std::string buf;
    while (true) {
        const std::size_t carry = buf.size();
        buf.resize(carry + kChunk);
        in.read(buf.data() + carry, static_cast<std::streamsize>(kChunk));
        const auto got = static_cast<std::size_t>(std::max<std::streamsize>(in.gcount(), 0));
        buf.resize(carry + got);
        const bool final = got < kChunk;
        const std::size_t used = parser->feed(buf, final, out);
        buf.erase(0, used);
        done += static_cast<int64_t>(got);
        if (!report(progress, stage, done, total)) {
            return Error{kCancelledMessage};
        }
        if (final) {
            return Ok{};
        }
    }
}

} // namespace

Result<LogRun> readLogSource(const LogSource& source, const ProgressFn& progress) {
    return catchAll([&]() -> Result<LogRun> {
        LogRun run;
        run.name = source.runName;
        run.format = source.format;
        run.path = source.files.empty() ? std::string() : source.files.front();
        int64_t total = 0;
        for (const std::string& f : source.files) {
            total += fileSize(f);
        }
        if (source.format == Format::TrainerState) {
            std::ifstream in(run.path, std::ios::binary);
            if (!in) {
                return Error{run.path + ": cannot open for reading"};
            }
            const std::string text((std::istreambuf_iterator<char>(in)),
                                   std::istreambuf_iterator<char>());
            if (!report(progress, "reading " + run.path, total / 2, total)) {
                return Error{kCancelledMessage};
            }
            if (Status st = parseTrainerState(text, run.path, run); !st) {
                return Error{st.error()};
            }
            report(progress, "reading " + run.path, total, total);
            return run;
        }
        if (!makeStreamParser(source.format)) {
            return Error{run.path + ": no reader for format '" + formatName(source.format) + "'"};
        }
        RunBuilder out(run);
        int64_t done = 0;
        for (const std::string& f : source.files) {
            if (Status st = readStream(f, source.format, out, done, total, progress); !st) {
                return Error{st.error()};
            }
        }
        attachEpochs(run);
        return run;
    });
}

Result<LogRun> readLog(const std::string& path, Format format, const ProgressFn& progress) {
    Result<LogSource> source = catchAll([&] { return resolveLogSource(path, format); });
    if (!source) {
        return Error{source.error()};
    }
    return readLogSource(source.value(), progress);
}

void attachEpochs(LogRun& run) {
    const auto epochSeries =
        std::find_if(run.series.begin(), run.series.end(), [](const Series& s) {
            return s.normalizedName == "epoch" && s.split == Split::Train && !s.empty();
        });
    if (epochSeries == run.series.end()) {
        return;
    }
    std::vector<std::pair<double, double>> map; // (step, epoch), sorted by step
    for (std::size_t i = 0; i < epochSeries->size(); ++i) {
        map.emplace_back(epochSeries->steps[i], epochSeries->values[i]);
    }
    std::sort(map.begin(), map.end());
    const double nan = std::numeric_limits<double>::quiet_NaN();
    for (Series& s : run.series) {
        if (&s == &*epochSeries || s.hasEpochs()) {
            continue;
        }
        s.epochs.resize(s.size());
        for (std::size_t i = 0; i < s.size(); ++i) {
            const double step = s.steps[i];
            const auto hi = std::lower_bound(map.begin(), map.end(), std::pair{step, -HUGE_VAL});
            if (hi != map.end() && hi->first == step) {
                s.epochs[i] = hi->second;
            } else if (hi == map.begin() || hi == map.end()) {
                s.epochs[i] = nan;
            } else {
                const auto lo = hi - 1;
                const double t = (step - lo->first) / (hi->first - lo->first);
                s.epochs[i] = lo->second + t * (hi->second - lo->second);
            }
        }
    }
}

} // namespace cl::logs
