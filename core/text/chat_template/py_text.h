#pragma once
// Python's str semantics on UTF-8 text, for the Jinja interpreter: chat templates call
// str.strip/split/upper... and print floats and reprs, and HF renders them with CPython, so
// "whitespace", "upper case" and "repr" must mean exactly what they mean there.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace cl::jinja::py {

/// str.isspace() of one code point (29 code points, incl. U+0085 and U+00A0).
bool isSpace(char32_t c);

/// UTF-8 <-> UTF-32 (text is valid UTF-8: it comes from validated JSON or template source).
std::u32string decode(std::string_view text);
std::string encode(std::u32string_view text);

/// len(s): the number of code points.
int64_t length(std::string_view text);

/// s.strip(chars) / lstrip / rstrip; no chars = Python whitespace.
std::string strip(std::string_view s, const std::optional<std::string>& chars, bool left,
                  bool right);

/// s.split(sep, maxsplit) and s.rsplit(sep, maxsplit); no sep = runs of whitespace.
std::vector<std::string> split(std::string_view s, const std::optional<std::string>& sep,
                               int64_t maxsplit);
std::vector<std::string> rsplit(std::string_view s, const std::optional<std::string>& sep,
                                int64_t maxsplit);

/// s.splitlines(keepends): every line boundary Python knows (\v, \f, \x1c-\x1e, U+0085, ...).
std::vector<std::string> splitlines(std::string_view s, bool keepends);

/// str.upper/lower/title/capitalize/swapcase, with the full (multi-character) mappings and
/// the final-sigma rule of CPython.
std::string upper(std::string_view s);
std::string lower(std::string_view s);
std::string title(std::string_view s);
std::string capitalize(std::string_view s);
std::string swapcase(std::string_view s);

/// Character classes of str.isalpha() and friends (true only for non-empty strings).
bool isAlpha(std::string_view s);
bool isDigit(std::string_view s);
bool isDecimal(std::string_view s);
bool isAlnum(std::string_view s);
bool isSpaceStr(std::string_view s);
bool isUpper(std::string_view s);
bool isLower(std::string_view s);

/// repr(s): quotes and escapes as CPython picks them.
std::string repr(std::string_view s);

/// repr(float) / str(float): the shortest round-trip digits, 'e' notation outside [1e-4, 1e16).
std::string floatRepr(double d);

/// Code point slice s[start:stop:step] with Python's clamping (already-normalised bounds are
/// not needed: pass what the template gave, nullopt for an omitted bound).
std::string slice(std::string_view s, std::optional<int64_t> start, std::optional<int64_t> stop,
                  std::optional<int64_t> step);

/// PySlice_AdjustIndices: the clamped start, stop and step of a slice of a length-n sequence.
struct SliceBounds {
    int64_t start, stop, step;
};
SliceBounds adjustSlice(int64_t n, std::optional<int64_t> start, std::optional<int64_t> stop,
                        std::optional<int64_t> step);

/// Python slice bounds -> the list of indices it selects, for a sequence of length n.
std::vector<int64_t> sliceIndices(int64_t n, std::optional<int64_t> start,
                                  std::optional<int64_t> stop, std::optional<int64_t> step);

/// s.center(width, fill), s.ljust, s.rjust, s.zfill: width in code points.
std::string center(std::string_view s, int64_t width, char32_t fill = U' ');
std::string ljust(std::string_view s, int64_t width, char32_t fill = U' ');
std::string rjust(std::string_view s, int64_t width, char32_t fill = U' ');

/// s.find(sub) / s.rfind(sub) as a code point index, -1 when absent.
int64_t find(std::string_view s, std::string_view sub, bool fromRight);

/// s.count(sub): non-overlapping occurrences (len(s)+1 for an empty sub).
int64_t count(std::string_view s, std::string_view sub);

/// s.replace(old, new, count); count < 0 = all.
std::string replace(std::string_view s, std::string_view oldText, std::string_view newText,
                    int64_t count);

} // namespace cl::jinja::py
