#pragma once
// The fuzzers' entry functions (issue #18), one per input format. Each feeds one input to a
// parser exactly as the application would read it from disk. The libFuzzer drivers
// (fuzz_main.cpp) and the regression test (tests/core/tst_fuzz_regressions.cpp) call the same
// function, so a crash the fuzzer found stays reproducible in the normal gcc build.
//
// Contract: an entry function returns normally for every input. A parser that reports an error
// (Result, or the exception its header documents) is fine; a crash, a sanitizer report or an
// exception that escapes the documented contract is a finding.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace cl::fuzz {

using EntryFn = void (*)(const uint8_t* data, size_t size);

struct Entry {
    const char* name;  ///< the target's name: fuzz_<name>, fuzz/regressions/<name>/
    EntryFn fn;
};

/// Every entry, in the order scripts/fuzz all runs them.
const std::vector<Entry>& entries();
/// The entry called name, or nullptr.
const Entry* findEntry(std::string_view name);

/// A private temporary folder (under $TMPDIR, else /tmp), created on first use and removed at
/// exit. Parsers that only take paths read their input from files written here.
std::string scratchDir();
/// Writes data to scratchDir()/name (replacing it) and returns the path.
std::string writeScratch(const std::string& name, const uint8_t* data, size_t size);

// The entries, grouped by the library they exercise (fuzz_entries_<lib>.cpp).
void safetensorsHeader(const uint8_t* data, size_t size);
void safetensorsIndex(const uint8_t* data, size_t size);
void configJson(const uint8_t* data, size_t size);
void pickle(const uint8_t* data, size_t size);
void tokenizerJson(const uint8_t* data, size_t size);
void spmModel(const uint8_t* data, size_t size);
void tokenizerConfig(const uint8_t* data, size_t size);
void chatTemplate(const uint8_t* data, size_t size);
void trainerState(const uint8_t* data, size_t size);
void jsonlLog(const uint8_t* data, size_t size);
void csvLog(const uint8_t* data, size_t size);
void dpoStdout(const uint8_t* data, size_t size);
void tensorboard(const uint8_t* data, size_t size);
void preferenceJsonl(const uint8_t* data, size_t size);
void session(const uint8_t* data, size_t size);
void serverRequest(const uint8_t* data, size_t size);

} // namespace cl::fuzz
