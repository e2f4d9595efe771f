#pragma once
// Core facade types that travel through queued signals between the GUI and the EngineWorker.

#include "core/engine/model_info.h"
#include "core/engine/pair_scorer.h"
#include "core/engine/scoring_types.h"

#include <QMetaType>

Q_DECLARE_METATYPE(cl::ModelInfo)
Q_DECLARE_METATYPE(cl::ScoreRequest)
Q_DECLARE_METATYPE(cl::ResponseScore)
Q_DECLARE_METATYPE(cl::Alternatives)

namespace cl {

/// QSettings key (bool): load models with LoadOptions::copyWeights (Tools ▸ Copy weights into
/// memory), for checkpoints that training rewrites while they are analysed (issue #18).
inline constexpr char kCopyWeightsSetting[] = "engine/copyWeights";

} // namespace cl
