#pragma once
// Small helpers shared by the CLI commands: id lists, JSON output, reading files.

#include <cstdint>
#include <string>
#include <vector>

namespace cl::cli {

/// Parses "1,2,3" (spaces allowed). Throws CliError naming the bad item.
std::vector<int64_t> parseIdList(const std::string& text, const std::string& option);

/// Parses "1,2,5" as positive integers. Throws CliError.
std::vector<int> parseIntList(const std::string& text, const std::string& option);

/// Reads a whole file; throws CliError naming the path.
std::string readFile(const std::string& path);

/// Writes text to path, or to stdout when path is empty or "-". Throws CliError.
void writeOutput(const std::string& path, const std::string& text);

/// Applies --threads (0 = keep the default: all cores, or CREDITLENS_THREADS). Engine binary only
/// (cli_threads.cpp).
void applyThreads(int threads);

} // namespace cl::cli
