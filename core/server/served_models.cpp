#include "core/server/served_models.h"

#include "core/engine/model.h"

namespace cl::server {

ModelLimits limitsOf(const Model& model) {
    return {model.info().vocabSize, model.info().maxPositions};
}

} // namespace cl::server
