#pragma once
// Curve smoothing as TensorBoard does it, so smoothed curves match what users saw there.

#include <vector>

namespace cl::logs {

/// TensorBoard's debiased exponential moving average (tensorboard/webapp/widgets/line_chart_v2/
/// data_transformer.ts, classicSmoothing):
///   last_0 = 0;  last_k = w * last_{k-1} + (1 - w) * x_k;  smoothed_k = last_k / (1 - w^k)
/// where k counts finite values only. Non-finite values pass through unchanged, as does a
/// constant series. weight in [0, 1); values outside are clamped (1 would divide by zero in the
/// debias term, so it is treated as 0.999999). Same length as values.
std::vector<double> smoothEma(const std::vector<double>& values, double weight);

/// LLaMA-Factory's plot_loss weight for n points: 1.8 * (sigmoid(0.05 * n) - 0.5)
/// (llamafactory/extras/ploting.py, smooth()), so users can match its PNGs.
double llamaFactoryWeight(std::size_t n);

} // namespace cl::logs
