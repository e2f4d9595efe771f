#include "core/engine/upcast_matmul.h"

#include <ATen/Parallel.h>

#include <immintrin.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>

namespace cl {

namespace {

/// Bytes of one f32 weight tile. Each tile costs a conversion and a GEMM call; 4 MiB keeps the
/// calls few (an edit of the pythia-70m pair runs ~700 tiles at 512 KiB) and stays in L3.
constexpr int64_t kTileBytes = 4 << 20;

/// CREDITLENS_UPCAST_TILE_BYTES overrides the tile: tests use a tiny one so that the small
/// fixture models run many tiles and a remainder; it is also a tuning knob.
int64_t tileBytes() {
    static const int64_t bytes = [] {
        const char* env = std::getenv("CREDITLENS_UPCAST_TILE_BYTES");
        const long long v = env ? std::atoll(env) : 0;
        return v > 0 ? static_cast<int64_t>(v) : kTileBytes;
    }();
    return bytes;
}

int64_t tileColumns(int64_t in) {
    return std::max<int64_t>(16, tileBytes() / (in * 4));
}

__attribute__((target_clones("avx2", "default"))) void widenBf16(const uint16_t* s, uint32_t* d,
                                                                int64_t n) {
    for (int64_t i = 0; i < n; ++i) {
        d[i] = static_cast<uint32_t>(s[i]) << 16;
    }
}

/// dst (contiguous f32, rows x cols) = src (bf16/f16, rows x cols, row stride srcStride). bf16 is
/// the top half of a float, so a shift converts it exactly, in a loop the compiler vectorizes;
/// LibTorch's own copy_ took most of an edit's time in many small tiles (measured).
void upcastInto(at::Tensor& dst, const at::Tensor& src) {
    if (src.scalar_type() != at::kBFloat16) {
        dst.copy_(src);
        return;
    }
    const int64_t rows = src.size(0), cols = src.size(1), stride = src.stride(0);
    const auto* in = reinterpret_cast<const uint16_t*>(src.data_ptr());
    auto* out = reinterpret_cast<uint32_t*>(dst.data_ptr());
    at::parallel_for(0, rows, std::max<int64_t>(1, 65536 / cols), [&](int64_t r0, int64_t r1) {
        for (int64_t r = r0; r < r1; ++r) {
            widenBf16(in + r * stride, out + r * cols, cols);
        }
    });
}

/// Few rows (an edit's suffix, a beam step) make the product memory-bound: a kernel that reads
/// each bf16 weight once and multiplies it into every row beats converting tiles for the BLAS
/// (the tiles' extra traffic and per-call cost made edits slower than f32, measured). AVX2+FMA
/// only, chosen at run time; other CPUs take the tiled path.
constexpr int64_t kFewRows = 16;

__attribute__((target("avx2,fma"))) inline float horizontalSum(__m256 v) {
    __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    s = _mm_add_ps(s, _mm_movehl_ps(s, s));
    s = _mm_add_ss(s, _mm_shuffle_ps(s, s, 1));
    return _mm_cvtss_f32(s);
}

/// One weight row against N (1..4) rows of x: every 8 weights are widened once (bf16 is the top
/// half of a float) and multiplied into each row's own 8-lane sum.
template <int N>
__attribute__((target("avx2,fma"))) inline void dotRows(const float* x, int64_t in,
                                                         const uint16_t* wr, float* sums) {
    __m256 acc[N];
    for (int m = 0; m < N; ++m) {
        acc[m] = _mm256_setzero_ps();
    }
    int64_t k = 0;
    for (; k + 8 <= in; k += 8) {
        const __m128i half = _mm_loadu_si128(reinterpret_cast<const __m128i*>(wr + k));
        const __m256 wf = _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_cvtepu16_epi32(half), 16));
        for (int m = 0; m < N; ++m) {
            acc[m] = _mm256_fmadd_ps(_mm256_loadu_ps(x + m * in + k), wf, acc[m]);
        }
    }
    for (int m = 0; m < N; ++m) {
        float sum = horizontalSum(acc[m]);
        for (int64_t t = k; t < in; ++t) {
            const uint32_t bits = static_cast<uint32_t>(wr[t]) << 16;
            float wf;
            std::memcpy(&wf, &bits, 4);
            sum += x[m * in + t] * wf;
        }
        sums[m] = sum;
    }
}

