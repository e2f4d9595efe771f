#pragma once
// The numeric bounds of the test suite, without Qt: the Qt tests include them through
// tolerances.h, and Qt-free checkers (tools/parity_check, run on CUDA hosts that have no Qt)
// include this header directly, so both judge with the same numbers.
//
// Every bound is derived from the float32 error budget rather than from the largest difference
// one machine showed. The yardstick is the fixtures' calibrated bound against float64
// (../shared/fixtures/README.md, "Tolerances"): a correct float32 forward lands within
// kLogprobMaxVsF64 (per token) and kLogprobMeanVsF64 (per sequence) of the float64 log-probs on
// any BLAS kernel, thread count, accumulation order or device.

#include <algorithm>
#include <cstddef>

namespace cl::tol {

// --- against float64 references -------------------------------------------------------------
/// Fixtures README: max |Δ| of a float32 log-prob against the float64 reference, per sequence.
inline constexpr double kLogprobMaxVsF64 = 5e-5;
/// Fixtures README: mean |Δ| over a sequence against the float64 reference.
inline constexpr double kLogprobMeanVsF64 = 1e-5;

// --- two float32 computations of the same numbers -------------------------------------------
/// Incremental vs full, truncate-then-extend, batched vs single, scratch vs cached: each side is
/// within kLogprobMaxVsF64 of float64, so by the triangle inequality they are within twice that.
inline constexpr double kLogprobMaxF32VsF32 = 2 * kLogprobMaxVsF64;
/// bf16/f16 weights kept as stored and upcast tile by tile inside the matmuls vs the same
/// weights converted to float32 at load: both multiply identical float32 values, but OpenBLAS's
/// sgemm rounds an output element differently when the call's shape differs (one x W^T computed
/// as two column halves moved outputs of size ~20 by up to 7.6e-5, a few ulps), so a tiled
/// product is a second float32 computation of the same numbers, not a bitwise copy. Issue #19
/// asked for 1e-6; that holds only for a single tile (exactly 0 then, measured).
inline constexpr double kHalfResidentVsUpcast = kLogprobMaxF32VsF32;
/// Same argument for the per-sequence mean.
inline constexpr double kLogprobMeanF32VsF32 = 2 * kLogprobMeanVsF64;

/// HF's own float32 run is within 1.7e-5 of float64 (fixtures README) and ours within
/// kLogprobMaxVsF64, so a float32 HF number (top-5 log-probs) is within their sum of ours.
inline constexpr double kLogprobVsHfF32 = kLogprobMaxVsF64 + 2e-5;

// --- derived quantities ---------------------------------------------------------------------
/// r = β(lp_pol − lp_ref): each log-prob carries at most `perLogprob`, so r carries 2β of it.
inline constexpr double rewardMax(double beta, double perLogprob = kLogprobMaxVsF64) {
    return 2 * beta * perLogprob;
}
/// Σ over n tokens of errors whose mean is at most `meanPerToken`: at most n times that mean.
inline constexpr double sumOf(std::size_t n, double meanPerToken) {
    return static_cast<double>(n) * meanPerToken;
}

// --- LoRA pair rewards (fixtures README, "rewards/<lora>.json") -----------------------------
/// Per-token reward of a LoRA pair vs rewards_fp64: β·1e-4, i.e. 2β times the 5e-5 log-prob
/// bound (rewardMax), since the policy and the reference log-prob each carry it.
inline constexpr double loraRewardMax(double beta) {
    return rewardMax(beta);
}
/// reward_sum over n response tokens vs reward_sum_fp64: β·max(1e-4, 2e-5·n) — twice the mean
/// bound 1e-5 per token summed over n (sumOf), never below one token's bound.
inline constexpr double loraRewardSum(double beta, std::size_t n) {
    return beta * std::max(2 * kLogprobMaxVsF64, sumOf(n, 2 * kLogprobMeanVsF64));
}

/// Fixtures README: beam scores (sum of log-probs / length) within 1e-4 of the float64 re-score.
inline constexpr double kBeamScoreVsF64 = 1e-4;

/// Numbers recomputed in double from the very same floats (Σ, σ, β·Δ): only double round-off
/// separates them, ~1e-16 relative; 1e-9 leaves room for sums of a few thousand terms.
inline constexpr double kSameFloatsInDouble = 1e-9;

/// A number written to text (JSON, CSV) and parsed back: printed with ≥ 9 significant digits,
/// which round-trips a float32 to within 1e-7 relative; 1e-6 absolute covers |values| ≤ 10.
inline constexpr double kPrintedFloat32 = 1e-6;

// --- half precision -------------------------------------------------------------------------
/// bf16 compute of an f32 checkpoint (LoadOptions::dtype "bf16", CPU or CUDA) against float64.
/// bf16 keeps 8 significant bits (7 stored + the implicit one): unit roundoff u = 2^-8 ≈ 3.9e-3.
/// Matmuls accumulate in float32 (LibTorch's CPU kernels and cuBLAS alike) and round once on
/// output; softmax, log-softmax and RMSNorm statistics run in float32. A value on the main path
/// still passes ~14 bf16 roundings per layer (norm out, weight and output of each projection,
/// attention probabilities and output, activation, two residual adds), ~44 over the fixtures'
/// 3 layers and the head. Independent roundings add as a random walk: √44·u ≈ 2.6% relative
/// (the worst case 44u = 17% would need every error aligned across thousands of products). The
/// fixtures' logits reach |20| (weights drawn large, peaked predictions), so a logit moves up
/// to ~0.5, and a log-prob = logit − logsumexp, two such errors, up to ~1 nat.
/// Measured: 0.41 (llama_gqa, CPU). A max at or below kLogprobMaxVsF64 means no bf16 compute.
inline constexpr double kBf16ComputeMax = 1.0;
/// …and its per-sequence mean: most positions have logits of a few units (a fifth of the largest),
/// and errors of both signs partly cancel, so a fifth of the max (measured: 0.08).
inline constexpr double kBf16ComputeMean = 0.2;

} // namespace cl::tol
