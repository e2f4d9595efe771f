// The demo's synthetic data and its TRL log writer (issue #9): seeded determinism, error spans
// that point at exactly the changed facts, facts copied from the post, a log the readers open.
#include "core/demo/demo_data.h"
#include "core/demo/trainer_state_log.h"
#include "core/logs/log_reader.h"

#include <QTemporaryDir>
#include <QtTest>

#include <nlohmann/json.hpp>

#include <regex>
#include <set>

using cl::demo::DemoPair;

class TestDemoData : public QObject {
    Q_OBJECT
private slots:
    void sameSeedSameData() {
        const auto a = cl::demo::generateDemoData(7, 50, 10);
        const auto b = cl::demo::generateDemoData(7, 50, 10);
        const auto c = cl::demo::generateDemoData(8, 50, 10);
        QCOMPARE(a.train.size(), size_t(50));
        QCOMPARE(a.heldOut.size(), size_t(10));
        for (size_t i = 0; i < a.train.size(); ++i) {
            QCOMPARE(cl::demo::pairToJsonLine(a.train[i]), cl::demo::pairToJsonLine(b.train[i]));
        }
        int same = 0;
        for (size_t i = 0; i < a.train.size(); ++i) {
            same += a.train[i].post == c.train[i].post;
        }
        QVERIFY2(same < 5, "another seed should give other posts");
    }

    void splitsDoNotShareposts() {
        const auto d = cl::demo::generateDemoData(3, 400, 100);
        std::set<std::string> train;
        for (const DemoPair& p : d.train) {
            train.insert(p.post);
        }
        for (const DemoPair& p : d.heldOut) {
            QVERIFY(!train.count(p.post));
        }
    }

    // Outside its error spans a rejected summary is the chosen one, character for character;
    // inside them it says something else.
    void errorSpansMarkExactlyTheChanges() {
        const auto d = cl::demo::generateDemoData(11, 500, 0);
        for (const DemoPair& p : d.train) {
            QVERIFY(!p.rejectedErrorSpans.empty());
            QVERIFY(p.chosen != p.rejected);
            std::set<std::string> kinds(p.errorKinds.begin(), p.errorKinds.end());
            QVERIFY2(kinds.size() >= 1 && kinds.size() <= 2, p.rejected.c_str());
            // Walk the rejected text: the literal parts between spans match chosen in order, and
            // each span's text differs from the chosen value at that place.
            const auto& spans = p.rejectedErrorSpans;
            size_t ci = 0;
            int64_t ri = 0;
            for (size_t k = 0; k < spans.size(); ++k) {
                const auto [b0, b1] = spans[k];
                QVERIFY(b0 >= ri && b1 > b0 && b1 <= static_cast<int64_t>(p.rejected.size()));
                const std::string before = p.rejected.substr(ri, b0 - ri);
                QCOMPARE(p.chosen.substr(ci, before.size()), before);
                ci += before.size();
                const int64_t next = k + 1 < spans.size()
                                         ? spans[k + 1].first
                                         : static_cast<int64_t>(p.rejected.size());
                const std::string after = p.rejected.substr(b1, next - b1);
                QVERIFY2(!after.empty() || next == static_cast<int64_t>(p.rejected.size()),
                         "error spans must be separated by unchanged text");
                const size_t stop = k + 1 < spans.size() ? p.chosen.find(after, ci)
                                                         : p.chosen.size() - after.size();
                QVERIFY2(stop != std::string::npos && stop >= ci,
                         (p.chosen + " | " + p.rejected).c_str());
                QVERIFY2(p.chosen.substr(ci, stop - ci) != p.rejected.substr(b0, b1 - b0),
                         p.rejected.c_str());
                ci = stop;
                ri = b1;
            }
            QCOMPARE(p.chosen.substr(ci), p.rejected.substr(ri));
        }
    }

    // Every number of a chosen summary is stated in the post: the summary is checkable.
    void chosenFactsComeFromThePost() {
        const auto d = cl::demo::generateDemoData(5, 300, 0);
        const std::regex number("[0-9]+(,[0-9]{3})*");
        for (const DemoPair& p : d.train) {
            QVERIFY(p.prompt.size() > p.post.size());
            QCOMPARE(p.prompt.substr(p.prompt.size() - 6), std::string("TL;DR:"));
            for (auto it = std::sregex_iterator(p.chosen.begin(), p.chosen.end(), number);
                 it != std::sregex_iterator(); ++it) {
                QVERIFY2(p.post.find(it->str()) != std::string::npos, p.chosen.c_str());
            }
        }
    }

