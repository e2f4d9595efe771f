#include "core/demo/demo_evaluation.h"

#include "core/engine/reward_scorer.h"
#include "core/logs/log_reader.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <fstream>
#include <numeric>

namespace cl::demo {

namespace {

struct Trend {
    double start = 0.0, end = 0.0, min = 0.0;
};

Result<Trend> chosenTrend(const std::string& folder) {
    auto run = logs::readLog(folder);
    if (!run) {
        return Error{run.error()};
    }
    const logs::Series* s = run->find("rewards/chosen");
    if (!s || s->values.size() < 4) {
        return Error{folder + ": the log has fewer than 4 rewards/chosen entries"};
    }
    const std::vector<double>& v = s->values;
    const size_t head = std::max<size_t>(1, v.size() / 10);
    const size_t tail = std::max<size_t>(1, v.size() / 4);
    Trend t;
    t.start = std::accumulate(v.begin(), v.begin() + head, 0.0) / head;
    t.end = std::accumulate(v.end() - tail, v.end(), 0.0) / tail;
    t.min = *std::min_element(v.begin(), v.end());
    return t;
}

} // namespace

Result<DemoMeasurements> measureDemo(const std::string& dir, const ProgressFn& progress) {
    return catchAll([&]() -> Result<DemoMeasurements> {
        DemoMeasurements m;
        auto sft = chosenTrend(dir + "/dpo_from_sft");
        auto noSft = chosenTrend(dir + "/dpo_without_sft");
        if (!sft || !noSft) {
            return Error{!sft ? sft.error() : noSft.error()};
        }
        m.sftChosenStart = sft->start;
        m.sftChosenEnd = sft->end;
        m.noSftChosenStart = noSft->start;
        m.noSftChosenEnd = noSft->end;
        m.noSftChosenMin = noSft->min;

        auto scorer = RewardScorer::load(dir + "/policy", dir + "/reference");
        if (!scorer) {
            return Error{scorer.error()};
        }
        scorer.value()->setBeta(0.1);
        const std::string path = dir + "/pairs.jsonl";
        std::ifstream in(path);
        if (!in) {
            return Error{"cannot read " + path};
        }
        std::vector<nlohmann::json> lines;
        for (std::string line; std::getline(in, line);) {
            if (!line.empty()) {
                lines.push_back(nlohmann::json::parse(line));
            }
        }
        int inSpan = 0, correct = 0;
        double margins = 0.0;
        for (size_t i = 0; i < lines.size(); ++i) {
            const nlohmann::json& j = lines[i];
            ScoreRequest c{j.at("prompt"), j.at("chosen"), "tldr", true};
            ScoreRequest r{j.at("prompt"), j.at("rejected"), "tldr", true};
            auto sc = scorer.value()->score(c);
            auto sr = scorer.value()->score(r);
            if (!sc || !sr) {
                return Error{path + " line " + std::to_string(i + 1) + ": " +
                             (!sc ? sc.error() : sr.error())};
            }
            correct += sc->rewardSum > sr->rewardSum;
            margins += sc->rewardSum - sr->rewardSum;
            const auto lowest = std::min_element(
                sr->tokens.begin(), sr->tokens.end(),
                [](const TokenScore& a, const TokenScore& b) { return a.reward < b.reward; });
            if (lowest != sr->tokens.end()) {
                for (const auto& span : j.at("rejected_error_spans")) {
                    const int64_t b0 = span.at(0), b1 = span.at(1);
                    if (lowest->start < b1 && b0 < lowest->end) {
                        ++inSpan;
                        break;
                    }
                }
            }
            if (!report(progress, "measuring held-out pairs", static_cast<int64_t>(i + 1),
                        static_cast<int64_t>(lines.size()))) {
                return Error{kCancelledMessage};
            }
        }
        m.pairs = static_cast<int>(lines.size());
        if (m.pairs == 0) {
            return Error{path + " holds no pairs"};
        }
        m.errorSpanShare = static_cast<double>(inSpan) / m.pairs;
        m.pairAccuracy = static_cast<double>(correct) / m.pairs;
        m.meanMargin = margins / m.pairs;
        return m;
    });
}

std::string measurementsJson(const DemoMeasurements& m) {
    const nlohmann::ordered_json j = {
        {"held_out_pairs", m.pairs},
        {"lowest_reward_token_in_error_span", m.errorSpanShare},
        {"pair_accuracy_by_reward_sum", m.pairAccuracy},
        {"mean_reward_margin", m.meanMargin},
        {"dpo_from_sft_rewards_chosen", {{"start", m.sftChosenStart}, {"end", m.sftChosenEnd}}},
        {"dpo_without_sft_rewards_chosen",
         {{"start", m.noSftChosenStart}, {"end", m.noSftChosenEnd}, {"min", m.noSftChosenMin}}}};
    return j.dump(2);
}

} // namespace cl::demo
