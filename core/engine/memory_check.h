#pragma once
// Refusing a load that would not fit (issue #19 item 2): the estimate of what a model or a pair
// will hold resident, against the memory this process can still get, so a model too large for
// the machine is one sentence instead of a machine swapping to a halt. Std types only.

#include "core/common/result.h"
#include "core/engine/model_info.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace cl {

struct AvailableMemory {
    int64_t bytes = 0;
    std::string source; ///< "MemAvailable", "the cgroup limit" or "CREDITLENS_MEMORY_AVAILABLE"
};

/// What this process can still allocate without swapping: /proc/meminfo's MemAvailable, lowered
/// to the cgroup's memory.max minus its usage when that is smaller. CREDITLENS_MEMORY_AVAILABLE
/// (bytes, or a number with K/M/G) overrides both, for tests and for users who know better.
/// nullopt when none can be read.
std::optional<AvailableMemory> availableMemory();

/// "1.4 GB", "12.3 MB" (one decimal, powers of 10 as disk sizes are), or "1000 bytes".
std::string formatBytes(int64_t bytes);

/// The models' estimate and its parts, e.g. "about 1.2 GB in f32 (weights 1.0 GB, KV cache for
/// 2048 tokens and activations 0.2 GB)".
std::string describeEstimate(const std::vector<ModelInfo>& models);

/// What the command line offers when a load does not fit (LoadOptions::memoryAdvice's default).
inline constexpr char kCliMemoryAdvice[] =
    "load them in bf16 (--dtype bf16) or on a GPU (--device cuda), free memory, or skip this "
    "check (--no-memory-check) to try anyway";

/// options.memoryAdvice, or the command line's when it is empty.
inline std::string adviceOf(const LoadOptions& options) {
    return options.memoryAdvice.empty() ? std::string(kCliMemoryAdvice) : options.memoryAdvice;
}

/// Ok when the models' estimates fit in availableMemory() (or it is unknown, or the device is a
/// GPU); else the sentence naming both numbers and then `advice`, the ways out the front end
/// offers. subject: "the policy and reference need", "the model needs"...
Status checkMemoryFor(const std::vector<ModelInfo>& models, const std::string& subject,
                      const std::string& advice = kCliMemoryAdvice);

} // namespace cl
