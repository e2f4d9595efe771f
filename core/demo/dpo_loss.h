#pragma once
// The DPO sigmoid loss of the reference code (REFERENCE.md §5, `preference_loss`;
// Rafailov et al. 2023, Eq. 7) and the metrics TRL logs for it. Internal LibTorch header.

#include <ATen/ATen.h>

namespace cl::demo {

struct DpoTerms {
    at::Tensor loss;             // [] mean of -log sigma(beta * logits)
    at::Tensor chosenRewards;    // [B] beta (pi_c - ref_c), detached
    at::Tensor rejectedRewards;  // [B] beta (pi_r - ref_r), detached
};

/// logits = (pi_c - pi_r) - (ref_c - ref_r); loss = -log sigma(beta * logits), batch mean.
/// All inputs are summed response log-probs [B]; the ref ones carry no gradient.
DpoTerms dpoLoss(const at::Tensor& policyChosen, const at::Tensor& policyRejected,
                 const at::Tensor& refChosen, const at::Tensor& refRejected, double beta);

} // namespace cl::demo
