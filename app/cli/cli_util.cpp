#include "app/cli/cli_util.h"

#include "app/cli/commands.h"

#include <charconv>
#include <fstream>
#include <iostream>
#include <sstream>

namespace cl::cli {

namespace {

std::string trim(const std::string& s) {
    const auto b = s.find_first_not_of(" \t");
    if (b == std::string::npos) {
        return {};
    }
    const auto e = s.find_last_not_of(" \t");
    return s.substr(b, e - b + 1);
}

} // namespace

std::vector<int64_t> parseIdList(const std::string& text, const std::string& option) {
    std::vector<int64_t> ids;
    std::stringstream ss(text);
    std::string item;
    while (std::getline(ss, item, ',')) {
        const std::string t = trim(item);
        int64_t v = 0;
        const auto [ptr, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
        if (t.empty() || ec != std::errc() || ptr != t.data() + t.size() || v < 0) {
            throw CliError(option + ": '" + t + "' is not a non-negative integer id");
        }
        ids.push_back(v);
    }
    if (ids.empty()) {
        throw CliError(option + ": expected a comma-separated list of ids, got nothing");
    }
    return ids;
}

std::vector<int> parseIntList(const std::string& text, const std::string& option) {
    std::vector<int> out;
    for (int64_t v : parseIdList(text, option)) {
        if (v <= 0 || v > 1'000'000) {
            throw CliError(option + ": " + std::to_string(v) + " is not a positive integer");
        }
        out.push_back(static_cast<int>(v));
    }
    return out;
}

std::string readFile(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        throw CliError("cannot open " + path);
    }
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

void writeOutput(const std::string& path, const std::string& text) {
    if (path.empty() || path == "-") {
        std::cout << text;
        std::cout.flush();
        return;
    }
    std::ofstream out(path, std::ios::binary);
    if (!out || !(out << text)) {
        throw CliError("cannot write " + path);
    }
}

} // namespace cl::cli
