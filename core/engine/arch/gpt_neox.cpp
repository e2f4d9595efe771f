// GPT-NeoX (Pythia): fused per-head-interleaved QKV, partial rotary, LayerNorm, parallel residual
// by default, exact GELU MLP (modeling_gpt_neox.py; REFERENCE.md §1).
#include "core/engine/arch/architecture.h"

namespace cl {

namespace {

void readConfig(const ConfigReader& r, ModelConfig& c) {
    c.hidden = r.positive({"hidden_size"}, std::nullopt);
    c.layers = r.positive({"num_hidden_layers"}, std::nullopt);
    c.heads = r.positive({"num_attention_heads"}, std::nullopt);
    c.kvHeads = c.heads;
    c.intermediate = r.positive({"intermediate_size"}, int64_t(4) * c.hidden);
    c.maxPositions = r.positive({"max_position_embeddings"}, 2048);
    if (c.hidden % c.heads != 0) {
        r.fail("hidden size " + std::to_string(c.hidden) + " is not divisible by " +
               std::to_string(c.heads) + " attention heads");
    }
    c.headDim = c.hidden / c.heads;
    c.activation = r.string({"hidden_act"}, "gelu");
    c.normEps = r.number({"layer_norm_eps"}, 1e-5);
    c.parallelResidual = r.boolean({"use_parallel_residual"}, true);
    c.tieEmbeddings = r.boolean({"tie_word_embeddings"}, false);
    c.attentionBias = c.attentionOutBias = r.boolean({"attention_bias"}, true);
    c.mlpBias = true;
    c.norm = NormKind::LayerNorm;
    c.qkv = QkvLayout::FusedPerHead;
    readRope(r, c, 0.25);
}

void weights(const ModelConfig& c, std::vector<WeightSpec>& s) {
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

} // namespace

const ArchitectureUnit kGptNeoXUnit{Architecture::GptNeoX, "gpt_neox", "GPTNeoXForCausalLM",
                                    "gpt_neox.",           readConfig, weights};

} // namespace cl
