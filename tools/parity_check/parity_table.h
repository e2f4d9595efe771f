#pragma once
// The checker's table: plain text for the terminal, markdown for scripts/gpu-check's report.

#include "tools/parity_check/parity_cases.h"

#include <string>
#include <vector>

namespace cl::parity {

/// Columns: check, dtype, bound (max; mean), max diff, worst mean, values, pass, note.
std::string textTable(const std::vector<CheckRow>& rows, const std::string& device);
std::string markdownTable(const std::vector<CheckRow>& rows, const std::string& device);

} // namespace cl::parity
