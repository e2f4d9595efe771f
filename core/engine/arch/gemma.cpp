// Gemma v1 (modeling_gemma.py, transformers 4.40): Llama's layout plus
//   - embeddings × sqrt(hidden_size), the factor a tensor of the activation dtype;
//   - RMSNorm x̂ · (1 + w) computed in fp32 (the file stores w = gain − 1);
//   - GeGLU with the activation of `hidden_activation` (tanh GELU when null); `hidden_act` is
//     NOT used by 4.40's GemmaMLP;
//   - head_dim decoupled from hidden / heads; tied head.
#include "core/engine/arch/architecture.h"
#include "core/engine/arch/layer_names.h"

#include <cmath>

namespace cl {

namespace {

void readConfig(const ConfigReader& r, ModelConfig& c) {
    refuseIfSet(r, "attn_logit_softcapping", "attention logit soft-capping (Gemma 2)");
    refuseIfSet(r, "final_logit_softcapping", "final logit soft-capping (Gemma 2)");
    readDecoderSizes(r, c);
    c.activation = r.string({"hidden_activation"}, "gelu_pytorch_tanh");
    c.normEps = r.number({"rms_norm_eps"}, 1e-6);
    c.tieEmbeddings = r.boolean({"tie_word_embeddings"}, true);
    c.attentionBias = c.attentionOutBias = r.boolean({"attention_bias"}, false);
    c.mlpBias = false;
    c.parallelResidual = false;
    c.norm = NormKind::RmsNormOffset;
    c.qkv = QkvLayout::Separate;
    c.gatedMlp = true;
    c.embedScale = std::sqrt(static_cast<double>(c.hidden));
    readRope(r, c, 1.0);
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

const ArchitectureUnit kGemmaUnit{Architecture::Gemma, "gemma", "GemmaForCausalLM", "model.",
                                  readConfig,          weights};

} // namespace cl
