#pragma once
// Beam search on one causal LM, matching HF transformers 4.40 generate(num_beams=W,
// do_sample=False) token for token (REFERENCE.md §8; fixtures README "Generation semantics").
// W = 1 is greedy decoding. Std types only.

#include "core/common/progress.h"
#include "core/common/result.h"

#include <atomic>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace cl {

class Model;
class Tokenizer;
struct BeamTrace;

enum class EarlyStopping { False, True, Never };

struct BeamOptions {
    int width = 4;                  ///< num_beams, 1..32 (1 = greedy)
    int maxNewTokens = 64;
    int minNewTokens = 0;           ///< EOS is forbidden before this many new tokens
    double lengthPenalty = 1.0;     ///< score = sum logprob / generated_len ** lengthPenalty
    EarlyStopping earlyStopping = EarlyStopping::False;
    int numReturn = 1;              ///< <= width
    int noRepeatNgram = 0;          ///< 0 = off
    std::optional<int32_t> eosId;   ///< one EOS id, overriding the model's
    std::vector<int32_t> eosIds;    ///< several, any of which ends a hypothesis (wins over
                                    ///< eosId); both unset: the model's eos_token_id list
    std::string stopString;         ///< e.g. "\n": a hypothesis whose text contains it ends
                                    ///< like one that emitted EOS (needs a tokenizer)
    BeamTrace* trace = nullptr;     ///< when set, filled with every step's candidates
                                    ///< (beam_trace.h; the caller owns it). The search is
                                    ///< unchanged; null (the default) records nothing.
};

struct Beam {
    std::vector<int32_t> ids;       ///< generated ids only (EOS included when emitted)
    std::vector<double> logprobs;   ///< per generated token, under the searched model
    double sumLogprob = 0.0;        ///< the beam's running score (sum of log-probs)
    double score = 0.0;             ///< sumLogprob / length ** lengthPenalty
    bool finished = false;          ///< ended by EOS or the stop string (else by max length)
};

/// Runs the search. progress counts steps (done/maxNewTokens); returning false or setting
/// *cancel stops at the next step with Error{kCancelledMessage}. Returns numReturn beams,
/// best first. The tokenizer is needed only for stopString.
Result<std::vector<Beam>> beamSearch(Model& model, const std::vector<int32_t>& promptIds,
                                     const BeamOptions& options,
                                     const Tokenizer* tokenizer = nullptr,
                                     const ProgressFn& progress = {},
                                     const std::atomic<bool>* cancel = nullptr);

/// Parses "true", "false" or "never" (inline: the server's torch-free request reader uses it).
inline std::optional<EarlyStopping> parseEarlyStopping(const std::string& text) {
    if (text == "false" || text == "False") {
        return EarlyStopping::False;
    }
    if (text == "true" || text == "True") {
        return EarlyStopping::True;
    }
    if (text == "never") {
        return EarlyStopping::Never;
    }
    return std::nullopt;
}

} // namespace cl
