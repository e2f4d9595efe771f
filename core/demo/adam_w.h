#pragma once
// AdamW (Loshchilov & Hutter 2019; the update of torch.optim.AdamW) on plain at::Tensors, with
// global-norm gradient clipping. Internal LibTorch header.

#include <ATen/ATen.h>

#include <vector>

namespace cl::demo {

class AdamW {
public:
    /// params must require gradients; they are updated in place.
    explicit AdamW(std::vector<at::Tensor> params, double beta1 = 0.9, double beta2 = 0.999,
                   double eps = 1e-8, double weightDecay = 0.0);

    /// Clips the gradients to maxNorm (when > 0), applies one update with learning rate lr,
    /// and clears the gradients. Returns the gradient norm before clipping.
    double step(double lr, double maxNorm);

private:
    std::vector<at::Tensor> m_params, m_m, m_v;
    double m_beta1, m_beta2, m_eps, m_weightDecay;
    int64_t m_step = 0;
};

} // namespace cl::demo
