#pragma once
// Reproducible random token ids for engine tests.

#include <cstdint>
#include <random>
#include <vector>

namespace cl::test {

inline std::vector<int32_t> randomIds(int n, int vocab, unsigned seed) {
    std::mt19937 rng(seed);
    std::uniform_int_distribution<int> d(0, vocab - 1);
    std::vector<int32_t> ids(n);
    for (auto& id : ids) {
        id = d(rng);
    }
    return ids;
}

} // namespace cl::test
