// Training-log reader benchmark (issue #8: 1e6 lines must parse in under 2 s).
// Writes 1e6-line logs of each line format (TRL-like metrics) to a temp folder, reads them with
// cl::logs::readLog, and prints times with two baselines measured in the same run: a raw
// newline scan of the same bytes (the I/O floor) and nlohmann::json per line (the obvious
// implementation, on the JSONL file).
//   logs_bench [lines=1000000] [folder=/tmp]

#include "core/logs/log_reader.h"

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>

namespace {

using Clock = std::chrono::steady_clock;

double secondsSince(Clock::time_point t0) {
    return std::chrono::duration<double>(Clock::now() - t0).count();
}

std::string metricsFor(long i, const char* quote, const char* sep) {
    const double x = static_cast<double>(i);
    char buf[512];
    std::snprintf(buf, sizeof buf,
                  "%sloss%s%s%.6g, %sgrad_norm%s%s%.6g, %slearning_rate%s%s%.6g, "
                  "%srewards/chosen%s%s%.6g, %srewards/rejected%s%s%.6g, "
                  "%srewards/accuracies%s%s%.6g, %srewards/margins%s%s%.6g, "
                  "%slogps/chosen%s%s%.6g, %slogps/rejected%s%s%.6g",
                  quote, quote, sep, 0.69 - x * 1e-7, quote, quote, sep,
                  10.0 + static_cast<double>(i % 7), quote, quote, sep, 5e-7, quote, quote, sep,
                  -x * 1e-6, quote, quote, sep, -x * 2e-6, quote, quote, sep, (i % 16) / 16.0,
                  quote, quote, sep, x * 1e-6, quote, quote, sep, -300 - x * 1e-5, quote, quote,
                  sep, -310 - x * 2e-5);
    return buf;
}

void writeJsonl(const std::string& path, long n) {
    std::ofstream out(path);
    for (long i = 0; i < n; ++i) {
        out << "{\"step\": " << i << ", \"epoch\": " << i / 1000.0 << ", "
            << metricsFor(i, "\"", ": ") << "}\n";
    }
}

void writeCsv(const std::string& path, long n) {
    std::ofstream out(path);
    out << "step,epoch,loss,rewards/chosen,rewards/rejected,rewards/margins\n";
    for (long i = 0; i < n; ++i) {
        out << i << "," << i / 1000.0 << "," << 0.69 - i * 1e-7 << "," << -i * 1e-6 << ","
            << -i * 2e-6 << "," << i * 1e-6 << "\n";
    }
}

void writeStdout(const std::string& path, long n) {
    std::ofstream out(path);
    for (long i = 0; i < n; ++i) {
        out << "train stats after " << (i + 1) * 64 << " examples: {" << metricsFor(i, "'", ": ")
            << ", 'counters/examples': " << (i + 1) * 64 << "}\n";
    }
}

double newlineScan(const std::string& path) {
    const auto t0 = Clock::now();
    std::ifstream in(path, std::ios::binary);
    std::string buf(4 << 20, '\0');
    long lines = 0;
    while (in.read(buf.data(), static_cast<std::streamsize>(buf.size())) || in.gcount() > 0) {
        for (std::streamsize i = 0; i < in.gcount(); ++i) {
            lines += buf[static_cast<std::size_t>(i)] == '\n';
        }
    }
    const double s = secondsSince(t0);
    return lines > 0 ? s : s;
}

double nlohmannPerLine(const std::string& path) {
    const auto t0 = Clock::now();
    std::ifstream in(path);
    std::string line;
    double sum = 0;
    while (std::getline(in, line)) {
        const nlohmann::json j = nlohmann::json::parse(line, nullptr, false);
        for (auto it = j.begin(); it != j.end(); ++it) {
            if (it->is_number()) {
                sum += it->get<double>();
            }
        }
    }
    const double s = secondsSince(t0);
    return sum != 0 ? s : s;
}

bool measure(const char* label, const std::string& path, cl::logs::Format f, long n) {
    const double scan = newlineScan(path);
    const auto t0 = Clock::now();
    const auto run = cl::logs::readLog(path, f);
    const double s = secondsSince(t0);
    if (!run.ok()) {
        std::cerr << label << ": " << run.error() << "\n";
        return false;
    }
    const double mb = static_cast<double>(std::filesystem::file_size(path)) / 1e6;
    std::printf("%-12s %8ld lines %7.1f MB  read %6.3f s (%5.0f MB/s, %zu points, %lld skipped)"
                "  newline-scan %5.3f s  ratio %4.1fx  %s\n",
                label, n, mb, s, mb / s, run->pointCount(),
                static_cast<long long>(run->skippedCount), scan, s / scan,
                s < 2.0 * static_cast<double>(n) / 1e6 ? "PASS(<2s/1e6)" : "FAIL(>=2s/1e6)");
    return s < 2.0 * static_cast<double>(n) / 1e6;
}

} // namespace

int main(int argc, char** argv) {
    const long n = argc > 1 ? std::stol(argv[1]) : 1000000;
    const std::filesystem::path dir =
        std::filesystem::path(argc > 2 ? argv[2] : "/tmp") / "creditlens_logs_bench";
    std::filesystem::create_directories(dir);
    const std::string jsonl = (dir / "bench.jsonl").string();
    const std::string csv = (dir / "bench.csv").string();
    const std::string log = (dir / "bench_stdout.log").string();
    writeJsonl(jsonl, n);
    writeCsv(csv, n);
    writeStdout(log, n);

    bool ok = measure("jsonl", jsonl, cl::logs::Format::Jsonl, n);
    ok = measure("csv", csv, cl::logs::Format::Csv, n) && ok;
    ok = measure("dpo_stdout", log, cl::logs::Format::DpoStdout, n) && ok;

    const auto t0 = Clock::now();
    const auto run = cl::logs::readLog(jsonl, cl::logs::Format::Jsonl);
    const double ours = secondsSince(t0);
    const double baseline = nlohmannPerLine(jsonl);
    std::printf("baseline nlohmann::json per line on the jsonl file: %.3f s; ours %.3f s; "
                "speed-up %.1fx\n",
                baseline, ours, baseline / ours);
    std::filesystem::remove_all(dir);
    return ok && run.ok() ? 0 : 1;
}
