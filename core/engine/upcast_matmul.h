#pragma once
// Matmuls against weights kept in the checkpoint's bf16/f16 while the computation stays f32 as
// HF's float32 path computes it (issue #19 item 1). Each tile of output columns upcasts its rows
// of the weight into a small f32 scratch (exact: every bf16/f16 value is a float) and runs one
// GEMM into its columns of the output, so the weight is read at half the bytes and never exists
// whole in f32. The results equal an f32 copy of the weight up to the GEMM's own summation order.
#include <ATen/ATen.h>

namespace cl {

/// x [.., in] W^T (+ b) for a Linear weight w [out, in] narrower than x, as at::linear computes it
/// (the bias first in the output, then the product accumulated onto it).
at::Tensor upcastLinear(const at::Tensor& x, const at::Tensor& w, const at::Tensor& b);

/// x [.., in] W + b for a GPT-2 Conv1D weight w [in, out] narrower than x (matmul, then the bias).
at::Tensor upcastConv1d(const at::Tensor& x, const at::Tensor& w, const at::Tensor& b);

} // namespace cl
