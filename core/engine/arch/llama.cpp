// Llama and its two close descendants (modeling_llama.py, modeling_mistral.py,
// modeling_qwen2.py of transformers 4.40): separate q/k/v/o projections, RoPE (rotate-half over
// the whole head), RMSNorm x̂·w, SiLU-gated MLP, sequential residual (REFERENCE.md §2).
//   Mistral: + sliding_window, the eager mask's band: query i sees keys i−W … i.
//   Qwen2:   + bias on q/k/v (never on o); the 4.40 eager mask applies sliding_window whatever
//            use_sliding_window says.
#include "core/engine/arch/architecture.h"
#include "core/engine/arch/layer_names.h"

namespace cl {

namespace {

void readLlama(const ConfigReader& r, ModelConfig& c) {
    readDecoderSizes(r, c);
    c.activation = r.string({"hidden_act"}, "silu");
    c.normEps = r.number({"rms_norm_eps"}, 1e-6);
    c.tieEmbeddings = r.boolean({"tie_word_embeddings"}, false);
    c.attentionBias = c.attentionOutBias = r.boolean({"attention_bias"}, false);
    c.mlpBias = r.boolean({"mlp_bias"}, false);
    c.parallelResidual = false;
    c.norm = NormKind::RmsNorm;
    c.qkv = QkvLayout::Separate;
    c.gatedMlp = true;
    readRope(r, c, 1.0);
}

void readMistral(const ConfigReader& r, ModelConfig& c) {
    readLlama(r, c);
    c.attentionBias = c.attentionOutBias = false;
    c.slidingWindow = r.integer({"sliding_window"}, 0);
}

void readQwen2(const ConfigReader& r, ModelConfig& c) {
    readLlama(r, c);
    c.attentionBias = true;
    c.attentionOutBias = false;
    c.slidingWindow = r.integer({"sliding_window"}, 0);
}

void weights(const ModelConfig& c, std::vector<WeightSpec>& s) {
    arch::llamaEmbeddingAndHead(c, s);
    arch::norm(Slot::FinalNormW, Slot::FinalNormB, -1, "norm", c.hidden, false, s);
    for (int l = 0; l < c.layers; ++l) {
        arch::norm(Slot::Norm1W, Slot::Norm1B, l, "input_layernorm", c.hidden, false, s);
        arch::norm(Slot::Norm2W, Slot::Norm2B, l, "post_attention_layernorm", c.hidden, false, s);
        arch::llamaAttention(c, l, s);
        arch::gatedMlp(c, l, s);
    }
}

} // namespace

const ArchitectureUnit kLlamaUnit{Architecture::Llama, "llama", "LlamaForCausalLM", "model.",
                                  readLlama,           weights};
const ArchitectureUnit kMistralUnit{
    Architecture::Mistral, "mistral", "MistralForCausalLM", "model.", readMistral, weights};
const ArchitectureUnit kQwen2Unit{Architecture::Qwen2, "qwen2", "Qwen2ForCausalLM", "model.",
                                  readQwen2,           weights};

} // namespace cl
