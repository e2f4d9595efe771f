// GPT-2: learned positions, Conv1D projections stored [in, out], fused q | k | v blocks,
// LayerNorm, sequential residual, tied head (modeling_gpt2.py; REFERENCE.md §3).
#include "core/engine/arch/architecture.h"

namespace cl {

namespace {

void readConfig(const ConfigReader& r, ModelConfig& c) {
    c.hidden = r.positive({"n_embd", "hidden_size"}, std::nullopt);
    c.layers = r.positive({"n_layer", "num_hidden_layers"}, std::nullopt);
    c.heads = r.positive({"n_head", "num_attention_heads"}, std::nullopt);
    c.kvHeads = c.heads;
    c.intermediate = r.positive({"n_inner"}, int64_t(4) * c.hidden);
    c.maxPositions = r.positive({"n_positions", "max_position_embeddings"}, 1024);
    if (c.hidden % c.heads != 0) {
        r.fail("hidden size " + std::to_string(c.hidden) + " is not divisible by " +
               std::to_string(c.heads) + " attention heads");
    }
    c.headDim = c.hidden / c.heads;
    c.activation = r.string({"activation_function"}, "gelu_new");
    c.normEps = r.number({"layer_norm_epsilon"}, 1e-5);
    c.tieEmbeddings = r.boolean({"tie_word_embeddings"}, true);
    c.gpt2ScaleAttn = r.boolean({"scale_attn_weights"}, true);
    c.gpt2ScaleByLayer = r.boolean({"scale_attn_by_inverse_layer_idx"}, false);
    // reorder_and_upcast_attn: the same math in fp32; only the upcast order differs in half.
    c.parallelResidual = false;
    c.norm = NormKind::LayerNorm;
    c.qkv = QkvLayout::FusedConv1D;
    c.conv1d = true;
    c.learnedPositions = true;
}

void weights(const ModelConfig& c, std::vector<WeightSpec>& s) {
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

const ArchitectureUnit kGpt2Unit{Architecture::Gpt2, "gpt2",     "GPT2LMHeadModel",
                                 "transformer.",     readConfig, weights};

} // namespace cl
