#pragma once
// The numbers CreditLens shows for one response: per-token implicit rewards
// r_t = beta * (log pi_theta(a_t|s_t) - log pi_ref(a_t|s_t))  (Rafailov et al., Eq. 11).
// Std types only: shared by core, the CLI and the GUI.

#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

namespace cl {

/// One scored response token.
struct TokenScore {
    int32_t id = 0;
    std::string text;        ///< the token's surface text (decoded piece)
    int64_t start = 0;       ///< byte span in the response text, [start, end)
    int64_t end = 0;         ///< an appended EOS has start == end == response size
    double logpPolicy = 0.0; ///< log pi_theta(a_t | s_t)
    double logpRef = 0.0;    ///< log pi_ref(a_t | s_t)
    double reward = 0.0;     ///< beta * (logpPolicy - logpRef)
    bool isEos = false;      ///< the terminal action appended by the template
};

/// A scored response: per-token data and totals.
struct ResponseScore {
    std::vector<TokenScore> tokens;
    double beta = 0.1;
    double rewardSum = 0.0;  ///< sum of r_t (what TRL's rewards/chosen averages over a batch)
    double rewardMean = 0.0; ///< rewardSum / token count (0 for no tokens)
    double logpPolicySum = 0.0;
    double logpRefSum = 0.0;
    int64_t promptTokens = 0;
    int64_t reusedTokens = 0; ///< tokens whose KV cache was reused (incremental rescoring)
    double elapsedMs = 0.0;
};

/// Recomputes rewards and totals for a new beta; no forward pass needed.
inline void rescale(ResponseScore& score, double beta) {
    score.beta = beta;
    score.rewardSum = 0.0;
    score.logpPolicySum = 0.0;
    score.logpRefSum = 0.0;
    for (TokenScore& t : score.tokens) {
        t.reward = beta * (t.logpPolicy - t.logpRef);
        score.rewardSum += t.reward;
        score.logpPolicySum += t.logpPolicy;
        score.logpRefSum += t.logpRef;
    }
    score.rewardMean = score.tokens.empty() ? 0.0 : score.rewardSum / score.tokens.size();
}

/// Bradley-Terry probability that response a is preferred: sigma(sum r_a - sum r_b).
inline double bradleyTerry(double rewardSumA, double rewardSumB) {
    const double d = rewardSumA - rewardSumB;
    return d >= 0 ? 1.0 / (1.0 + std::exp(-d)) : std::exp(d) / (1.0 + std::exp(d));
}

/// A counterfactual token at one response position.
struct Alternative {
    int32_t id = 0;
    std::string text;
    double logpPolicy = 0.0;
    double logpRef = 0.0;
    double reward = 0.0; ///< beta * (logpPolicy - logpRef)
    /// pi_theta(a|s) >= kPlausibleProbability, or a is the token in the text.
    bool plausible = true;
};

/// Tokens the policy gives less than this are ranked by reward only after the plausible ones:
/// otherwise the list fills with tokens both models find near impossible, whose log-ratio is
/// large noise (-25 vs -35 nats is r = 1 at beta 0.1).
inline constexpr double kPlausibleProbability = 1e-3;

/// Top-K alternatives at one position, ranked two ways.
struct Alternatives {
    int64_t position = 0;             ///< index into ResponseScore::tokens
    /// Highest r(s,a) first: the plausible tokens, then the rest of the vocabulary.
    std::vector<Alternative> byReward;
    std::vector<Alternative> byPolicy; ///< highest pi_theta(a|s) first
};

} // namespace cl
