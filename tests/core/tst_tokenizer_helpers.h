#pragma once
// Shared bits of the tokenizer tests (issue #4): reading fixture JSON and checking spans.

#include "core/text/tokenizer.h"

#include <QString>
#include <QStringList>

#include <nlohmann/json.hpp>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace cl::test {

inline nlohmann::json readJsonFile(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream buffer;
    buffer << in.rdbuf();
    return nlohmann::json::parse(buffer.str());
}

inline void writeTextFile(const std::string& path, const std::string& text) {
    std::ofstream(path, std::ios::binary) << text;
}

template <class T> QString joined(const std::vector<T>& v) {
    QStringList parts;
    for (const T& x : v) {
        if constexpr (std::is_same_v<T, std::string>) {
            parts << QString::fromStdString(x);
        } else {
            parts << QString::number(x);
        }
    }
    return QLatin1Char('[') + parts.join(QLatin1Char(',')) + QLatin1Char(']');
}

/// Compares two lists and names the first difference ("" when equal).
template <class T> QString firstDifference(const std::vector<T>& got, const std::vector<T>& want) {
    if (got == want) {
        return {};
    }
    return QStringLiteral("got %1, want %2").arg(joined(got), joined(want));
}

/// "" when the spans are in order, do not overlap, stay inside [0, size], and (when `cover`)
/// tile the text exactly; else what is wrong.
inline QString spanProblem(const Encoding& enc, int64_t size, bool cover) {
    int64_t pos = 0;
    for (size_t i = 0; i < enc.offsets.size(); ++i) {
        const auto [b, e] = enc.offsets[i];
        if (b > e || b < 0 || e > size) {
            return QStringLiteral("token %1 has span [%2,%3) outside the text of %4 bytes")
                .arg(i)
                .arg(b)
                .arg(e)
                .arg(size);
        }
        if (b < pos || (cover && b != pos)) {
            return QStringLiteral("token %1 starts at %2, previous end %3").arg(i).arg(b).arg(pos);
        }
        pos = e;
    }
    if (cover && pos != size) {
        return QStringLiteral("spans end at %1, text has %2 bytes").arg(pos).arg(size);
    }
    return {};
}

} // namespace cl::test
