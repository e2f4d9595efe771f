#include "core/engine/runtime.h"

#include <ATen/ATen.h>
#include <ATen/Parallel.h>
#include <torch/version.h>

#include <chrono>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <link.h>
#include <malloc.h>
#include <sstream>
#include <thread>
#include <unistd.h>

namespace cl::runtime {

namespace {

/// glibc serves blocks above its mmap threshold (128 KiB, rising to at most 32 MiB) with fresh
/// mmaps and trims the heap top above 2x that threshold, so every activation of a forward pass
/// (a few MiB each) came back as new zeroed pages: 20% of a full pass of the pythia-70m pair
/// was page faults (perf; issue #20). Fixed thresholds keep freed activations in the heap for
/// the next layer. Peak RSS is unchanged: it is set by the largest working set, not by reuse.
void keepFreedActivations() {
    mallopt(M_MMAP_THRESHOLD, 32 << 20); // glibc's maximum on 64-bit
    mallopt(M_TRIM_THRESHOLD, 256 << 20);
}

} // namespace

void prepareProcess(char** argv) {
    keepFreedActivations();
    if (std::getenv("GOMP_SPINCOUNT") || std::getenv("CREDITLENS_NO_REEXEC") || !argv) {
        return;
    }
    setenv("GOMP_SPINCOUNT", "0", 1);
    execv("/proc/self/exe", argv); // returns only on failure: go on with spinning threads
}

void setThreads(int n) {
    if (n <= 0) {
        if (const char* env = std::getenv("CREDITLENS_THREADS")) {
            n = std::atoi(env);
        }
    }
    if (n <= 0) {
        n = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    }
    at::set_num_threads(n);
}

int threads() {
    return at::get_num_threads();
}

std::string torchVersion() {
    return TORCH_VERSION;
}

bool cudaAvailable() {
    return at::hasCUDA();
}

std::string blasLibrary() {
    // Force LibTorch's BLAS to load, then ask the dynamic linker where libblas.so.3 came from.
    (void)at::mm(at::ones({2, 2}), at::ones({2, 2}));
    std::string found;
    dl_iterate_phdr(
        [](dl_phdr_info* info, size_t, void* data) {
            const std::string name = info->dlpi_name ? info->dlpi_name : "";
            if (name.find("libblas.so") != std::string::npos ||
                name.find("libopenblas") != std::string::npos) {
                auto* out = static_cast<std::string*>(data);
                if (out->empty()) {
                    *out = name;
                }
            }
            return 0;
        },
        &found);
    if (!found.empty()) {
        char buf[4096];
        if (realpath(found.c_str(), buf)) {
            found = buf;
        }
    }
    return found;
}

bool blasIsReference() {
    const std::string lib = blasLibrary();
    return !lib.empty() && lib.find("openblas") == std::string::npos &&
           lib.find("blis") == std::string::npos && lib.find("mkl") == std::string::npos;
}

double measureMatmulGflops() {
    c10::InferenceMode guard;
    at::Tensor a = at::randn({512, 2048});
    at::Tensor b = at::randn({2048, 2048});
    (void)at::mm(a, b); // warm-up
    double best = 1e9;
    for (int i = 0; i < 3; ++i) {
        const auto t0 = std::chrono::steady_clock::now();
        at::Tensor c = at::mm(a, b);
        const double s =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        best = std::min(best, s);
    }
    return 2.0 * 512 * 2048 * 2048 / best / 1e9;
}

bool torchSelfCheck() {
    c10::InferenceMode guard;
    at::Tensor a = at::tensor({1.0f, 2.0f, 3.0f, 4.0f}).view({2, 2});
    at::Tensor b = at::tensor({5.0f, 6.0f, 7.0f, 8.0f}).view({2, 2});
    at::Tensor c = at::mm(a, b); // [[19, 22], [43, 50]]
    const auto p = c.accessor<float, 2>();
    if (p[0][0] != 19 || p[0][1] != 22 || p[1][0] != 43 || p[1][1] != 50) {
        return false;
    }
    at::Tensor ls = at::log_softmax(at::tensor({0.0f, std::log(3.0f)}), 0); // log(1/4), log(3/4)
    return std::abs(ls[0].item<float>() - std::log(0.25f)) < 1e-6 &&
           std::abs(ls[1].item<float>() - std::log(0.75f)) < 1e-6;
}

std::string doctorReport() {
    std::ostringstream out;
    out << "creditlens " << CREDITLENS_VERSION << "\n";
    out << "libtorch " << torchVersion() << "\n";
    out << "threads " << threads() << " (hardware " << std::thread::hardware_concurrency()
        << ")\n";
    out << "cuda " << (cudaAvailable() ? "available" : "not available") << "\n";
    const std::string blas = blasLibrary();
    out << "blas " << (blas.empty() ? "(not found)" : blas) << "\n";
    out << "matmul " << static_cast<int>(measureMatmulGflops()) << " GFLOP/s (512x2048x2048 fp32)\n";
    out << "self-check " << (torchSelfCheck() ? "ok" : "FAILED") << "\n";
    if (blasIsReference()) {
        out << "WARNING: LibTorch runs on the reference BLAS (about 20x slower). Install "
               "libopenblas0-pthread: sudo apt-get install libopenblas0-pthread\n";
    }
    return out.str();
}

} // namespace cl::runtime
