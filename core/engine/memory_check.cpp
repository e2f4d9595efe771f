#include "core/engine/memory_check.h"

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>

namespace cl {

namespace {

std::optional<int64_t> parseSize(const std::string& text) {
    char* end = nullptr;
    const double v = std::strtod(text.c_str(), &end);
    if (end == text.c_str() || v < 0) {
        return std::nullopt;
    }
    const std::string unit(end);
    const double scale = unit.empty() ? 1 : unit == "K" ? 1e3 : unit == "M" ? 1e6 : unit == "G" ? 1e9 : -1;
    if (scale < 0) {
        return std::nullopt;
    }
    return static_cast<int64_t>(v * scale);
}

std::optional<int64_t> meminfoAvailable() {
    std::ifstream in("/proc/meminfo");
    for (std::string key; in >> key;) {
        int64_t kb = 0;
        std::string unit;
        in >> kb >> unit;
        if (key == "MemAvailable:") {
            return kb * 1024;
        }
    }
    return std::nullopt;
}

/// cgroup v2: memory.max ("max" when unlimited) minus memory.current.
std::optional<int64_t> cgroupAvailable() {
    std::ifstream maxFile("/sys/fs/cgroup/memory.max"), current("/sys/fs/cgroup/memory.current");
    std::string limit;
    int64_t used = 0;
    if (!(maxFile >> limit) || limit == "max" || !(current >> used)) {
        return std::nullopt;
    }
    const auto l = parseSize(limit);
    return l ? std::optional<int64_t>(*l - used) : std::nullopt;
}

double gb(int64_t bytes) { return static_cast<double>(bytes) / 1e9; }

} // namespace

std::optional<AvailableMemory> availableMemory() {
    if (const char* env = std::getenv("CREDITLENS_MEMORY_AVAILABLE")) {
        if (const auto v = parseSize(env)) {
            return AvailableMemory{*v, "CREDITLENS_MEMORY_AVAILABLE"};
        }
    }
    const auto mem = meminfoAvailable();
    const auto group = cgroupAvailable();
    if (group && (!mem || *group < *mem)) {
        return AvailableMemory{*group, "the cgroup limit"};
    }
    if (mem) {
        return AvailableMemory{*mem, "MemAvailable"};
    }
    return std::nullopt;
}

std::string formatBytes(int64_t bytes) {
    char buf[32];
    if (bytes >= 100'000'000) {
        std::snprintf(buf, sizeof buf, "%.1f GB", gb(bytes));
    } else if (bytes >= 100'000) {
        std::snprintf(buf, sizeof buf, "%.1f MB", static_cast<double>(bytes) / 1e6);
    } else {
        std::snprintf(buf, sizeof buf, "%lld bytes", static_cast<long long>(bytes));
    }
    return buf;
}

std::string describeEstimate(const std::vector<ModelInfo>& models) {
    int64_t total = 0, weights = 0;
    for (const ModelInfo& m : models) {
        total += m.estimatedBytes;
        weights += m.weightBytes;
    }
    std::ostringstream out;
    out << "about " << formatBytes(total) << " in " << (models.empty() ? "f32" : models[0].dtype)
        << " (weights " << formatBytes(weights) << ", KV cache for 2048 tokens and activations "
        << formatBytes(total - weights) << ")";
    return out.str();
}

Status checkMemoryFor(const std::vector<ModelInfo>& models, const std::string& subject,
                      const std::string& advice) {
    int64_t needed = 0;
    for (const ModelInfo& m : models) {
        if (m.device != "cpu") {
            return Ok{}; // GPU memory is the engine's to report
        }
        needed += m.estimatedBytes;
    }
    const auto available = availableMemory();
    if (!available || needed <= available->bytes) {
        return Ok{};
    }
    return Error{subject + " " + describeEstimate(models) + ", more than the " +
                 formatBytes(available->bytes) + " this machine has available (" +
                 available->source + "); " + advice};
}

} // namespace cl
