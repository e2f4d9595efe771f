// OLMo (modeling_olmo.py, transformers 4.40): Llama's layout with
//   - LayerNorm without weight or bias, eps fixed at 1e-5 by the code, statistics in fp32;
//   - clip_qkv: q, k, v each clamped to ±clip right after their projections, before RoPE.
#include "core/engine/arch/architecture.h"
#include "core/engine/arch/layer_names.h"

namespace cl {

namespace {

void readConfig(const ConfigReader& r, ModelConfig& c) {
    readDecoderSizes(r, c);
    c.activation = r.string({"hidden_act"}, "silu");
    c.normEps = 1e-5; // OlmoLayerNorm: not configurable
    c.tieEmbeddings = r.boolean({"tie_word_embeddings"}, false);
    c.attentionBias = c.attentionOutBias = r.boolean({"attention_bias"}, false);
    c.mlpBias = false;
    c.parallelResidual = false;
    c.norm = NormKind::LayerNormNoAffine;
    c.qkv = QkvLayout::Separate;
    c.gatedMlp = true;
    c.clipQkv = r.number({"clip_qkv"}, 0.0);
    if (c.clipQkv < 0) {
        r.fail("\"clip_qkv\" must be positive");
    }
    readRope(r, c, 1.0);
}

void weights(const ModelConfig& c, std::vector<WeightSpec>& s) {
    arch::llamaEmbeddingAndHead(c, s);
    for (int l = 0; l < c.layers; ++l) {
        arch::llamaAttention(c, l, s);
        arch::gatedMlp(c, l, s);
    }
}

} // namespace

const ArchitectureUnit kOlmoUnit{Architecture::Olmo, "olmo",     "OlmoForCausalLM",
                                 "model.",           readConfig, weights};

} // namespace cl
