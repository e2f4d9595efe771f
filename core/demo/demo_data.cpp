#include "core/demo/demo_data.h"

#include "core/demo/demo_scenarios.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <map>
#include <random>
#include <set>
#include <stdexcept>

namespace cl::demo {

namespace {

using Facts = std::map<std::string, std::string>;

struct Rng {
    std::mt19937_64 engine;
    /// Uniform-ish integer in [lo, hi] from raw draws only (portable across standard libraries,
    /// unlike std::uniform_int_distribution).
    int range(int lo, int hi) { return lo + static_cast<int>(engine() % (hi - lo + 1)); }
    template <class A>
    std::string pick(const A& list) {
        return std::string(list[engine() % list.size()]);
    }
};

std::string thousands(int value) {
    const std::string digits = std::to_string(value);
    return value >= 1000 ? digits.substr(0, digits.size() - 3) + "," + digits.substr(digits.size() - 3)
                         : digits;
}

Facts drawFacts(Rng& rng) {
    Facts f;
    f["name"] = rng.pick(kNames);
    f["age"] = std::to_string(rng.range(19, 45));
    f["age2"] = std::to_string(rng.range(19, 45));
    f["g"] = rng.range(0, 1) ? "F" : "M";
    f["g2"] = rng.range(0, 1) ? "F" : "M";
    f["city"] = rng.pick(kCities);
    do {
        f["city2"] = rng.pick(kCities);
    } while (f["city2"] == f["city"]);
    const int level = rng.range(0, 2);
    f["level"] = std::string(kLevels[level]);
    f["newlevel"] = std::string(kLevels[level + 1]);
    f["role"] = rng.pick(kRoles);
    f["years"] = std::to_string(rng.range(2, 12));
    f["months"] = std::to_string(rng.range(2, 11));
    f["count"] = std::to_string(rng.range(2, 6));
    f["salary"] = thousands(rng.range(35, 140) * 1000);
    f["price"] = thousands(rng.range(4, 60) * 50);
    f["object"] = rng.pick(kObjects);
    f["pet"] = rng.pick(kPets);
    return f;
}

/// A rendered template: the text and where each placeholder landed.
struct Rendered {
    std::string text;
    std::vector<std::pair<std::string, std::pair<int64_t, int64_t>>> slots;
};

Rendered render(std::string_view tmpl, const Facts& facts) {
    Rendered out;
    for (size_t i = 0; i < tmpl.size();) {
        if (tmpl[i] == '{') {
            const size_t close = tmpl.find('}', i);
            const std::string key(tmpl.substr(i + 1, close - i - 1));
            const auto it = facts.find(key);
            if (it == facts.end()) {
                throw std::logic_error("demo template uses unknown fact {" + key + "}");
            }
            const int64_t begin = static_cast<int64_t>(out.text.size());
            out.text += it->second;
            out.slots.push_back({key, {begin, static_cast<int64_t>(out.text.size())}});
            i = close + 1;
        } else {
            out.text += tmpl[i++];
        }
    }
    return out;
}

/// A wrong value for fact `key`: another number, a higher title, another place, name or object.
std::string corrupt(const std::string& key, const Facts& f, Rng& rng) {
    const std::string& v = f.at(key);
    std::string w = v;
    while (w == v) {
        if (key == "age" || key == "age2") {
            const std::string other = f.at(key == "age" ? "age2" : "age");
            w = rng.range(0, 3) == 0 ? other : std::to_string(rng.range(19, 45));
        } else if (key == "years") {
            w = std::to_string(rng.range(2, 12));
        } else if (key == "months") {
            w = std::to_string(rng.range(2, 11));
        } else if (key == "count") {
            w = std::to_string(rng.range(2, 6));
        } else if (key == "salary") {
            w = thousands(rng.range(35, 140) * 1000);
        } else if (key == "price") {
            w = thousands(rng.range(4, 60) * 50);
        } else if (key == "city" || key == "city2") {
            const std::string other = f.at(key == "city" ? "city2" : "city");
            w = rng.range(0, 2) == 0 ? other : rng.pick(kCities);
        } else if (key == "level" || key == "newlevel") {
            const auto* at = std::find(kLevels.begin(), kLevels.end(), v);
            const int index = static_cast<int>(at - kLevels.begin());
            w = std::string(kLevels[std::min<int>(index + rng.range(1, 2), kLevels.size() - 1)]);
        } else if (key == "name") {
            w = rng.pick(kNames);
        } else if (key == "object") {
            w = rng.pick(kObjects);
        } else {
            throw std::logic_error("demo fact {" + key + "} cannot be corrupted");
        }
    }
    return w;
}

DemoPair makePair(Rng& rng, Rng& authorRng) {
    const Scenario& s = kScenarios[rng.engine() % kScenarios.size()];
    const Facts facts = drawFacts(rng);
    DemoPair p;
    if (authorRng.range(0, 1) == 1) {
        p.authorTldr = authorRng.pick(s.authorTldrs);
    }
    if (authorRng.range(0, 1) == 1) {
        p.authorEdit = render(authorRng.pick(s.authorEdits), facts).text;
    }
    p.post = "SUBREDDIT: r/" + std::string(s.subreddit) + "\nTITLE: " + render(s.title, facts).text +
             "\nPOST: " + rng.pick(kIntros) + render(s.post, facts).text + rng.pick(kOutros);
    p.prompt = p.post + "\nTL;DR:";
    const std::string_view summary = s.summaries[rng.engine() % 2];
    const Rendered chosen = render(summary, facts);
    p.chosen = chosen.text;

    // Facts of this summary that may change (gender letters stay), in order of appearance.
    std::vector<std::string> keys;
    for (const auto& slot : chosen.slots) {
        if (slot.first != "g" && slot.first != "g2" && slot.first != "role" &&
            std::find(keys.begin(), keys.end(), slot.first) == keys.end()) {
            keys.push_back(slot.first);
        }
    }
    const int changes = std::min<int>(rng.range(0, 9) < 6 ? 1 : 2, keys.size());
    Facts wrong = facts;
    std::set<std::string> changed;
    while (static_cast<int>(changed.size()) < changes) {
        const std::string& key = keys[rng.engine() % keys.size()];
        if (changed.insert(key).second) {
            wrong[key] = corrupt(key, facts, rng);
        }
    }
    const Rendered rejected = render(summary, wrong);
    p.rejected = rejected.text;
    for (const auto& slot : rejected.slots) {
        if (changed.count(slot.first)) {
            p.rejectedErrorSpans.push_back(slot.second);
            p.errorKinds.push_back(slot.first);
        }
    }
    return p;
}

} // namespace

DemoData generateDemoData(uint64_t seed, int trainCount, int heldOutCount) {
    Rng rng{std::mt19937_64(seed)};
    // A stream of its own, so the pairs do not depend on the authors' TL;DR and EDIT lines.
    Rng authorRng{std::mt19937_64(seed ^ 0x7d1a5eedULL)};
    DemoData data;
    std::set<std::string> posts;
    while (static_cast<int>(data.train.size() + data.heldOut.size()) < trainCount + heldOutCount) {
        DemoPair p = makePair(rng, authorRng);
        if (!posts.insert(p.post).second) {
            continue; // a repeated post would leak between the splits
        }
        auto& split = static_cast<int>(data.train.size()) < trainCount ? data.train : data.heldOut;
        split.push_back(std::move(p));
    }
    return data;
}

std::string pairToJsonLine(const DemoPair& pair) {
    nlohmann::ordered_json spans = nlohmann::ordered_json::array();
    for (const auto& [b, e] : pair.rejectedErrorSpans) {
        spans.push_back({b, e});
    }
    nlohmann::ordered_json j = {{"prompt", pair.prompt},
                        {"chosen", pair.chosen},
                        {"rejected", pair.rejected},
                        {"rejected_error_spans", spans},
                        {"error_kinds", pair.errorKinds}};
    return j.dump();
}

} // namespace cl::demo
