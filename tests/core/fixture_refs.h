#pragma once
// Checks shared by the tests that hold a model against the HF fixtures' references
// (refs/<name>.json, schema in ../shared/fixtures/README.md): each checkpoint format,
// architecture and adapter runs the same comparison, with the same bounds.

#include "common/fixtures.h"
#include "common/tolerances.h"
#include "core/engine/model.h"

#include <QString>
#include <QTest>

#include <nlohmann/json.hpp>

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

} // namespace cl::test
