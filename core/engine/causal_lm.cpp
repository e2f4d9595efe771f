#include "core/engine/causal_lm.h"

#include "core/engine/weight_names.h"

#include <cmath>
#include <cstring>
#include <stdexcept>

namespace cl {

namespace {

at::ScalarType storedType(const TensorEntry& e) {
    if (e.dtype == "F32") {
        return at::kFloat;
    }
    if (e.dtype == "F16") {
        return at::kHalf;
    }
    if (e.dtype == "BF16") {
        return at::kBFloat16;
    }
    if (e.dtype == "F64") {
        return at::kDouble;
    }
    throw std::runtime_error(e.file + ": tensor \"" + e.name + "\" has dtype " + e.dtype +
                             "; weights must be F32, F16, BF16 or F64");
}

std::string shapeText(const std::vector<int64_t>& s) {
    std::string out = "[";
    for (size_t i = 0; i < s.size(); ++i) {
        out += (i ? ", " : "") + std::to_string(s[i]);
    }
    return out + "]";
}

/// Wraps the mapped bytes as a tensor in the compute dtype. Float32 on CPU, when aligned, aliases
/// the mapping: loading then costs no copy (the file pages are the weights).
at::Tensor toTensor(const TensorEntry& e, at::ScalarType dtype, at::Device device) {
    const at::ScalarType src = storedType(e);
    const bool aligned = reinterpret_cast<uintptr_t>(e.data) % at::elementSize(src) == 0;
    at::Tensor raw;
    if (aligned) {
        raw = at::from_blob(const_cast<uint8_t*>(e.data), e.shape, at::TensorOptions(src));
    } else {
        raw = at::empty(e.shape, at::TensorOptions(src));
        std::memcpy(raw.data_ptr(), e.data, e.end - e.begin);
    }
    if (src == dtype && device.is_cpu() && aligned) {
        return raw; // aliases the read-only mapping; never written in place
    }
    return raw.to(device, dtype, /*non_blocking=*/false, /*copy=*/true);
}

/// The projection, embedding and head matrices: what keepHalfWeights leaves in bf16/f16.
bool isMatrixSlot(Slot slot) {
    switch (slot) {
    case Slot::Embed: case Slot::Head: case Slot::QkvW: case Slot::QW: case Slot::KW:
    case Slot::VW: case Slot::OW: case Slot::UpW: case Slot::GateW: case Slot::DownW:
        return true;
    default:
        return false;
    }
}

} // namespace

std::unique_ptr<CausalLm> CausalLm::load(const ModelConfig& config,
                                         std::shared_ptr<const Checkpoint> ckpt,
                                         at::ScalarType dtype, at::Device device,
                                         const ProgressFn& progress, bool keepHalfWeights) {
    std::unique_ptr<CausalLm> m(new CausalLm);
    m->m_config = config;
    m->m_dtype = dtype;
    m->m_device = device;
    m->m_checkpoint = ckpt;
    m->m_layers.resize(config.layers);
    const std::string prefix = basePrefix(config);
    const std::vector<WeightSpec> specs = weightSpecs(config);

    // Resolve and check every name and shape before reading a byte.
    std::vector<const TensorEntry*> entries;
    int64_t total = 0;
    for (const WeightSpec& s : specs) {
        const bool outside = s.name[0] == '@';
        const std::string bare = outside ? s.name.substr(1) : s.name;
        const TensorEntry* e = ckpt->find(outside ? bare : prefix + bare);
        if (!e) {
            e = ckpt->find(outside ? prefix + bare : bare);
        }
        if (!e && s.required) {
            throw std::runtime_error(ckpt->folder() + ": missing tensor \"" +
                                     (outside ? bare : prefix + bare) + "\" required by " +
                                     config.architectureName);
        }
        if (e && e->shape != s.shape) {
            throw std::runtime_error(e->file + ": tensor \"" + e->name + "\" has shape " +
                                     shapeText(e->shape) + " but config.json implies " +
                                     shapeText(s.shape));
        }
        entries.push_back(e);
        total += e ? static_cast<int64_t>(e->end - e->begin) : 0;
    }

    int64_t done = 0;
    std::vector<std::vector<at::Tensor>> qNormParts(config.layers), kNormParts(config.layers);
    for (size_t i = 0; i < specs.size(); ++i) {
        const TensorEntry* e = entries[i];
        if (!e) {
            continue;
        }
        const WeightSpec& s = specs[i];
        const at::ScalarType stored = storedType(*e);
        const bool keepStored = keepHalfWeights && isMatrixSlot(s.slot) && dtype == at::kFloat &&
                                device.is_cpu() && (stored == at::kBFloat16 || stored == at::kHalf);
        at::Tensor t = toTensor(*e, keepStored ? stored : dtype, device);
        if (t.data_ptr() == static_cast<const void*>(e->data)) {
            m->m_aliasesCheckpoint = true;
        }
        done += static_cast<int64_t>(e->end - e->begin);
        if (!report(progress, "reading weights", done, total)) {
            throw Cancelled{};
        }
        LayerWeights* L = s.layer >= 0 ? &m->m_layers[s.layer] : nullptr;
        switch (s.slot) {
        case Slot::Embed: m->m_embed = t; break;
        case Slot::PosEmbed: m->m_posEmbed = t; break;
        case Slot::FinalNormW: m->m_finalW = t; break;
        case Slot::FinalNormB: m->m_finalB = t; break;
        case Slot::Head: m->m_head = t; break;
        case Slot::Norm1W: L->norm1W = t; break;
        case Slot::Norm1B: L->norm1B = t; break;
        case Slot::Norm2W: L->norm2W = t; break;
        case Slot::Norm2B: L->norm2B = t; break;
        case Slot::QkvW: L->qkvW = t; break;
        case Slot::QkvB: L->qkvB = t; break;
        case Slot::QW: L->qW = t; break;
        case Slot::QB: L->qB = t; break;
        case Slot::KW: L->kW = t; break;
        case Slot::KB: L->kB = t; break;
        case Slot::VW: L->vW = t; break;
        case Slot::VB: L->vB = t; break;
        case Slot::OW: L->oW = t; break;
        case Slot::OB: L->oB = t; break;
        case Slot::UpW: L->upW = t; break;
        case Slot::UpB: L->upB = t; break;
        case Slot::GateW: L->gateW = t; break;
        case Slot::GateB: L->gateB = t; break;
        case Slot::DownW: L->downW = t; break;
        case Slot::DownB: L->downB = t; break;
        case Slot::QNormW: qNormParts[s.layer].push_back(t); break;
        case Slot::KNormW: kNormParts[s.layer].push_back(t); break;
        }
    }
    for (int l = 0; l < config.layers; ++l) { // per-head norms as one [heads, headDim] each
        if (!qNormParts[l].empty()) {
            m->m_layers[l].qNormW = at::stack(qNormParts[l]);
            m->m_layers[l].kNormW = at::stack(kNormParts[l]);
        }
    }
    if (!m->m_head.defined()) {
        m->m_head = m->m_embed; // tied embeddings
    }
    if (!config.learnedPositions) {
        m->m_rotary = std::make_unique<Rotary>(config);
    }
    return m;
}

int64_t CausalLm::parameterCount() const {
    int64_t n = 0;
    for (const at::Tensor& t : parameters()) {
        n += t.numel();
    }
    return n;
}

std::vector<at::Tensor> CausalLm::parameters() const {
    std::vector<at::Tensor> out;
    auto add = [&](const at::Tensor& t) {
        if (t.defined()) {
            out.push_back(t);
        }
    };
    add(m_embed);
    add(m_posEmbed);
    add(m_finalW);
    add(m_finalB);
    if (!m_head.is_same(m_embed)) {
        add(m_head);
    }
    for (const LayerWeights& w : m_layers) {
        for (const at::Tensor* t : {&w.norm1W, &w.norm1B, &w.norm2W, &w.norm2B, &w.qkvW, &w.qkvB,
                                    &w.qW, &w.qB, &w.kW, &w.kB, &w.vW, &w.vB, &w.oW, &w.oB,
                                    &w.upW, &w.upB, &w.gateW, &w.gateB, &w.downW, &w.downB,
                                    &w.qNormW, &w.kNormW}) {
            add(*t);
        }
    }
    return out;
}

void CausalLm::detachFromCheckpoint() {
    const bool tied = m_head.is_same(m_embed);
    auto own = [](at::Tensor& t) {
        if (t.defined()) {
            t = t.clone();
        }
    };
    own(m_embed);
    own(m_posEmbed);
    own(m_finalW);
    own(m_finalB);
    if (tied) {
        m_head = m_embed;
    } else {
        own(m_head);
    }
    for (LayerWeights& w : m_layers) {
        for (at::Tensor* t : {&w.norm1W, &w.norm1B, &w.norm2W, &w.norm2B, &w.qkvW, &w.qkvB, &w.qW,
                              &w.qB, &w.kW, &w.kB, &w.vW, &w.vB, &w.oW, &w.oB, &w.upW, &w.upB,
                              &w.gateW, &w.gateB, &w.downW, &w.downB, &w.qNormW, &w.kNormW}) {
            own(*t);
        }
    }
    m_checkpoint.reset();
    m_aliasesCheckpoint = false;
}

KvCache CausalLm::makeCache() const {
    return KvCache(m_config.layers, m_config.kvHeads, m_config.headDim);
}

int64_t CausalLm::rotaryFrequencySet(int64_t totalLength) const {
    return m_rotary ? m_rotary->frequencySet(totalLength) : 0;
}

} // namespace cl
