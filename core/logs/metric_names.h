#pragma once
// The name map of ../shared/LOGS.md: every trainer spells the same DPO quantity differently
// (rewards/chosen, rewards_train/chosen, train/chosen_reward ...). Series keep their original
// key; this gives the concept name and the split so runs from different trainers line up.

#include "core/logs/log_types.h"

#include <string>
#include <string_view>

namespace cl::logs {

/// A key's concept name and split.
struct MetricName {
    std::string normalized; ///< e.g. "rewards/chosen", "loss", or the key minus its split prefix
    Split split = Split::Train;
};

/// Normalised concept names of the DPO metrics.
inline constexpr const char* kChosenReward = "rewards/chosen";
inline constexpr const char* kRejectedReward = "rewards/rejected";
inline constexpr const char* kMargin = "rewards/margins";
inline constexpr const char* kAccuracy = "rewards/accuracies";

/// Classifies a key by its prefix (eval_, eval/, train/, rewards_eval/, loss/eval ...) and maps
/// it to its concept name. Unknown keys keep their name minus the split prefix. Several eval
/// sets (`eval_<set>_rewards/chosen`) normalise to "<set>:rewards/chosen". Never throws.
MetricName normalizeMetric(std::string_view key);

/// One line explaining a normalised metric (for tooltips); empty when unknown.
std::string describeMetric(std::string_view normalized);

} // namespace cl::logs
