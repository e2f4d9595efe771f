// parity_check: the engine on a device (cpu, cuda) against the HF fixtures (issue #19 item 5).
//
//   parity_check [--device cpu|cuda] [--dtype f32|bf16|all] [--fixtures DIR] [--no-beams]
//                [--markdown FILE]
//
// f32: per-token log-probs of every fixture model, an incremental edit through the KV cache and
// HF's greedy/beam generations, with the fixtures' calibrated bounds; bf16: compute in bf16
// against the same float64 references (bound derived in tests/common/tolerance_bounds.h).
// Prints a table; exit 0 when every check passes, 1 otherwise, 77 (CTest's skip) when the
// fixtures folder is absent. Qt-free so that it builds on a CUDA host without Qt.
#include "core/engine/runtime.h"
#include "tools/parity_check/parity_cases.h"
#include "tools/parity_check/parity_table.h"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>

namespace {

constexpr int kSkip = 77;

void usage() {
    std::fprintf(stderr, "usage: parity_check [--device cpu|cuda] [--dtype f32|bf16|all] "
                         "[--fixtures DIR] [--no-beams] [--markdown FILE]\n");
}

} // namespace

int main(int argc, char** argv) {
    cl::runtime::prepareProcess(argv);
    cl::parity::Options options;
    const char* env = std::getenv("CREDITLENS_FIXTURES");
    options.fixtures = env && *env ? env : CREDITLENS_FIXTURES_DEFAULT;
    std::string markdown;
    std::string dtype = "all";
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        const bool hasValue = i + 1 < argc;
        if (a == "--device" && hasValue) {
            options.device = argv[++i];
        } else if (a == "--dtype" && hasValue) {
            dtype = argv[++i];
        } else if (a == "--fixtures" && hasValue) {
            options.fixtures = argv[++i];
        } else if (a == "--markdown" && hasValue) {
            markdown = argv[++i];
        } else if (a == "--no-beams") {
            options.beams = false;
        } else {
            usage();
            return 2;
        }
    }
    if (dtype != "f32" && dtype != "bf16" && dtype != "all") {
        usage();
        return 2;
    }
    options.f32 = dtype != "bf16";
    options.bf16 = dtype != "f32";
    if (!std::filesystem::is_directory(options.fixtures + "/models")) {
        std::printf("SKIP: fixtures not found at %s (set CREDITLENS_FIXTURES or --fixtures)\n",
                    options.fixtures.c_str());
        return kSkip;
    }
    cl::runtime::setThreads(0);
    std::printf("parity_check: LibTorch %s, device %s, fixtures %s\n",
                cl::runtime::torchVersion().c_str(), options.device.c_str(),
                options.fixtures.c_str());
    const auto t0 = std::chrono::steady_clock::now();
    const auto rows = cl::parity::runChecks(options);
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    std::fputs(cl::parity::textTable(rows, options.device).c_str(), stdout);
    int failures = 0;
    for (const auto& r : rows) {
        failures += r.pass ? 0 : 1;
    }
    std::printf("parity_check: %zu checks, %d failing, %.1f s\n", rows.size(), failures, seconds);
    if (!markdown.empty()) {
        std::ofstream out(markdown, std::ios::trunc);
        out << cl::parity::markdownTable(rows, options.device);
    }
    return failures == 0 ? 0 : 1;
}
