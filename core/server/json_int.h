#pragma once
// Integers out of untrusted JSON (issue #16: requests a server reads, replies a client reads).
// nlohmann's get<int64_t>() wraps an unsigned beyond int64 to a negative number and get<int>()
// cuts a large one to another value; every reader of the wire format goes through this instead.

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>

namespace cl::server {

/// v as an integer in [lo, hi]; nullopt for anything else (not an integer, an unsigned beyond
/// int64, out of range).
inline std::optional<int64_t> intIn(const nlohmann::json& v, int64_t lo, int64_t hi) {
    if (!v.is_number_integer() ||
        (v.is_number_unsigned() && v.get<uint64_t>() > static_cast<uint64_t>(INT64_MAX))) {
        return std::nullopt;
    }
    const int64_t x = v.get<int64_t>();
    return x >= lo && x <= hi ? std::optional<int64_t>(x) : std::nullopt;
}

} // namespace cl::server
