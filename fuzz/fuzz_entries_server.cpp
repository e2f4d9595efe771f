// Entry for the scoring server's wire format (issue #16): one JSON body read as the three
// requests the server takes (completions, beam, alternatives) and as the three replies the
// client reads (prompt_logprobs, beams, alternatives). Whatever the bytes, each reader returns a
// value or a sentence, and what it accepts keeps the promises the engine relies on.
#include "fuzz/fuzz_entries.h"

#include "core/server/completion_reply.h"
#include "core/server/remote_alternatives.h"
#include "core/server/remote_beams.h"
#include "core/server/request_fields.h"

namespace cl::fuzz {

namespace {

// Pythia's vocabulary and context: ids the fuzzer writes as small numbers are in range.
constexpr server::ModelLimits kLimits{50304, 2048};

bool inVocabulary(const std::vector<int32_t>& ids) {
    for (int32_t id : ids) {
        if (id < 0 || id >= kLimits.vocab) {
            return false;
        }
    }
    return !ids.empty() && static_cast<int64_t>(ids.size()) <= kLimits.context;
}

} // namespace

void serverRequest(const uint8_t* data, size_t size) {
    const auto body = nlohmann::json::parse(data, data + size, nullptr, false);
    if (body.is_discarded()) {
        return; // the server answers 400 before any reader sees it
    }
    server::ApiReply error;
    if (auto c = server::parseCompletionRequest(body, kLimits, kLimits, error)) {
        if (!inVocabulary(c->ids) || c->logprobs > server::kMaxLogprobs ||
            c->promptLogprobs > server::kMaxLogprobs || c->from < 0 ||
            (c->logprobs >= 0 && (!c->echo || !c->ranks))) {
            __builtin_trap();
        }
    } else if (error.status < 400 || error.status > 499) {
        __builtin_trap(); // a bad request is the client's: a 4xx
    }
    if (auto b = server::parseBeamRequest(body, kLimits, error)) {
        const BeamOptions& o = b->options;
        const int64_t room = kLimits.context - static_cast<int64_t>(b->promptIds.size());
        if (!inVocabulary(b->promptIds) || o.width < 1 || o.width > server::kMaxBeamWidth ||
            o.numReturn < 1 || o.numReturn > o.width || o.maxNewTokens < 1 ||
            o.maxNewTokens > room || o.minNewTokens < 0 || o.minNewTokens > room) {
            __builtin_trap();
        }
    } else if (error.status < 400 || error.status > 499) {
        __builtin_trap();
    }
    if (auto a = server::parseAlternativesRequest(body, kLimits, error)) {
        if (!inVocabulary(a->context) || a->token < 0 || a->token >= kLimits.vocab || a->k < 1 ||
            a->k > server::kMaxAlternatives || a->vocab < 1 || a->vocab > INT32_MAX ||
            static_cast<int64_t>(a->context.size()) >= kLimits.context) {
            __builtin_trap();
        }
    } else if (error.status < 400 || error.status > 499) {
        __builtin_trap();
    }
    if (auto alternatives = server::parseAlternativesReply(body, 3, 10)) {
        if (alternatives->byReward.size() > 10 || alternatives->byPolicy.size() > 10) {
            __builtin_trap();
        }
    }
    if (auto beams = server::parseBeamReply(body)) {
        for (const server::RemoteBeam& r : *beams) {
            if (r.beam.logprobs.size() != r.beam.ids.size() ||
                r.logpRef.size() != r.beam.ids.size()) {
                __builtin_trap(); // scoredBeam() indexes both by the ids
            }
        }
    }
    if (body.is_object() && body.contains("trace")) {
        if (auto trace = server::parseTrace(body["trace"])) {
            // What the beam tree view follows: parents, beam rows and finals inside the tree.
            for (size_t s = 0; s < trace->steps.size(); ++s) {
                const int before = s == 0 ? 0 : static_cast<int>(trace->steps[s - 1].nodes.size());
                for (const BeamTraceNode& n : trace->steps[s].nodes) {
                    if (n.parent < -1 || n.parent >= before) {
                        __builtin_trap();
                    }
                }
            }
            for (const BeamTraceEnd& e : trace->finals) {
                if (e.step < 0 || e.step >= static_cast<int>(trace->steps.size()) || e.node < 0 ||
                    e.node >= static_cast<int>(trace->steps[e.step].nodes.size())) {
                    __builtin_trap();
                }
            }
        }
    }
    const std::vector<int32_t> ids = {1, 450, 13, 50303};
    if (auto lps = server::parsePromptLogprobs(body, ids, 1)) {
        if (lps->size() != ids.size()) {
            __builtin_trap();
        }
    }
}

} // namespace cl::fuzz
