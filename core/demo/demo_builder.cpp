#include "core/demo/demo_builder.h"

#include "core/demo/demo_data.h"
#include "core/demo/demo_tokenizer.h"
#include "core/demo/stage_trainer.h"
#include "core/demo/tiny_model.h"
#include "core/engine/prompt_template.h"
#include "core/text/tokenizer.h"

#include <nlohmann/json.hpp>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <stdexcept>

namespace cl::demo {

namespace fs = std::filesystem;

namespace {

double secondsSince(std::chrono::steady_clock::time_point t) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

struct Sequences {
    std::vector<TokenSeq> posts, chosen, rejected; ///< posts: base LM text (whole sequence)
};

/// Token sequences exactly as the app scores them: template "tldr" (prompt and " " + response
/// tokenised apart, EOS appended, no BOS); the loss starts at the first response token. Base LM
/// text: the post, its EDIT line if any, then EOS or the author's own TL;DR line.
Sequences tokenize(const Tokenizer& tok, const std::vector<DemoPair>& pairs, int64_t maxLen) {
    const int32_t eos = tok.special().eos.value_or(2);
    Sequences s;
    auto templated = [&](const std::string& prompt, const std::string& response) {
        auto seq = applyTemplate(tok, "tldr", prompt, response, true);
        if (!seq) {
            throw std::runtime_error(seq.error());
        }
        if (static_cast<int64_t>(seq->ids.size()) > maxLen) {
            throw std::runtime_error("a demo example has " + std::to_string(seq->ids.size()) +
                                     " tokens, more than the context of " +
                                     std::to_string(maxLen));
        }
        return TokenSeq{seq->ids, seq->responseStart};
    };
    for (const DemoPair& p : pairs) {
        const std::string post = p.authorEdit.empty() ? p.post : p.post + "\n" + p.authorEdit;
        if (p.authorTldr.empty()) {
            auto enc = tok.encode(post, false);
            if (!enc) {
                throw std::runtime_error(enc.error());
            }
            std::vector<int32_t> ids = enc->ids;
            ids.push_back(eos);
            s.posts.push_back(TokenSeq{ids, 1});
        } else { // the tldr template appends "\nTL;DR:" and splits it as in a scored pair
            s.posts.push_back(TokenSeq{templated(post, p.authorTldr).ids, 1});
        }
        s.chosen.push_back(templated(p.prompt, p.chosen));
        s.rejected.push_back(templated(p.prompt, p.rejected));
    }
    return s;
}

void installModel(const CausalLm& lm, const std::string& folder, const std::string& config,
                  const std::string& spmModel) {
    saveModel(lm, folder, config);
    Status st = installTokenizer(spmModel, folder);
    if (!st) {
        throw std::runtime_error(st.error());
    }
}

DemoReport build(const DemoOptions& o, const ProgressFn& progress) {
    const auto start = std::chrono::steady_clock::now();
    DemoReport report;
    auto stage = [&](const std::string& name, auto&& fn) {
        const auto t = std::chrono::steady_clock::now();
        fn();
        report.stageSeconds.push_back({name, secondsSince(t)});
    };
    const std::string out = o.outDir, work = o.outDir + "/work";
    fs::create_directories(work);

    DemoData data;
    stage("data", [&] { data = generateDemoData(o.seed, o.trainPairs, o.heldOutPairs); });
    std::string spmModel;
    stage("tokenizer", [&] {
        std::vector<std::string> corpus;
        for (const DemoPair& p : data.train) {
            corpus.insert(corpus.end(), {p.prompt, p.chosen, p.rejected});
        }
        auto model = trainSentencePiece(corpus, work, {o.vocabSize, static_cast<unsigned>(o.seed)});
        if (!model) {
            throw std::runtime_error(model.error());
        }
        spmModel = model.value();
    });
    const std::string init = work + "/init";
    Status st = installTokenizer(spmModel, init);
    if (!st) {
        throw std::runtime_error(st.error());
    }
    auto tok = Tokenizer::load(init + "/tokenizer.model");
    if (!tok) {
        throw std::runtime_error(tok.error());
    }
    const ModelShape shape{o.hidden, o.layers, o.heads, o.intermediate, 256};
    report.vocabSize = tok.value()->vocabSize();
    const std::string config = neoxConfigJson(report.vocabSize, shape);
    writeInitialModel(init, config, o.seed);
    const Sequences seqs = tokenize(*tok.value(), data.train, shape.maxPositions);
    const int32_t pad = tok.value()->special().eos.value_or(2);

    StageOptions lmOpt;
    lmOpt.batchSize = o.batchSize;
    lmOpt.seed = o.seed;
    auto cached = [&](const std::string& folder) {
        return o.resume && fs::exists(folder + "/model.safetensors");
    };
    stage("base", [&] {
        if (cached(work + "/base")) {
            return;
        }
        auto lm = loadTrainable(init);
        lmOpt.epochs = o.baseEpochs;
        lmOpt.lr = o.baseLr;
        trainLm(*lm, seqs.posts, lmOpt, pad, "base LM", progress);
        installModel(*lm, work + "/base", config, spmModel);
    });
    stage("sft", [&] {
        if (cached(out + "/reference")) {
            return;
        }
        auto lm = loadTrainable(work + "/base");
        lmOpt.epochs = o.sftEpochs;
        lmOpt.lr = o.sftLr;
        trainLm(*lm, seqs.chosen, lmOpt, pad, "SFT", progress);
        installModel(*lm, out + "/reference", config, spmModel);
    });
    StageOptions dpoOpt;
    dpoOpt.epochs = o.dpoEpochs;
    dpoOpt.batchSize = o.batchSize;
    dpoOpt.lr = o.dpoLr;
    dpoOpt.seed = o.seed + 1;
    dpoOpt.logEvery = o.logEvery;
    dpoOpt.maxGradNorm = 10.0; // the reference code's max_grad_norm
    auto dpo = [&](const std::string& init, const std::string& name, const std::string& logDir,
                   const std::string& policyDir) {
        auto lm = loadTrainable(init);
        const std::vector<double> refC = sequenceLogps(*lm, seqs.chosen, 32, pad);
        const std::vector<double> refR = sequenceLogps(*lm, seqs.rejected, 32, pad);
        TrainerStateLog log = trainDpo(*lm, seqs.chosen, seqs.rejected, refC, refR, o.beta,
                                       dpoOpt, pad, name, progress);
        Status written = log.write(logDir + "/trainer_state.json");
        if (!written) {
            throw std::runtime_error(written.error());
        }
        installModel(*lm, policyDir, config, spmModel);
    };
    stage("dpo_from_sft", [&] {
        report.parameters = loadTrainable(out + "/reference")->parameterCount();
        dpo(out + "/reference", "DPO from SFT", out + "/dpo_from_sft", out + "/policy");
    });
    stage("dpo_without_sft", [&] {
        dpo(work + "/base", "DPO without SFT", out + "/dpo_without_sft",
            work + "/policy_without_sft");
    });
    {
        std::ofstream pairs(out + "/pairs.jsonl", std::ios::binary);
        for (const DemoPair& p : data.heldOut) {
            pairs << pairToJsonLine(p) << "\n";
        }
    }
    stage("measure", [&] {
        auto m = measureDemo(out, progress);
        if (!m) {
            throw std::runtime_error(m.error());
        }
        report.measurements = m.value();
    });
    report.seconds = secondsSince(start);
    return report;
}

void writeResults(const DemoOptions& o, const DemoReport& r) {
    nlohmann::ordered_json stages = nlohmann::ordered_json::object();
    for (const auto& [name, s] : r.stageSeconds) {
        stages[name] = s;
    }
    const nlohmann::ordered_json j = {
        {"command", "creditlens-cli train-demo --out DIR --seed " + std::to_string(o.seed)},
        {"seed", o.seed},
        {"train_pairs", o.trainPairs},
        {"held_out_pairs", o.heldOutPairs},
        {"model", {{"architecture", "GPTNeoXForCausalLM"}, {"parameters", r.parameters},
                   {"vocab_size", r.vocabSize}, {"hidden", o.hidden}, {"layers", o.layers},
                   {"heads", o.heads}, {"intermediate", o.intermediate}}},
        {"epochs", {{"base", o.baseEpochs}, {"sft", o.sftEpochs}, {"dpo", o.dpoEpochs}}},
        {"learning_rates", {{"base", o.baseLr}, {"sft", o.sftLr}, {"dpo", o.dpoLr}}},
        {"batch_size", o.batchSize},
        {"beta", o.beta},
        {"seconds", r.seconds},
        {"stage_seconds", stages},
        {"measurements", nlohmann::ordered_json::parse(measurementsJson(r.measurements))}};
    std::ofstream(o.outDir + "/demo_results.json") << j.dump(2) << "\n";
}

} // namespace

Result<DemoReport> buildDemo(const DemoOptions& options, const ProgressFn& progress) {
    if (options.outDir.empty()) {
        return Error{"train-demo needs an output folder"};
    }
    try {
        DemoReport r = build(options, progress);
        writeResults(options, r);
        if (!options.keepWork) {
            std::error_code ec;
            fs::remove_all(options.outDir + "/work", ec);
        }
        return r;
    } catch (const StageCancelled&) {
        return Error{kCancelledMessage};
    } catch (const std::exception& e) {
        return Error{e.what()};
    }
}

} // namespace cl::demo