__attribute__((target("avx2,fma"))) void bf16FewRows(const float* x, int64_t rows, int64_t in,
                                                     const uint16_t* w, int64_t o0, int64_t o1,
                                                     float* y, int64_t out, const float* bias) {
    for (int64_t o = o0; o < o1; ++o) {
        const uint16_t* wr = w + o * in;
        float sums[4];
        for (int64_t m = 0; m < rows; m += 4) {
            const int64_t n = std::min<int64_t>(4, rows - m);
            switch (n) {
            case 4: dotRows<4>(x + m * in, in, wr, sums); break;
            case 3: dotRows<3>(x + m * in, in, wr, sums); break;
            case 2: dotRows<2>(x + m * in, in, wr, sums); break;
            default: dotRows<1>(x + m * in, in, wr, sums); break;
            }
            for (int64_t r = 0; r < n; ++r) {
                y[(m + r) * out + o] = bias ? bias[o] + sums[r] : sums[r];
            }
        }
    }
}

/// x's shape with its last dimension `out`: the shape of its product with an out x in weight.
std::vector<int64_t> productShape(const at::Tensor& x, int64_t out) {
    std::vector<int64_t> shape = x.sizes().vec();
    shape.back() = out;
    return shape;
}

bool hasAvx2Fma() {
    static const bool yes = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    return yes;
}

} // namespace

at::Tensor upcastLinear(const at::Tensor& x, const at::Tensor& w, const at::Tensor& b) {
    if (!x.is_cpu() || !w.is_cpu()) {
        // The kernels below read host memory. Weights are kept as stored only on the CPU
        // (CausalLm::load), so this is a safety net: a device converts the weight itself.
        const at::Tensor wc = w.to(x.scalar_type());
        return b.defined() ? at::linear(x, wc, b.to(x.scalar_type())) : at::linear(x, wc);
    }
    const int64_t out = w.size(0), in = w.size(1);
    const at::Tensor x2 = x.reshape({-1, in}).contiguous();
    const int64_t rows = x2.size(0);
    if (rows <= kFewRows && w.scalar_type() == at::kBFloat16 && w.is_contiguous() &&
        x2.scalar_type() == at::kFloat && hasAvx2Fma()) {
        at::Tensor y = at::empty({rows, out}, x.options());
        const at::Tensor bias = b.defined() ? b.to(at::kFloat).contiguous() : at::Tensor();
        const auto* wp = reinterpret_cast<const uint16_t*>(w.data_ptr());
        at::parallel_for(0, out, 64, [&](int64_t o0, int64_t o1) {
            bf16FewRows(x2.data_ptr<float>(), rows, in, wp, o0, o1, y.data_ptr<float>(), out,
                        bias.defined() ? bias.data_ptr<float>() : nullptr);
        });
        return y.view(productShape(x, out));
    }
    // A fresh output even for one row: b.to(float).expand({1, out}).contiguous() was the float32
    // bias itself, and addmm_ then added every product into the model's bias (a second one-token
    // step of an f16 checkpoint went wrong; parity_check's beams found it, issue #19 item 5).
    at::Tensor y = at::empty({rows, out}, x.options());
    if (b.defined()) {
        y.copy_(b.expand({rows, out}));
    }
    const int64_t tile = std::min(out, tileColumns(in));
    at::Tensor scratch = at::empty({tile, in}, x.options());
    for (int64_t o = 0; o < out; o += tile) {
        const int64_t n = std::min(tile, out - o);
        at::Tensor wt = scratch.narrow(0, 0, n);
        upcastInto(wt, w.narrow(0, o, n));
        at::Tensor yt = y.narrow(1, o, n); // row-major with the full row as its stride: no copy
        if (b.defined()) {
            yt.addmm_(x2, wt.t()); // at::linear's addmm: bias + product in one accumulation
        } else {
            at::mm_out(yt, x2, wt.t());
        }
    }
    return y.view(productShape(x, out));
}

at::Tensor upcastConv1d(const at::Tensor& x, const at::Tensor& w, const at::Tensor& b) {
    if (!x.is_cpu() || !w.is_cpu()) { // as in upcastLinear: host kernels only
        const at::Tensor y = at::matmul(x, w.to(x.scalar_type()));
        return b.defined() ? y + b.to(x.scalar_type()) : y;
    }
    const int64_t in = w.size(0), out = w.size(1);
    const at::Tensor x2 = x.reshape({-1, in}).contiguous();
    at::Tensor y = at::empty({x2.size(0), out}, x.options());
    const int64_t tile = std::min(out, tileColumns(in));
    at::Tensor scratch = at::empty({in, tile}, x.options());
    for (int64_t o = 0; o < out; o += tile) {
        const int64_t n = std::min(tile, out - o);
        at::Tensor wt = n == tile ? scratch : at::empty({in, n}, x.options());
        wt.copy_(w.narrow(1, o, n)); // Conv1D tiles are column slices: strided, LibTorch's copy
        at::Tensor yt = y.narrow(1, o, n);
        at::mm_out(yt, x2, wt);
    }
    at::Tensor result = y.view(productShape(x, out));
    return b.defined() ? result + b.to(x.scalar_type()) : result; // Conv1D's matmul, then + b
}

} // namespace cl
