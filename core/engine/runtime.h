#pragma once
// Process-wide LibTorch settings and facts for `creditlens-cli doctor` and the GUI's About box.
// Std types only.

#include <string>

namespace cl::runtime {

/// Call first thing in main(). Debian's LibTorch runs its own OpenMP pool next to OpenBLAS's
/// pthread pool; with libgomp's default spin-waiting the two pools fight over the cores and a
/// one-token extend takes 100+ ms instead of 10 ms on 2 cores (measured). libgomp reads
/// GOMP_SPINCOUNT only when it loads, so when it is unset this sets GOMP_SPINCOUNT=0 and
/// re-executes the program once (set CREDITLENS_NO_REEXEC=1 to skip). It also sets glibc's malloc
/// thresholds so that freed activations are reused instead of faulted in again.
void prepareProcess(char** argv);

/// Sets LibTorch's intra-op threads. n <= 0 means the default: $CREDITLENS_THREADS if set,
/// else every core (LibTorch would otherwise start with 1 here; DESIGN.md fact 3).
void setThreads(int n);
int threads();

std::string torchVersion();
bool cudaAvailable();

/// Path of the libblas.so.3 this process resolved, and whether it is the netlib reference
/// BLAS (about 20x slower than OpenBLAS for LibTorch's matmuls).
std::string blasLibrary();
bool blasIsReference();

/// Times a 512x2048x2048 fp32 matmul; GFLOP/s.
double measureMatmulGflops();

/// A small numeric check of LibTorch (matmul and log_softmax against hand-computed values).
bool torchSelfCheck();

/// Multi-line human report (versions, threads, CUDA, BLAS with a warning when reference).
std::string doctorReport();

} // namespace cl::runtime
