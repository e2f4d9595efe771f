#include "core/logs/metric_names.h"

#include <array>
#include <utility>

namespace cl::logs {

namespace {

bool startsWith(std::string_view s, std::string_view p) {
    return s.substr(0, p.size()) == p;
}

// Spellings of the same concept (LOGS.md "Name map"), after the split prefix is removed.
constexpr std::array<std::pair<std::string_view, std::string_view>, 10> kAliases{{
    {"chosen_reward", "rewards/chosen"},   // OpenRLHF
    {"reject_reward", "rewards/rejected"}, // OpenRLHF
    {"rejected_reward", "rewards/rejected"},
    {"acc", "rewards/accuracies"},        // OpenRLHF
    {"accuracy", "rewards/accuracies"},   // LLaMA-Factory trainer_log.jsonl
    {"log_probs/chosen", "logps/chosen"}, // torchtune
    {"log_probs/rejected", "logps/rejected"},
    {"lr", "learning_rate"},
    {"eval_loss", "loss"}, // OpenRLHF eval/eval_loss
    {"margins", "rewards/margins"},
}};

// HF Trainer's end-of-training summary entry.
constexpr std::array<std::string_view, 5> kSummaryKeys{"train_runtime", "train_samples_per_second",
                                                       "train_steps_per_second", "total_flos",
                                                       "train_loss"};

std::string alias(std::string_view name) {
    for (const auto& [from, to] : kAliases) {
        if (name == from) {
            return std::string(to);
        }
    }
    return std::string(name);
}

bool isKnownEvalRest(std::string_view rest) {
    return startsWith(rest, "rewards/") || startsWith(rest, "logps/") ||
           startsWith(rest, "logits/") || rest == "loss" || rest == "runtime" ||
           rest == "samples_per_second" || rest == "steps_per_second" || rest == "nll_loss";
}

} // namespace

MetricName normalizeMetric(std::string_view key) {
    for (std::string_view s : kSummaryKeys) {
        if (key == s) {
            return {std::string(key), Split::Summary};
        }
    }
    // The DPO reference code: loss/train, loss/eval, <group>_train/<x>, <group>_eval/<x>.
    if (key == "loss/train") {
        return {"loss", Split::Train};
    }
    if (key == "loss/eval") {
        return {"loss", Split::Eval};
    }
    const std::size_t slash = key.find('/');
    if (slash != std::string_view::npos) {
        const std::string_view group = key.substr(0, slash);
        for (auto [suffix, split] : {std::pair{std::string_view("_train"), Split::Train},
                                     std::pair{std::string_view("_eval"), Split::Eval}}) {
            if (group.size() > suffix.size() &&
                group.substr(group.size() - suffix.size()) == suffix) {
                std::string name(group.substr(0, group.size() - suffix.size()));
                name += key.substr(slash);
                return {alias(name), split};
            }
        }
    }
    if (startsWith(key, "train/")) {
        return {alias(key.substr(6)), Split::Train};
    }
    if (startsWith(key, "eval/")) {
        return {alias(key.substr(5)), Split::Eval};
    }
    if (startsWith(key, "eval_")) {
        const std::string_view rest = key.substr(5);
        if (!isKnownEvalRest(rest)) {
            // eval_<set>_<metric>: the set name may itself hold underscores.
            for (std::size_t u = rest.find('_'); u != std::string_view::npos;
                 u = rest.find('_', u + 1)) {
                if (isKnownEvalRest(rest.substr(u + 1))) {
                    return {std::string(rest.substr(0, u)) + ":" + alias(rest.substr(u + 1)),
                            Split::Eval};
                }
            }
        }
        return {alias(rest), Split::Eval};
    }
    return {alias(key), Split::Train};
}

std::string describeMetric(std::string_view n) {
    if (n == kChosenReward) {
        return "Implicit reward of the chosen response: beta * (log pi_theta - log pi_ref), "
               "summed over its tokens, batch mean.";
    }
    if (n == kRejectedReward) {
        return "Implicit reward of the rejected response: beta * (log pi_theta - log pi_ref).";
    }
    if (n == kMargin) {
        return "Mean of (chosen reward - rejected reward); DPO's loss is -log sigmoid of it.";
    }
    if (n == kAccuracy) {
        return "Fraction of pairs whose chosen reward exceeds the rejected one.";
    }
    if (n == "logps/chosen" || n == "logps/rejected") {
        return "Summed log-probability of the response under the policy being trained.";
    }
    if (startsWith(n, "logits/")) {
        return "Mean logit over the response tokens (a numerical-health signal).";
    }
    if (n == "loss") {
        return "DPO loss: -log sigmoid(margin), averaged over the batch.";
    }
    if (n == "grad_norm") {
        return "Gradient norm before clipping.";
    }
    if (n == "learning_rate") {
        return "Learning rate of the optimizer at this step.";
    }
    return {};
}

} // namespace cl::logs
