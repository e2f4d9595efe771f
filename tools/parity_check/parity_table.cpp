#include "tools/parity_check/parity_table.h"

#include <cmath>
#include <cstdio>

namespace cl::parity {

namespace {

std::string number(double v) {
    if (std::isinf(v)) {
        return "inf";
    }
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.3g", v);
    return buf;
}

std::string bounds(const CheckRow& r) {
    return r.meanBound > 0 ? number(r.bound) + "; mean " + number(r.meanBound) : number(r.bound);
}

} // namespace

std::string textTable(const std::vector<CheckRow>& rows, const std::string& device) {
    std::string out;
    char line[512];
    std::snprintf(line, sizeof line, "%-52s %-6s %-5s %-16s %-9s %-9s %6s  %s\n", "check", "device",
                  "dtype", "bound (max; mean)", "max diff", "mean", "values", "pass");
    out += line;
    for (const CheckRow& r : rows) {
        std::snprintf(line, sizeof line, "%-52s %-6s %-5s %-16s %-9s %-9s %6d  %s%s%s\n",
                      r.check.c_str(), device.c_str(), r.dtype.c_str(), bounds(r).c_str(),
                      number(r.max).c_str(), number(r.mean).c_str(), r.values,
                      r.pass ? "yes" : "NO", r.note.empty() ? "" : "  ", r.note.c_str());
        out += line;
    }
    return out;
}

std::string markdownTable(const std::vector<CheckRow>& rows, const std::string& device) {
    std::string out = "| check | device | dtype | bound (max; mean) | max diff | worst mean | "
                      "values | pass | note |\n|---|---|---|---|---|---|---|---|---|\n";
    for (const CheckRow& r : rows) {
        out += "| " + r.check + " | " + device + " | " + r.dtype + " | " + bounds(r) + " | " +
               number(r.max) + " | " + number(r.mean) + " | " + std::to_string(r.values) + " | " +
               (r.pass ? "yes" : "**NO**") + " | " + r.note + " |\n";
    }
    return out;
}

} // namespace cl::parity
