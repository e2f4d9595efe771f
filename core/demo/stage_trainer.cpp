#include "core/demo/stage_trainer.h"

#include "core/demo/adam_w.h"
#include "core/demo/dpo_loss.h"

#include <ATen/core/grad_mode.h>

#include <chrono>
#include <cstdio>
#include <map>
#include <random>

namespace cl::demo {

namespace {

/// Fisher-Yates with raw draws (portable across standard libraries).
std::vector<int64_t> shuffled(int64_t n, std::mt19937_64& rng) {
    std::vector<int64_t> order(n);
    for (int64_t i = 0; i < n; ++i) {
        order[i] = i;
    }
    for (int64_t i = n - 1; i > 0; --i) {
        std::swap(order[i], order[static_cast<int64_t>(rng() % (i + 1))]);
    }
    return order;
}

double learningRate(const StageOptions& o, int step, int total) {
    const int warmup = std::max(1, static_cast<int>(o.warmupFraction * total));
    if (step < warmup) {
        return o.lr * (step + 1) / warmup;
    }
    const double t = static_cast<double>(step - warmup) / std::max(1, total - warmup);
    return o.lr * (1.0 - (1.0 - o.finalLrFraction) * t);
}

std::string fmt(const char* pattern, double v) {
    char buf[64];
    std::snprintf(buf, sizeof buf, pattern, v);
    return buf;
}

} // namespace

double trainLm(CausalLm& lm, const std::vector<TokenSeq>& seqs, const StageOptions& o,
               int32_t padId, const std::string& name, const ProgressFn& progress) {
    std::mt19937_64 rng(o.seed);
    AdamW opt(lm.parameters(), 0.9, 0.95, 1e-8, o.weightDecay);
    const int64_t n = static_cast<int64_t>(seqs.size());
    const int perEpoch = static_cast<int>((n + o.batchSize - 1) / o.batchSize);
    const int total = perEpoch * o.epochs;
    int step = 0;
    double epochLoss = 0.0, shown = 0.0;
    for (int epoch = 0; epoch < o.epochs; ++epoch) {
        const std::vector<int64_t> order = shuffled(n, rng);
        epochLoss = 0.0;
        for (int b = 0; b < perEpoch; ++b, ++step) {
            const int64_t from = static_cast<int64_t>(b) * o.batchSize;
            std::vector<int64_t> rows(order.begin() + from,
                                      order.begin() + std::min<int64_t>(n, from + o.batchSize));
            const SeqBatch batch = makeBatch(seqs, rows, padId);
            const at::Tensor logp = tokenLogps(lm, batch.ids);                 // [B, T-1]
            const at::Tensor loss = -(logp * batch.mask).sum() / batch.mask.sum(); // []
            loss.backward();
            opt.step(learningRate(o, step, total), o.maxGradNorm);
            const double value = loss.item<double>();
            epochLoss += value / perEpoch;
            shown = step == 0 ? value : 0.95 * shown + 0.05 * value;
            if (!report(progress, name + " loss " + fmt("%.3f", shown), step + 1, total)) {
                throw StageCancelled{};
            }
        }
    }
    return epochLoss;
}

std::vector<double> sequenceLogps(const CausalLm& lm, const std::vector<TokenSeq>& seqs,
                                  int batchSize, int32_t padId) {
    at::NoGradGuard noGrad;
    std::vector<double> out;
    for (size_t from = 0; from < seqs.size(); from += batchSize) {
        std::vector<int64_t> rows;
        for (size_t i = from; i < std::min(seqs.size(), from + batchSize); ++i) {
            rows.push_back(static_cast<int64_t>(i));
        }
        const at::Tensor sums = summedLogps(lm, makeBatch(seqs, rows, padId)).to(at::kDouble);
        for (int64_t i = 0; i < sums.size(0); ++i) {
            out.push_back(sums[i].item<double>());
        }
    }
    return out;
}

TrainerStateLog trainDpo(CausalLm& policy, const std::vector<TokenSeq>& chosen,
                         const std::vector<TokenSeq>& rejected, const std::vector<double>& refChosen,
                         const std::vector<double>& refRejected, double beta,
                         const StageOptions& o, int32_t padId, const std::string& name,
                         const ProgressFn& progress) {
    std::mt19937_64 rng(o.seed);
    AdamW opt(policy.parameters(), 0.9, 0.999, 1e-8, o.weightDecay);
    const int64_t n = static_cast<int64_t>(chosen.size());
    const int perEpoch = static_cast<int>((n + o.batchSize - 1) / o.batchSize);
    const int total = perEpoch * o.epochs;
    TrainerStateLog log(o.logEvery, o.batchSize, total, o.epochs);
    std::map<std::string, double> window;
    int inWindow = 0, step = 0;
    double lossSum = 0.0;
    const auto start = std::chrono::steady_clock::now();
    for (int epoch = 0; epoch < o.epochs; ++epoch) {
        const std::vector<int64_t> order = shuffled(n, rng);
        for (int b = 0; b < perEpoch; ++b, ++step) {
            const int64_t from = static_cast<int64_t>(b) * o.batchSize;
            const int64_t to = std::min<int64_t>(n, from + o.batchSize);
            // Chosen rows then rejected rows: one forward pass (concatenated_inputs, §5).
            std::vector<TokenSeq> both;
            std::vector<double> refC, refR;
            for (int64_t i = from; i < to; ++i) {
                both.push_back(chosen[order[i]]);
                refC.push_back(refChosen[order[i]]);
                refR.push_back(refRejected[order[i]]);
            }
            for (int64_t i = from; i < to; ++i) {
                both.push_back(rejected[order[i]]);
            }
            const int64_t B = to - from;
            const at::Tensor sums = summedLogps(policy, makeBatch(both, {}, padId)); // [2B]
            const at::Tensor pc = sums.narrow(0, 0, B), pr = sums.narrow(0, B, B);  // [B]
            const DpoTerms d = dpoLoss(pc, pr, at::tensor(refC).to(at::kFloat),
                                       at::tensor(refR).to(at::kFloat), beta);
            d.loss.backward();
            const double lr = learningRate(o, step, total);
            const double gradNorm = opt.step(lr, o.maxGradNorm);
            const double loss = d.loss.item<double>();
            lossSum += loss;
            window["loss"] += loss;
            window["grad_norm"] += gradNorm;
            window["learning_rate"] += lr;
            window["rewards/chosen"] += d.chosenRewards.mean().item<double>();
            window["rewards/rejected"] += d.rejectedRewards.mean().item<double>();
            window["rewards/margins"] +=
                (d.chosenRewards - d.rejectedRewards).mean().item<double>();
            window["rewards/accuracies"] +=
                (d.chosenRewards > d.rejectedRewards).to(at::kFloat).mean().item<double>();
            window["logps/chosen"] += pc.mean().item<double>();
            window["logps/rejected"] += pr.mean().item<double>();
            ++inWindow;
            if (inWindow == o.logEvery || step + 1 == total) {
                for (auto& [k, v] : window) {
                    v /= inWindow;
                }
                log.add(step + 1, static_cast<double>(step + 1) / perEpoch, window);
                const std::string stage = name + " loss " + fmt("%.3f", window["loss"]) +
                                          " chosen " + fmt("%+.3f", window["rewards/chosen"]) +
                                          " margin " + fmt("%.3f", window["rewards/margins"]);
                window.clear();
                inWindow = 0;
                if (!report(progress, stage, step + 1, total)) {
                    throw StageCancelled{};
                }
            }
        }
    }
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    log.finish(total, o.epochs, lossSum / std::max(1, total), seconds);
    return log;
}

} // namespace cl::demo
