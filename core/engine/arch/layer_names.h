#pragma once
// Weight-name pieces shared by the Llama-descended units (model.layers.N.self_attn.q_proj, ...):
// a unit lists its tensors by combining these. Torch-free.

#include "core/engine/model_config.h"
#include "core/engine/weight_names.h"

#include <string>
#include <vector>

namespace cl::arch {

/// "layers.<l>." — the prefix of layer l's names under the base model.
std::string layerPrefix(int l);
/// embed_tokens, and lm_head unless tied.
void llamaEmbeddingAndHead(const ModelConfig& c, std::vector<WeightSpec>& s);
/// self_attn.{q,k,v,o}_proj weights; q/k/v biases if c.attentionBias, o bias if
/// c.attentionOutBias. q is heads·headDim wide, k and v kvHeads·headDim.
void llamaAttention(const ModelConfig& c, int l, std::vector<WeightSpec>& s);
/// mlp.{gate,up,down}_proj, biases if c.mlpBias.
void gatedMlp(const ModelConfig& c, int l, std::vector<WeightSpec>& s);
/// A norm's weight (and bias when withBias) under `name` (e.g. "input_layernorm").
void norm(Slot weight, Slot bias, int l, const std::string& name, int64_t width, bool withBias,
          std::vector<WeightSpec>& s);

} // namespace cl::arch
