#pragma once
// Parsers never stop at the first bad line: they return their results plus these warnings.

#include <cstdint>
#include <string>

namespace cl {

struct ParseWarning {
    int64_t line = 0;   ///< 1-based line (or record) number, 0 when not line-based
    std::string message;
};

} // namespace cl
