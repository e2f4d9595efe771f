// A LoRA policy over shared base tensors (DESIGN.md: never merged in memory, so one copy of the
// base serves the policy and the reference). peft tuners/lora: s = alpha/r (rslora alpha/√r).
#include "core/engine/causal_lm.h"

#include "core/engine/lora_adapter.h"

#include <cstring>
#include <stdexcept>

namespace cl {

namespace {

/// An adapter tensor in the compute dtype, copied out of the mapping (adapters are small; the
/// copy frees the model from the adapter file's lifetime).
at::Tensor adapterTensor(const TensorEntry& e, at::ScalarType dtype, at::Device device) {
    at::ScalarType src;
    if (e.dtype == "F32") {
        src = at::kFloat;
    } else if (e.dtype == "F16") {
        src = at::kHalf;
    } else if (e.dtype == "BF16") {
        src = at::kBFloat16;
    } else if (e.dtype == "F64") {
        src = at::kDouble;
    } else {
        throw std::runtime_error(e.file + ": adapter tensor \"" + e.name + "\" has dtype " +
                                 e.dtype + "; expected F32, F16, BF16 or F64");
    }
    at::Tensor raw = at::empty(e.shape, at::TensorOptions(src));
    std::memcpy(raw.data_ptr(), e.data, e.end - e.begin);
    return raw.to(device, dtype);
}

LoraDelta* deltaFor(LayerWeights& w, Slot slot) {
    switch (slot) {
    case Slot::QkvW:
        return &w.qkvL;
    case Slot::QW:
        return &w.qL;
    case Slot::KW:
        return &w.kL;
    case Slot::VW:
        return &w.vL;
    case Slot::OW:
        return &w.oL;
    case Slot::UpW:
        return &w.upL;
    case Slot::GateW:
        return &w.gateL;
    case Slot::DownW:
        return &w.downL;
    default:
        return nullptr;
    }
}

at::Tensor* weightFor(LayerWeights& w, Slot slot) {
    switch (slot) {
    case Slot::QkvW:
        return &w.qkvW;
    case Slot::QW:
        return &w.qW;
    case Slot::KW:
        return &w.kW;
    case Slot::VW:
        return &w.vW;
    case Slot::OW:
        return &w.oW;
    case Slot::UpW:
        return &w.upW;
    case Slot::GateW:
        return &w.gateW;
    case Slot::DownW:
        return &w.downW;
    default:
        return nullptr;
    }
}

} // namespace

std::unique_ptr<CausalLm> CausalLm::withAdapter(const LoraAdapter& adapter) const {
    // Copying the object copies tensor handles, not storage: every base weight is shared.
    std::unique_ptr<CausalLm> m(new CausalLm(*this));
    if (m_rotary) {
        m->m_rotary = std::make_shared<Rotary>(m_config); // its cos/sin cache is per model
    }
    const double scale = adapter.config.scaling();
    for (const LoraTarget& t : adapter.targets) {
        LoraDelta d{adapterTensor(*t.a, m_dtype, m_device), adapterTensor(*t.b, m_dtype, m_device),
                    scale};
        LoraDelta* slot = t.slot == Slot::Head ? &m->m_headL
                          : t.layer >= 0       ? deltaFor(m->m_layers[t.layer], t.slot)
                                               : nullptr;
        if (!slot) {
            throw std::runtime_error(adapter.folder + ": LoRA on \"" + t.module +
                                     "\" is not supported (linear projections and the head only)");
        }
        *slot = std::move(d);
    }
    for (const LoraReplacement& r : adapter.replacements) {
        at::Tensor w = adapterTensor(*r.weight, m_dtype, m_device);
        at::Tensor* slot = r.slot == Slot::Head ? &m->m_head
                           : r.layer >= 0       ? weightFor(m->m_layers[r.layer], r.slot)
                                                : nullptr;
        if (!slot) {
            throw std::runtime_error(adapter.folder + ": modules_to_save \"" + r.weight->name +
                                     "\" is not supported (linear projections and the head only)");
        }
        if (r.slot == Slot::Head) {
            m->m_baseHead = m_head; // for the reference rows of a paired pass
        } else {
            m->m_replacedLayerWeight = true;
        }
        *slot = w; // the reference keeps the base's (a tied head stays tied there)
    }
    return m;
}

bool CausalLm::hasAdapter() const {
    if (m_headL.defined()) {
        return true;
    }
    for (const LayerWeights& w : m_layers) {
        for (const LoraDelta* d :
             {&w.qkvL, &w.qL, &w.kL, &w.vL, &w.oL, &w.upL, &w.gateL, &w.downL}) {
            if (d->defined()) {
                return true;
            }
        }
    }
    return false;
}

} // namespace cl
