#include "tools/parity_check/parity_cases.h"

#include "common/tolerance_bounds.h"
#include "core/engine/beam_search.h"
#include "core/engine/model.h"
#include "core/engine/sequence.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <limits>

namespace cl::parity {

namespace {

using nlohmann::json;

/// A fixture model: its folder and refs file under the fixtures folder.
struct Fixture {
    std::string name;
    std::string folder;    ///< relative to the fixtures folder
    std::string refs;      ///< relative to the fixtures folder
    std::string configDir; ///< for a weights-only folder (policy.pt)
    bool bf16 = false;     ///< also run in bf16 (the 3-layer float32 models of the README)
};

std::vector<Fixture> fixtures() {
    std::vector<Fixture> out;
    auto add = [&](const std::string& name, bool bf16 = false, const std::string& config = "") {
        out.push_back({name, "models/" + name, "refs/" + name + ".json", config, bf16});
    };
    // Architectures (README "Models" and "Architectures").
    add("gpt_neox_parallel", true);
    add("gpt_neox_sequential", true);
    add("llama_gqa", true);
    add("gpt2", true);
    for (const char* n :
         {"qwen2", "mistral_swa16", "gemma", "olmo", "stablelm_2", "stablelm_2_qkln",
          "llama_rope_linear", "llama_rope_dynamic", "llama3_eos_list"}) {
        add(n);
    }
    // Stored dtypes and checkpoint formats: decoded to float32 on the device.
    for (const char* n :
         {"gpt_neox_parallel_fp16weights", "llama_gqa_bf16weights", "bin_gpt2",
          "bin_legacy_gpt_neox_parallel_fp16weights", "bin_sharded_llama_gqa_bf16weights"}) {
        add(n);
    }
    add("dpo_policy_llama_gqa_bf16weights", false, "models/llama_gqa_bf16weights");
    // LoRA adapters: the policy (base + adapter), never merged.
    for (const char* n : {"lora_llama_gqa_r8", "lora_gpt_neox_parallel_r8", "lora_gpt2_r4_conv1d",
                          "lora_llama_gqa_rslora_r16", "lora_llama_gqa_lm_head"}) {
        add(n);
    }
    out.push_back({"stories260k", "stories260k", "stories260k/refs.json", "", false});
    return out;
}

json readJson(const std::string& path) {
    std::ifstream in(path);
    if (!in) {
        throw std::runtime_error("cannot read " + path);
    }
    return json::parse(in);
}

/// Max and mean |a − b|; NaN counts as infinitely far.
struct Diff {
    double max = 0, sum = 0;
    int count = 0;
    void add(double a, double b) {
        const double d = std::abs(a - b);
        const double v = std::isnan(d) ? std::numeric_limits<double>::infinity() : d;
        max = std::max(max, v);
        sum += v;
        ++count;
    }
    double mean() const { return count ? sum / count : 0.0; }
};

/// Rows of one check accumulated over sequences: the largest max and the largest mean.
struct Accumulated {
    Diff all;
    double worstMean = 0;
    void addSequence(const Diff& d) {
        all.max = std::max(all.max, d.max);
        all.sum += d.sum;
        all.count += d.count;
        worstMean = std::max(worstMean, d.mean());
    }
};

CheckRow failed(const std::string& check, const std::string& dtype, double bound,
                const std::string& why) {
    CheckRow r;
    r.check = check;
    r.dtype = dtype;
    r.bound = bound;
    r.max = std::numeric_limits<double>::infinity();
    r.note = why;
    return r;
}

CheckRow finish(const std::string& check, const std::string& dtype, const Accumulated& a,
                double bound, double meanBound) {
    CheckRow r;
    r.check = check;
    r.dtype = dtype;
    r.bound = bound;
    r.meanBound = meanBound;
    r.max = a.all.max;
    r.mean = a.worstMean;
    r.values = a.all.count;
    r.pass = a.all.count > 0 && r.max <= bound && (meanBound <= 0 || r.mean <= meanBound);
    return r;
}

/// Full-sequence log-probs of every logprob_sequences entry against next_token_logprobs_fp64.
CheckRow logprobRow(const Model& model, const json& refs, const std::string& name,
                    const std::string& dtype, double bound, double meanBound) {
    Accumulated acc;
    for (const json& seq : refs["logprob_sequences"]) {
        const auto ids = seq["input_ids"].get<std::vector<int32_t>>();
        const auto expected = seq["next_token_logprobs_fp64"].get<std::vector<double>>();
        auto got = model.logprobs(ids);
        if (!got) {
            return failed(name, dtype, bound, got.error());
        }
        if (got->size() != expected.size()) {
            return failed(name, dtype, bound, "wrong number of log-probs");
        }
        Diff d;
        for (size_t i = 0; i < expected.size(); ++i) {
            d.add((*got)[i], expected[i]);
        }
        acc.addSequence(d);
    }
    return finish(name, dtype, acc, bound, meanBound);
}

/// The KV cache on the device: the longest sequence scored as an edit would be (a prefix, a
/// truncate back into it, then the rest one chunk and one token at a time) equals float64.
CheckRow incrementalRow(Model& model, const json& refs, const std::string& name) {
    const json& seq = refs["logprob_sequences"].back();
    const auto ids = seq["input_ids"].get<std::vector<int32_t>>();
    const auto expected = seq["next_token_logprobs_fp64"].get<std::vector<double>>();
    const double bound = tol::kLogprobMaxVsF64;
    const int64_t n = static_cast<int64_t>(ids.size());
    Sequence s(model);
    const int64_t half = n / 2, quarter = n / 4;
    auto part = [&](int64_t from, int64_t to) {
        return std::vector<int32_t>(ids.begin() + from, ids.begin() + to);
    };
    std::string error;
    auto run = [&](int64_t from, int64_t to) {
        if (error.empty()) {
            if (auto r = s.append(part(from, to)); !r) {
                error = r.error();
            }
        }
    };
    run(0, half);
    s.truncate(quarter); // an edit at the quarter: the cache keeps the prefix
    const int64_t singles = std::min<int64_t>(4, n - quarter - 1);
    run(quarter, n - singles);
    for (int64_t p = n - singles; p < n; ++p) { // one-row steps, each read by the next
        run(p, p + 1);
    }
    if (!error.empty()) {
        return failed(name, "f32", bound, error);
    }
    Diff d;
    for (int64_t p = 1; p < n; ++p) {
        d.add(s.logprobs()[p], expected[p - 1]);
    }
    Accumulated acc;
    acc.addSequence(d);
    return finish(name, "f32", acc, bound, tol::kLogprobMeanVsF64);
}

std::vector<int32_t> idList(const json& v) {
    return v.is_array() ? v.get<std::vector<int32_t>>() : std::vector<int32_t>{v.get<int32_t>()};
}

/// Every generation run (greedy, beam 3 and 5; both EOS scenarios): HF's ids exactly, scores
/// within kBeamScoreVsF64 of the float64 re-score. max = largest score difference.
CheckRow beamRow(Model& model, const json& refs, const std::string& name) {
    const double bound = tol::kBeamScoreVsF64;
    Accumulated acc;
    Diff d;
    int hypotheses = 0;
    for (const json& g : refs["generation"]) {
        BeamOptions o;
        o.width = g["num_beams"].get<int>();
        o.numReturn = g["num_return_sequences"].get<int>();
        o.maxNewTokens = g["max_new_tokens"].get<int>();
        o.lengthPenalty = g["length_penalty"].get<double>();
        const std::string scenario = g["scenario"].get<std::string>();
        o.eosIds = idList(g["eos_token_id"]); // the exact call generate() got
        auto beams = beamSearch(model, g["prompt_ids"].get<std::vector<int32_t>>(), o);
        if (!beams) {
            return failed(name, "f32", bound, beams.error());
        }
        const auto expected = g["new_tokens"].get<std::vector<std::vector<int32_t>>>();
        const auto scores = g["rescored_score_fp64"].get<std::vector<double>>();
        const std::string where = scenario + " W=" + std::to_string(o.width);
        if (beams->size() != expected.size()) {
            return failed(name, "f32", bound,
                          where + ": " + std::to_string(beams->size()) + " hypotheses, HF " +
                              std::to_string(expected.size()));
        }
        for (size_t i = 0; i < expected.size(); ++i) {
            if ((*beams)[i].ids != expected[i]) {
                return failed(name, "f32", bound,
                              where + " hypothesis " + std::to_string(i) + ": ids differ");
            }
            d.add((*beams)[i].score, scores[i]);
            ++hypotheses;
        }
    }
    acc.addSequence(d);
    CheckRow r = finish(name, "f32", acc, bound, 0);
    r.note = std::to_string(hypotheses) + " hypotheses, ids equal";
    return r;
}

LoadOptions loadOptions(const Options& o, const Fixture& f, const std::string& dtype) {
    LoadOptions lo;
    lo.device = o.device;
    lo.dtype = dtype;
    lo.checkMemory = false; // tiny models; the device's memory is not the host's
    if (!f.configDir.empty()) {
        lo.configDir = o.fixtures + "/" + f.configDir;
    }
    return lo;
}

} // namespace

std::vector<CheckRow> runChecks(const Options& o) {
    std::vector<CheckRow> rows;
    for (const Fixture& f : fixtures()) {
        json refs;
        try {
            refs = readJson(o.fixtures + "/" + f.refs);
        } catch (const std::exception& e) {
            rows.push_back(failed(f.name, "-", 0, e.what()));
            continue;
        }
        if (o.f32) {
            auto model = Model::load(o.fixtures + "/" + f.folder, loadOptions(o, f, "f32"));
            if (!model) {
                rows.push_back(failed(f.name + " load", "f32", 0, model.error()));
            } else {
                rows.push_back(logprobRow(**model, refs, f.name + " logprobs", "f32",
                                          tol::kLogprobMaxVsF64, tol::kLogprobMeanVsF64));
                rows.push_back(incrementalRow(**model, refs, f.name + " incremental"));
                if (o.beams && refs.contains("generation")) {
                    rows.push_back(beamRow(**model, refs, f.name + " beams"));
                }
            }
        }
        if (o.bf16 && f.bf16) {
            auto model = Model::load(o.fixtures + "/" + f.folder, loadOptions(o, f, "bf16"));
            if (!model) {
                rows.push_back(failed(f.name + " load", "bf16", 0, model.error()));
                continue;
            }
            CheckRow r = logprobRow(**model, refs, f.name + " logprobs", "bf16",
                                    tol::kBf16ComputeMax, tol::kBf16ComputeMean);
            // Within the float32 bound would mean the weights never left float32.
            if (r.pass && r.max <= tol::kLogprobMaxVsF64) {
                r.pass = false;
                r.note = "max within the float32 bound: not computed in bf16";
            }
            rows.push_back(r);
        }
    }
    return rows;
}

} // namespace cl::parity
