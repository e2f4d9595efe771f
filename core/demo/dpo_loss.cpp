#include "core/demo/dpo_loss.h"

namespace cl::demo {

DpoTerms dpoLoss(const at::Tensor& policyChosen, const at::Tensor& policyRejected,
                 const at::Tensor& refChosen, const at::Tensor& refRejected, double beta) {
    const at::Tensor logits = (policyChosen - policyRejected) - (refChosen - refRejected); // [B]
    DpoTerms out;
    out.loss = -at::log_sigmoid(beta * logits).mean();
    out.chosenRewards = (beta * (policyChosen - refChosen)).detach();
    out.rejectedRewards = (beta * (policyRejected - refRejected)).detach();
    return out;
}

} // namespace cl::demo
