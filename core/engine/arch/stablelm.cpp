// StableLM 2 (modeling_stablelm.py, transformers 4.40): Llama's projections and gated MLP with
//   - LayerNorm with weight and bias;
//   - partial rotary: rotate-half over the first int(partial_rotary_factor · head_dim) channels;
//   - use_qkv_bias: biases on q/k/v (never on o);
//   - qk_layernorm: a LayerNorm (weight only) per query head and per kv head, before RoPE;
//   - use_parallel_residual: x + attn(ln(x)) + mlp(ln(x)) with the one input_layernorm.
#include "core/engine/arch/architecture.h"
#include "core/engine/arch/layer_names.h"

namespace cl {

namespace {

void readConfig(const ConfigReader& r, ModelConfig& c) {
    readDecoderSizes(r, c);
    c.activation = r.string({"hidden_act"}, "silu");
    c.normEps = r.number({"layer_norm_eps"}, 1e-5);
    c.tieEmbeddings = r.boolean({"tie_word_embeddings"}, false);
    c.attentionBias = r.boolean({"use_qkv_bias"}, false);
    c.attentionOutBias = false;
    c.mlpBias = false;
    c.parallelResidual = r.boolean({"use_parallel_residual"}, false);
    c.sharedNorm = c.parallelResidual;
    c.qkNorm = r.boolean({"qk_layernorm"}, false);
    c.norm = NormKind::LayerNorm;
    c.qkv = QkvLayout::Separate;
    c.gatedMlp = true;
    readRope(r, c, 0.25);
}

void weights(const ModelConfig& c, std::vector<WeightSpec>& s) {
    arch::llamaEmbeddingAndHead(c, s);
    arch::norm(Slot::FinalNormW, Slot::FinalNormB, -1, "norm", c.hidden, true, s);
    for (int l = 0; l < c.layers; ++l) {
        arch::norm(Slot::Norm1W, Slot::Norm1B, l, "input_layernorm", c.hidden, true, s);
        if (!c.sharedNorm) {
            arch::norm(Slot::Norm2W, Slot::Norm2B, l, "post_attention_layernorm", c.hidden, true,
                       s);
        }
        arch::llamaAttention(c, l, s);
        if (c.qkNorm) { // q_layernorm.norms.<h>.weight per query head, k_ per kv head
            const std::string p = arch::layerPrefix(l) + "self_attn.";
            for (int h = 0; h < c.heads; ++h) {
                const std::string name = p + "q_layernorm.norms." + std::to_string(h) + ".weight";
                s.push_back({Slot::QNormW, l, name, {c.headDim}, true, h});
            }
            for (int h = 0; h < c.kvHeads; ++h) {
                const std::string name = p + "k_layernorm.norms." + std::to_string(h) + ".weight";
                s.push_back({Slot::KNormW, l, name, {c.headDim}, true, h});
            }
        }
        arch::gatedMlp(c, l, s);
    }
}

} // namespace

const ArchitectureUnit kStableLmUnit{
    Architecture::StableLm, "stablelm", "StableLmForCausalLM", "model.", readConfig, weights};

} // namespace cl
