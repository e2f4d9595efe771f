#include "core/engine/weight_names.h"

#include "core/engine/arch/architecture.h"

namespace cl {

std::string basePrefix(const ModelConfig& c) {
    return architectureUnit(c.arch).prefix;
}

std::vector<WeightSpec> weightSpecs(const ModelConfig& c) {
    std::vector<WeightSpec> s;
    architectureUnit(c.arch).weights(c, s);
    return s;
}

} // namespace cl
