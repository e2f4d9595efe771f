#pragma once
// A small, allocation-free-after-warm-up scanner for one JSON object per line (JSONL logs).
// nlohmann::json builds a DOM per line, which is ~5x too slow for the 1e6-line budget; this
// only extracts the scalar members. Nested objects are flattened with '/', arrays are skipped.
// Also accepts the bare NaN, Infinity and -Infinity that Python's json.dumps writes.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace cl::logs {

/// One scalar member of the scanned object.
struct JsonField {
    enum class Kind { Number, String, Bool, Null };
    std::string key; ///< "a/b" for {"a": {"b": 1}}
    Kind kind = Kind::Null;
    double number = 0; ///< Number; Bool as 0/1
    std::string text;  ///< String, unescaped (UTF-8)
};

class FlatJsonScanner {
public:
    /// Scans text, which must hold exactly one JSON object (surrounding spaces allowed).
    /// Returns false and sets error (with the byte column) when the text is not valid.
    /// Not thread-safe; reuse one scanner per thread.
    bool parse(std::string_view text, std::string& error);

    std::size_t size() const { return m_count; }
    /// Unpaired surrogate escapes (\uD800 without its low half, or a lone low half) that the
    /// last parse() replaced by U+FFFD; the caller warns (issue #18: they were written out as
    /// invalid UTF-8).
    std::size_t replacedSurrogates() const { return m_replacedSurrogates; }
    const JsonField& operator[](std::size_t i) const { return m_fields[i]; }

private:
    bool parseObject(int depth);
    bool parseValue(int depth);
    bool parseString(std::string& out);
    bool skipArray(int depth);
    bool literal(std::string_view word);
    void skipSpace();
    bool fail(const char* what);
    JsonField& newField();

    const char* m_begin = nullptr;
    const char* m_p = nullptr;
    const char* m_end = nullptr;
    std::string* m_error = nullptr;
    std::string m_path; // key prefix of the object being scanned
    std::string m_key;
    std::string m_brackets; // skipArray's stack, kept to reuse its buffer
    std::vector<JsonField> m_fields;
    std::size_t m_count = 0;
    std::size_t m_replacedSurrogates = 0;
};

} // namespace cl::logs
