// The libFuzzer driver of one target: CL_FUZZ_TARGET names its entry (fuzz_entries.h).
#include "fuzz/fuzz_entries.h"

#include <cstdio>
#include <cstdlib>

namespace {
const cl::fuzz::Entry* g_entry = nullptr;
}

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    g_entry = cl::fuzz::findEntry(CL_FUZZ_TARGET);
    if (!g_entry) {
        std::fprintf(stderr, "no fuzz entry named %s\n", CL_FUZZ_TARGET);
        std::abort();
    }
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    g_entry->fn(data, size);
    return 0;
}
