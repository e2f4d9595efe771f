#include "core/engine/alternatives.h"

#include "core/text/tokenizer.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <string>

namespace cl {

Alternatives rankAlternatives(const std::vector<float>& pol, const std::vector<float>& ref,
                              int64_t vocab, int32_t written, int k, double beta, int64_t position,
                              const Tokenizer* tokenizer) {
    vocab = std::min({vocab, static_cast<int64_t>(pol.size()), static_cast<int64_t>(ref.size())});
    std::vector<int32_t> order(static_cast<size_t>(std::max<int64_t>(vocab, 0)));
    std::iota(order.begin(), order.end(), 0);
    const double plausibleLogp = std::log(kPlausibleProbability);
    auto plausible = [&](int32_t id) { return id == written || pol[id] >= plausibleLogp; };
    auto make = [&](int32_t id) {
        Alternative a;
        a.id = id;
        a.logpPolicy = pol[id];
        a.logpRef = ref[id];
        a.reward = beta * (a.logpPolicy - a.logpRef);
        a.plausible = plausible(id);
        a.text = tokenizer ? tokenizer->decode({id}) : std::to_string(id);
        return a;
    };
    const int64_t kk = std::clamp<int64_t>(k, 0, vocab);
    Alternatives out;
    out.position = position;
    auto byReward = order;
    std::partial_sort(byReward.begin(), byReward.begin() + kk, byReward.end(),
                      [&](int32_t a, int32_t b) {
                          const bool pa = plausible(a), pb = plausible(b);
                          return pa != pb ? pa : pol[a] - ref[a] > pol[b] - ref[b];
                      });
    std::partial_sort(order.begin(), order.begin() + kk, order.end(),
                      [&](int32_t a, int32_t b) { return pol[a] > pol[b]; });
    for (int64_t i = 0; i < kk; ++i) {
        out.byReward.push_back(make(byReward[i]));
        out.byPolicy.push_back(make(order[i]));
    }
    return out;
}

} // namespace cl