    // About half the posts carry the author's own TL;DR line for the base LM; it states no fact
    // (no number, no name, no city), so the base model learns where a TL;DR ends, not what it says.
    void authorTldrsAreFactFreeAndCommon() {
        const auto d = cl::demo::generateDemoData(5, 600, 0);
        const std::regex fact("[0-9$]|\\b(Alex|Boston|Seattle|senior|junior|laptop|car)\\b");
        int with = 0;
        for (const DemoPair& p : d.train) {
            if (!p.authorTldr.empty()) {
                ++with;
                QVERIFY2(!std::regex_search(p.authorTldr, fact), p.authorTldr.c_str());
                QVERIFY(p.authorTldr != p.chosen);
            }
        }
        QVERIFY2(with > 240 && with < 360, std::to_string(with).c_str());
    }

    // EDIT lines restate facts of their own post only (every number in one is in the post).
    void authorEditsRestateThePost() {
        const auto d = cl::demo::generateDemoData(6, 400, 0);
        const std::regex number("[0-9]+(,[0-9]{3})*");
        int with = 0;
        for (const DemoPair& p : d.train) {
            if (p.authorEdit.empty()) {
                continue;
            }
            ++with;
            QCOMPARE(p.authorEdit.substr(0, 6), std::string("EDIT: "));
            for (auto it = std::sregex_iterator(p.authorEdit.begin(), p.authorEdit.end(), number);
                 it != std::sregex_iterator(); ++it) {
                QVERIFY2(p.post.find(it->str()) != std::string::npos, p.authorEdit.c_str());
            }
        }
        QVERIFY2(with > 150 && with < 250, std::to_string(with).c_str());
    }

    void jsonLineHasTheContractFields() {
        const auto d = cl::demo::generateDemoData(2, 3, 0);
        const auto j = nlohmann::json::parse(cl::demo::pairToJsonLine(d.train[0]));
        QCOMPARE(j.at("prompt").get<std::string>(), d.train[0].prompt);
        QCOMPARE(j.at("chosen").get<std::string>(), d.train[0].chosen);
        QCOMPARE(j.at("rejected").get<std::string>(), d.train[0].rejected);
        QCOMPARE(j.at("rejected_error_spans").size(), d.train[0].rejectedErrorSpans.size());
        QCOMPARE(j.at("rejected_error_spans")[0][0].get<int64_t>(),
                 d.train[0].rejectedErrorSpans[0].first);
    }

    void trainerStateOpensLikeTrl() {
        QTemporaryDir dir;
        cl::demo::TrainerStateLog log(5, 16, 20, 2.0);
        for (int s = 5; s <= 20; s += 5) {
            log.add(s, s / 10.0, {{"loss", 0.7 - 0.01 * s}, {"rewards/chosen", -0.1 * s},
                                  {"rewards/rejected", -0.2 * s}, {"rewards/margins", 0.1 * s},
                                  {"rewards/accuracies", 0.9}, {"logps/chosen", -30.0},
                                  {"logps/rejected", -40.0}});
        }
        log.finish(20, 2.0, 0.55, 12.0);
        const std::string path = dir.path().toStdString() + "/run/trainer_state.json";
        QVERIFY(log.write(path).ok());
        auto run = cl::logs::readLog(dir.path().toStdString() + "/run");
        QVERIFY2(run.ok(), run.error().c_str());
        const cl::logs::Series* chosen = run->find("rewards/chosen");
        QVERIFY(chosen);
        QCOMPARE(chosen->size(), size_t(4));
        QCOMPARE(chosen->steps[3], 20.0);
        QVERIFY(std::abs(chosen->values[3] - -2.0) < 1e-12);
        QVERIFY(chosen->hasEpochs());
        QVERIFY(run->find("logps/rejected"));
        QVERIFY(run->find("train_runtime"));
    }
};

QTEST_GUILESS_MAIN(TestDemoData)
#include "tst_demo_data.moc"
