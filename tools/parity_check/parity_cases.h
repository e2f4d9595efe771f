#pragma once
// The checks of parity_check (issue #19 item 5): the engine on a device against the HF fixtures'
// references (../shared/fixtures/README.md), with the bounds of tests/common/tolerance_bounds.h.
// Qt-free and torch-free (engine facades only), so it builds on a CUDA host without Qt.

#include <string>
#include <vector>

namespace cl::parity {

struct Options {
    std::string fixtures;       ///< the fixtures folder (models/, refs/, stories260k/)
    std::string device = "cpu"; ///< LoadOptions::device
    bool f32 = true;            ///< f32 log-probs, incremental extends and beams
    bool bf16 = true;           ///< bf16 compute against the same float64 references
    bool beams = true;          ///< HF generate() runs (greedy and beam) per model
};

/// One line of the table: the largest difference of one check over its values.
struct CheckRow {
    std::string check;    ///< e.g. "llama_gqa logprobs"
    std::string dtype;    ///< compute dtype
    double bound = 0;     ///< on max
    double max = 0;       ///< largest |Δ| (infinity for a NaN or a mismatch)
    double meanBound = 0; ///< on the worst per-sequence mean (0: none)
    double mean = 0;      ///< worst per-sequence mean |Δ|
    int values = 0;       ///< numbers compared
    bool pass = false;
    std::string note; ///< why it failed, or what else was checked
};

/// Every check the options ask for, in a fixed order. A model that does not load or run gives a
/// failed row naming the error; the other rows still run.
std::vector<CheckRow> runChecks(const Options& options);

} // namespace cl::parity
