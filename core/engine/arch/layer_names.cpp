#include "core/engine/arch/layer_names.h"

namespace cl::arch {

std::string layerPrefix(int l) {
    return "layers." + std::to_string(l) + ".";
}

void llamaEmbeddingAndHead(const ModelConfig& c, std::vector<WeightSpec>& s) {
    s.push_back({Slot::Embed, -1, "embed_tokens.weight", {c.vocabSize, c.hidden}});
    if (!c.tieEmbeddings) {
        s.push_back({Slot::Head, -1, "@lm_head.weight", {c.vocabSize, c.hidden}});
    }
}

void llamaAttention(const ModelConfig& c, int l, std::vector<WeightSpec>& s) {
    const int64_t h = c.hidden;
    const int64_t q = int64_t(c.heads) * c.headDim, kv = int64_t(c.kvHeads) * c.headDim;
    const std::string p = layerPrefix(l) + "self_attn.";
    s.push_back({Slot::QW, l, p + "q_proj.weight", {q, h}});
    s.push_back({Slot::KW, l, p + "k_proj.weight", {kv, h}});
    s.push_back({Slot::VW, l, p + "v_proj.weight", {kv, h}});
    s.push_back({Slot::OW, l, p + "o_proj.weight", {h, q}});
    if (c.attentionBias) {
        s.push_back({Slot::QB, l, p + "q_proj.bias", {q}});
        s.push_back({Slot::KB, l, p + "k_proj.bias", {kv}});
        s.push_back({Slot::VB, l, p + "v_proj.bias", {kv}});
    }
    if (c.attentionOutBias) {
        s.push_back({Slot::OB, l, p + "o_proj.bias", {h}});
    }
}

void gatedMlp(const ModelConfig& c, int l, std::vector<WeightSpec>& s) {
    const int64_t h = c.hidden, i = c.intermediate;
    const std::string p = layerPrefix(l) + "mlp.";
    s.push_back({Slot::GateW, l, p + "gate_proj.weight", {i, h}});
    s.push_back({Slot::UpW, l, p + "up_proj.weight", {i, h}});
    s.push_back({Slot::DownW, l, p + "down_proj.weight", {h, i}});
    if (c.mlpBias) {
        s.push_back({Slot::GateB, l, p + "gate_proj.bias", {i}});
        s.push_back({Slot::UpB, l, p + "up_proj.bias", {i}});
        s.push_back({Slot::DownB, l, p + "down_proj.bias", {h}});
    }
}

void norm(Slot weight, Slot bias, int l, const std::string& name, int64_t width, bool withBias,
          std::vector<WeightSpec>& s) {
    const std::string p = l >= 0 ? layerPrefix(l) + name : name;
    s.push_back({weight, l, p + ".weight", {width}});
    if (withBias) {
        s.push_back({bias, l, p + ".bias", {width}});
    }
}

} // namespace cl::arch
