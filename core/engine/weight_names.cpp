#include "core/engine/weight_names.h"

namespace cl {

std::string basePrefix(const ModelConfig& c) {
    switch (c.arch) {
    case Architecture::GptNeoX:
        return "gpt_neox.";
    case Architecture::Llama:
        return "model.";
    case Architecture::Gpt2:
        return "transformer.";
    }
    return "";
}

namespace {

void neox(const ModelConfig& c, std::vector<WeightSpec>& s) {
    const int64_t h = c.hidden, i = c.intermediate, v = c.vocabSize;
    const bool ab = c.attentionBias;
    s.push_back({Slot::Embed, -1, "embed_in.weight", {v, h}});
    s.push_back({Slot::FinalNormW, -1, "final_layer_norm.weight", {h}});
    s.push_back({Slot::FinalNormB, -1, "final_layer_norm.bias", {h}});
    if (!c.tieEmbeddings) {
        s.push_back({Slot::Head, -1, "@embed_out.weight", {v, h}});
    }
    for (int l = 0; l < c.layers; ++l) {
        const std::string p = "layers." + std::to_string(l) + ".";
        s.push_back({Slot::Norm1W, l, p + "input_layernorm.weight", {h}});
        s.push_back({Slot::Norm1B, l, p + "input_layernorm.bias", {h}});
        s.push_back({Slot::Norm2W, l, p + "post_attention_layernorm.weight", {h}});
        s.push_back({Slot::Norm2B, l, p + "post_attention_layernorm.bias", {h}});
        s.push_back({Slot::QkvW, l, p + "attention.query_key_value.weight", {3 * h, h}});
        s.push_back({Slot::QkvB, l, p + "attention.query_key_value.bias", {3 * h}, ab});
        s.push_back({Slot::OW, l, p + "attention.dense.weight", {h, h}});
        s.push_back({Slot::OB, l, p + "attention.dense.bias", {h}, ab});
        s.push_back({Slot::UpW, l, p + "mlp.dense_h_to_4h.weight", {i, h}});
        s.push_back({Slot::UpB, l, p + "mlp.dense_h_to_4h.bias", {i}});
        s.push_back({Slot::DownW, l, p + "mlp.dense_4h_to_h.weight", {h, i}});
        s.push_back({Slot::DownB, l, p + "mlp.dense_4h_to_h.bias", {h}});
    }
}

void llama(const ModelConfig& c, std::vector<WeightSpec>& s) {
    const int64_t h = c.hidden, i = c.intermediate, v = c.vocabSize;
    const int64_t q = int64_t(c.heads) * c.headDim, kv = int64_t(c.kvHeads) * c.headDim;
    s.push_back({Slot::Embed, -1, "embed_tokens.weight", {v, h}});
    s.push_back({Slot::FinalNormW, -1, "norm.weight", {h}});
    if (!c.tieEmbeddings) {
        s.push_back({Slot::Head, -1, "@lm_head.weight", {v, h}});
    }
    for (int l = 0; l < c.layers; ++l) {
        const std::string p = "layers." + std::to_string(l) + ".";
        s.push_back({Slot::Norm1W, l, p + "input_layernorm.weight", {h}});
        s.push_back({Slot::Norm2W, l, p + "post_attention_layernorm.weight", {h}});
        s.push_back({Slot::QW, l, p + "self_attn.q_proj.weight", {q, h}});
        s.push_back({Slot::KW, l, p + "self_attn.k_proj.weight", {kv, h}});
        s.push_back({Slot::VW, l, p + "self_attn.v_proj.weight", {kv, h}});
        s.push_back({Slot::OW, l, p + "self_attn.o_proj.weight", {h, q}});
        if (c.attentionBias) {
            s.push_back({Slot::QB, l, p + "self_attn.q_proj.bias", {q}});
            s.push_back({Slot::KB, l, p + "self_attn.k_proj.bias", {kv}});
            s.push_back({Slot::VB, l, p + "self_attn.v_proj.bias", {kv}});
        }
        if (c.attentionOutBias) {
            s.push_back({Slot::OB, l, p + "self_attn.o_proj.bias", {h}});
        }
        s.push_back({Slot::GateW, l, p + "mlp.gate_proj.weight", {i, h}});
        s.push_back({Slot::UpW, l, p + "mlp.up_proj.weight", {i, h}});
        s.push_back({Slot::DownW, l, p + "mlp.down_proj.weight", {h, i}});
        if (c.mlpBias) {
            s.push_back({Slot::GateB, l, p + "mlp.gate_proj.bias", {i}});
            s.push_back({Slot::UpB, l, p + "mlp.up_proj.bias", {i}});
            s.push_back({Slot::DownB, l, p + "mlp.down_proj.bias", {h}});
        }
    }
}

void gpt2(const ModelConfig& c, std::vector<WeightSpec>& s) {
    const int64_t h = c.hidden, i = c.intermediate, v = c.vocabSize;
    s.push_back({Slot::Embed, -1, "wte.weight", {v, h}});
    s.push_back({Slot::PosEmbed, -1, "wpe.weight", {c.maxPositions, h}});
    s.push_back({Slot::FinalNormW, -1, "ln_f.weight", {h}});
    s.push_back({Slot::FinalNormB, -1, "ln_f.bias", {h}});
    if (!c.tieEmbeddings) {
        s.push_back({Slot::Head, -1, "@lm_head.weight", {v, h}});
    }
    for (int l = 0; l < c.layers; ++l) {
        const std::string p = "h." + std::to_string(l) + ".";
        s.push_back({Slot::Norm1W, l, p + "ln_1.weight", {h}});
        s.push_back({Slot::Norm1B, l, p + "ln_1.bias", {h}});
        s.push_back({Slot::Norm2W, l, p + "ln_2.weight", {h}});
        s.push_back({Slot::Norm2B, l, p + "ln_2.bias", {h}});
        // Conv1D weights are stored [in, out] (pytorch_utils.py Conv1D).
        s.push_back({Slot::QkvW, l, p + "attn.c_attn.weight", {h, 3 * h}});
        s.push_back({Slot::QkvB, l, p + "attn.c_attn.bias", {3 * h}});
        s.push_back({Slot::OW, l, p + "attn.c_proj.weight", {h, h}});
        s.push_back({Slot::OB, l, p + "attn.c_proj.bias", {h}});
        s.push_back({Slot::UpW, l, p + "mlp.c_fc.weight", {h, i}});
        s.push_back({Slot::UpB, l, p + "mlp.c_fc.bias", {i}});
        s.push_back({Slot::DownW, l, p + "mlp.c_proj.weight", {i, h}});
        s.push_back({Slot::DownB, l, p + "mlp.c_proj.bias", {h}});
    }
}

} // namespace

std::vector<WeightSpec> weightSpecs(const ModelConfig& c) {
    std::vector<WeightSpec> s;
    switch (c.arch) {
    case Architecture::GptNeoX:
        neox(c, s);
        break;
    case Architecture::Llama:
        llama(c, s);
        break;
    case Architecture::Gpt2:
        gpt2(c, s);
        break;
    }
    return s;
}

} // namespace cl
