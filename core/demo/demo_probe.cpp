#include "core/demo/demo_probe.h"

#include "core/demo/adam_w.h"
#include "core/demo/dpo_loss.h"
#include "core/demo/sequence_batch.h"
#include "core/demo/tiny_model.h"

#include <ATen/core/grad_mode.h>

#include <fstream>
#include <sstream>

namespace cl::demo {

namespace {

std::vector<TokenSeq> toSeqs(const std::vector<ProbeSequence>& in) {
    std::vector<TokenSeq> out;
    for (const ProbeSequence& p : in) {
        TokenSeq s;
        s.ids = p.promptIds;
        s.ids.insert(s.ids.end(), p.responseIds.begin(), p.responseIds.end());
        s.lossStart = static_cast<int64_t>(p.promptIds.size());
        out.push_back(std::move(s));
    }
    return out;
}

std::vector<double> toVector(const at::Tensor& t) {
    const at::Tensor d = t.detach().to(at::kDouble).contiguous();
    return std::vector<double>(d.data_ptr<double>(), d.data_ptr<double>() + d.numel());
}

} // namespace

Status writeRandomNeox(const std::string& folder, int64_t vocabSize, int hidden, int layers,
                       int heads, int intermediate, uint64_t seed) {
    return catchAll([&]() -> Status {
        writeInitialModel(folder,
                          neoxConfigJson(vocabSize, {hidden, layers, heads, intermediate, 256}),
                          seed);
        return Ok{};
    });
}

Result<DpoProbe> probeDpoStep(const std::string& policyDir, const std::string& referenceDir,
                              const std::vector<ProbeSequence>& chosen,
                              const std::vector<ProbeSequence>& rejected, double beta, double lr,
                              const std::string& savePolicyTo) {
    return catchAll([&]() -> Result<DpoProbe> {
        if (chosen.size() != rejected.size() || chosen.empty()) {
            return Error{"probeDpoStep needs as many chosen as rejected sequences"};
        }
        auto policy = loadTrainable(policyDir);
        auto reference = loadTrainable(referenceDir);
        std::vector<TokenSeq> both = toSeqs(chosen);
        const std::vector<TokenSeq> rej = toSeqs(rejected);
        both.insert(both.end(), rej.begin(), rej.end());
        const int64_t B = static_cast<int64_t>(chosen.size());
        const SeqBatch batch = makeBatch(both, {}, 0);
        at::Tensor ref; // [2B]
        {
            at::NoGradGuard noGrad;
            ref = summedLogps(*reference, batch);
        }
        auto lossOf = [&](DpoProbe* out) {
            const at::Tensor sums = summedLogps(*policy, batch); // [2B]
            DpoTerms d = dpoLoss(sums.narrow(0, 0, B), sums.narrow(0, B, B), ref.narrow(0, 0, B),
                                 ref.narrow(0, B, B), beta);
            if (out) {
                out->policyChosen = toVector(sums.narrow(0, 0, B));
                out->policyRejected = toVector(sums.narrow(0, B, B));
                out->refChosen = toVector(ref.narrow(0, 0, B));
                out->refRejected = toVector(ref.narrow(0, B, B));
            }
            return d.loss;
        };
        DpoProbe probe;
        const at::Tensor loss = lossOf(&probe);
        probe.loss = loss.item<double>();
        loss.backward();
        AdamW opt(policy->parameters());
        probe.gradNorm = opt.step(lr, 0.0);
        {
            at::NoGradGuard noGrad;
            probe.lossAfterStep = lossOf(nullptr).item<double>();
        }
        if (!savePolicyTo.empty()) {
            std::ifstream in(policyDir + "/config.json");
            std::stringstream config;
            config << in.rdbuf();
            saveModel(*policy, savePolicyTo, config.str());
        }
        return probe;
    });
}

} // namespace cl::demo
