#include "core/demo/adam_w.h"

#include <ATen/core/grad_mode.h>

#include <cmath>

namespace cl::demo {

AdamW::AdamW(std::vector<at::Tensor> params, double beta1, double beta2, double eps,
             double weightDecay)
    : m_params(std::move(params)), m_beta1(beta1), m_beta2(beta2), m_eps(eps),
      m_weightDecay(weightDecay) {
    for (const at::Tensor& p : m_params) {
        m_m.push_back(at::zeros_like(p).detach());
        m_v.push_back(at::zeros_like(p).detach());
    }
}

double AdamW::step(double lr, double maxNorm) {
    at::NoGradGuard noGrad;
    double sq = 0.0;
    for (const at::Tensor& p : m_params) {
        if (p.grad().defined()) {
            sq += p.grad().pow(2).sum().item<double>();
        }
    }
    const double norm = std::sqrt(sq);
    const double clip = (maxNorm > 0 && norm > maxNorm) ? maxNorm / (norm + 1e-6) : 1.0;
    ++m_step;
    const double bc1 = 1.0 - std::pow(m_beta1, static_cast<double>(m_step));
    const double bc2 = 1.0 - std::pow(m_beta2, static_cast<double>(m_step));
    for (size_t i = 0; i < m_params.size(); ++i) {
        at::Tensor& p = m_params[i];
        if (!p.grad().defined()) {
            continue;
        }
        at::Tensor g = p.grad() * clip;
        m_m[i].mul_(m_beta1).add_(g, 1.0 - m_beta1);
        m_v[i].mul_(m_beta2).addcmul_(g, g, 1.0 - m_beta2);
        if (m_weightDecay > 0 && p.dim() > 1) {
            p.mul_(1.0 - lr * m_weightDecay); // decoupled decay, matrices only
        }
        const at::Tensor denom = (m_v[i] / bc2).sqrt_().add_(m_eps);
        p.addcdiv_(m_m[i], denom, -lr / bc1);
        p.mutable_grad().reset();
    }
    return norm;
}

} // namespace cl::demo
