#pragma once
// Checks shared by the tests that hold a model against the HF fixtures' references
// (refs/<name>.json, schema in ../shared/fixtures/README.md): each checkpoint format,
// architecture and adapter runs the same comparison, with the same bounds.

#include "common/fixtures.h"
#include "common/tolerances.h"
#include "core/engine/beam_search.h"
#include "core/engine/model.h"

#include <QString>
#include <QTest>

#include <nlohmann/json.hpp>

#include <cmath>
#include <fstream>
#include <string>
#include <vector>

namespace cl::test {

inline nlohmann::json readJsonFile(const std::string& path) {
    std::ifstream in(path);
    return nlohmann::json::parse(in);
}

/// refs/<name>.json of the fixtures.
inline nlohmann::json fixtureRefs(const QString& name) {
    return readJsonFile(fixtureStd("refs/" + name + ".json"));
}

/// The model's log-probs of every `logprob_sequences` entry of `ref` against its float64
/// reference: per sequence within the calibrated max and mean, each printed. `all`, when given,
/// collects every token's difference. A failed check is recorded by QTest (the caller may test
/// QTest::currentTestFailed()).
inline void checkLogprobSequences(const cl::Model& model, const nlohmann::json& ref,
                                  const QString& name, tol::DiffStats* all = nullptr) {
    for (const nlohmann::json& seq : ref["logprob_sequences"]) {
        const auto ids = seq["input_ids"].get<std::vector<int32_t>>();
        const auto expected = seq["next_token_logprobs_fp64"].get<std::vector<double>>();
        auto got = model.logprobs(ids);
        QVERIFY2(got.ok(), got.error().c_str());
        QCOMPARE(got->size(), expected.size());
        tol::DiffStats d;
        for (size_t i = 0; i < expected.size(); ++i) {
            d.add((*got)[i], expected[i]);
            if (all) {
                all->add((*got)[i], expected[i]);
            }
        }
        const QString what = QString("%1 len %2 vs float64").arg(name).arg(ids.size());
        QVERIFY2(d.report(what, tol::kLogprobMaxVsF64), qPrintable(d.describe(what, tol::kLogprobMaxVsF64)));
        QVERIFY2(d.mean() <= tol::kLogprobMeanVsF64,
                 qPrintable(d.describe(what + " (mean)", tol::kLogprobMeanVsF64)));
    }
}

/// An eos_token_id as the refs write it: one id or a list.
inline std::vector<int32_t> idList(const nlohmann::json& v) {
    return v.is_array() ? v.get<std::vector<int32_t>>() : std::vector<int32_t>{v.get<int32_t>()};
}

/// Every `generation` run of `ref` (greedy and beam, HF 4.40's generate()) through beamSearch:
/// each returned hypothesis has HF's ids (`new_tokens`: the EOS that really ended it) and a score
/// within kBeamScoreVsF64 of the float64 re-score. `config_eos` runs use the model's own EOS
/// ids; with `checkConfigEos` those must be the ids generate() used. Returns the hypotheses
/// compared (QTest records a failed check).
inline int checkGenerations(cl::Model& model, const nlohmann::json& ref, const QString& name,
                            bool checkConfigEos = false) {
    int hypotheses = 0;
    for (const nlohmann::json& g : ref["generation"]) {
        cl::BeamOptions o;
        o.width = g["num_beams"].get<int>();
        o.numReturn = g["num_return_sequences"].get<int>();
        o.maxNewTokens = g["max_new_tokens"].get<int>();
        o.lengthPenalty = g["length_penalty"].get<double>();
        const std::string scenario = g["scenario"].get<std::string>();
        if (scenario != "config_eos") {
            o.eosIds = idList(g["eos_token_id"]);
        } else if (checkConfigEos && model.info().eosIds != idList(g["eos_token_id"])) {
            QTest::qFail(qPrintable(name + ": the model's eos_token_id is not the one generate() used"),
                         __FILE__, __LINE__);
            return hypotheses;
        }
        auto beams = cl::beamSearch(model, g["prompt_ids"].get<std::vector<int32_t>>(), o);
        if (!beams.ok()) {
            QTest::qFail(beams.error().c_str(), __FILE__, __LINE__);
            return hypotheses;
        }
        const auto expected = g["new_tokens"].get<std::vector<std::vector<int32_t>>>();
        const auto scores = g["rescored_score_fp64"].get<std::vector<double>>();
        if (beams->size() != expected.size()) {
            QTest::qFail(qPrintable(QString("%1 %2 W=%3: %4 hypotheses, HF returned %5")
                                        .arg(name, QString::fromStdString(scenario))
                                        .arg(o.width).arg(beams->size()).arg(expected.size())),
                         __FILE__, __LINE__);
            return hypotheses;
        }
        for (size_t i = 0; i < expected.size(); ++i) {
            const QString where = QString("%1 %2 W=%3 hypothesis %4")
                                      .arg(name, QString::fromStdString(scenario))
                                      .arg(o.width)
                                      .arg(i);
            if ((*beams)[i].ids != expected[i]) {
                QTest::qFail(qPrintable(where + " differs"), __FILE__, __LINE__);
                return hypotheses;
            }
            if (std::abs((*beams)[i].score - scores[i]) > tol::kBeamScoreVsF64) {
                QTest::qFail(qPrintable(QString("%1: score %2 vs %3")
                                            .arg(where).arg((*beams)[i].score).arg(scores[i])),
                             __FILE__, __LINE__);
                return hypotheses;
            }
            ++hypotheses;
        }
    }
    return hypotheses;
}

} // namespace cl::test
