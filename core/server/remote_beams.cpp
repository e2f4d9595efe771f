#include "core/server/remote_beams.h"

#include "core/server/json_int.h"

#include <cmath>
#include <string>

using nlohmann::json;

namespace cl::server {

json beamRequest(const std::vector<int32_t>& promptIds, const BeamOptions& options,
                 const std::vector<int32_t>& eosIds, double beta) {
    const char* early = options.earlyStopping == EarlyStopping::True    ? "true"
                        : options.earlyStopping == EarlyStopping::Never ? "never"
                                                                        : "false";
    json request = {{"prompt", promptIds},
                    {"width", options.width},
                    {"max_tokens", options.maxNewTokens},
                    {"min_tokens", options.minNewTokens},
                    {"num_return", options.numReturn},
                    {"no_repeat_ngram", options.noRepeatNgram},
                    {"length_penalty", options.lengthPenalty},
                    {"early_stopping", early},
                    {"beta", beta}};
    if (!eosIds.empty()) {
        request["eos_ids"] = eosIds;
    }
    if (options.trace) {
        request["trace"] = true;
    }
    return request;
}

namespace {

bool numbers(const json& beam, const char* key, size_t n, std::vector<double>& out) {
    if (!beam.contains(key) || !beam[key].is_array() || beam[key].size() != n) {
        return false;
    }
    for (const json& v : beam[key]) {
        if (!v.is_number()) {
            return false;
        }
        out.push_back(v.get<double>());
    }
    return true;
}

} // namespace

Result<std::vector<RemoteBeam>> parseBeamReply(const json& body) {
    if (!body.is_object() || !body.contains("beams") || !body["beams"].is_array() ||
        body["beams"].empty()) {
        return Error{"the server's beam search answered no beams"};
    }
    std::vector<RemoteBeam> out;
    for (const json& b : body["beams"]) {
        const std::string which = "beam " + std::to_string(out.size() + 1);
        if (!b.is_object() || !b.contains("ids") || !b["ids"].is_array()) {
            return Error{"the server's " + which + " has no ids"};
        }
        RemoteBeam r;
        for (const json& id : b["ids"]) {
            const auto v = intIn(id, INT32_MIN, INT32_MAX);
            if (!v) {
                return Error{"the server's " + which + " has an id that is not a token id"};
            }
            r.beam.ids.push_back(static_cast<int32_t>(*v));
        }
        const size_t n = r.beam.ids.size();
        if (!numbers(b, "logp_policy", n, r.beam.logprobs) ||
            !numbers(b, "logp_ref", n, r.logpRef)) {
            return Error{"the server's " + which +
                         " lacks a log-prob per id under the policy "
                         "and the reference"};
        }
        if (!b.contains("sum_logprob") || !b["sum_logprob"].is_number() || !b.contains("score") ||
            !b["score"].is_number() || !b.contains("finished") || !b["finished"].is_boolean()) {
            return Error{"the server's " + which + " lacks its score, sum_logprob or finished"};
        }
        r.beam.sumLogprob = b["sum_logprob"].get<double>();
        r.beam.score = b["score"].get<double>();
        r.beam.finished = b["finished"].get<bool>();
        out.push_back(std::move(r));
    }
    return out;
}

json traceToJson(const BeamTrace& trace) {
    auto number = [](double v) { return std::isfinite(v) ? json(v) : json(); };
    json steps = json::array();
    for (const BeamTraceStep& step : trace.steps) {
        json nodes = json::array();
        for (const BeamTraceNode& n : step.nodes) {
            nodes.push_back({n.parent, n.parentSlot, n.rank, n.token, static_cast<int>(n.fate),
                             number(n.logpPolicy), number(n.beamScore), number(n.logpRef),
                             number(n.reward)});
        }
        steps.push_back({{"nodes", nodes}, {"beam_rows", step.beamRows}});
    }
    json finals = json::array();
    for (const BeamTraceEnd& e : trace.finals) {
        finals.push_back({e.step, e.node});
    }
    return {{"width", trace.width}, {"scored", trace.scored}, {"steps", steps}, {"finals", finals}};
}

namespace {

/// An integer of `row` at `i` in [lo, hi]; false otherwise.
bool intAt(const json& row, size_t i, int64_t lo, int64_t hi, int& out) {
    const auto v = intIn(row[i], lo, hi);
    out = v ? static_cast<int>(*v) : out;
    return v.has_value();
}

/// A number of `row` at `i`, null as NaN; false for anything else.
bool numberAt(const json& row, size_t i, double& out) {
    if (row[i].is_null()) {
        out = std::nan("");
        return true;
    }
    if (!row[i].is_number()) {
        return false;
    }
    out = row[i].get<double>();
    return true;
}

bool parseNode(const json& row, int previousNodes, int width, BeamTraceNode& n) {
    int token = 0, fate = 0;
    if (!row.is_array() || row.size() != 9 || !intAt(row, 0, -1, previousNodes - 1, n.parent) ||
        !intAt(row, 1, 0, width - 1, n.parentSlot) || !intAt(row, 2, 0, INT32_MAX, n.rank) ||
        !intAt(row, 3, 0, INT32_MAX, token) || !intAt(row, 4, 0, 2, fate)) {
        return false;
    }
    n.token = token;
    n.fate = static_cast<BeamNodeFate>(fate);
    return numberAt(row, 5, n.logpPolicy) && numberAt(row, 6, n.beamScore) &&
           numberAt(row, 7, n.logpRef) && numberAt(row, 8, n.reward);
}

} // namespace

Result<BeamTrace> parseTrace(const json& trace) {
    const Error bad{"the server's beam trace is malformed"};
    BeamTrace out;
    if (!trace.is_object() || !trace.contains("width") || !trace.contains("steps") ||
        !trace["steps"].is_array() || !trace.contains("finals") || !trace["finals"].is_array()) {
        return bad;
    }
    const auto width = intIn(trace["width"], 1, 32);
    if (!width) {
        return bad;
    }
    out.width = static_cast<int>(*width);
    out.scored =
        trace.contains("scored") && trace["scored"].is_boolean() && trace["scored"].get<bool>();
    int previousNodes = 0; // step 0's parents are the prompt (-1)
    for (const json& s : trace["steps"]) {
        if (!s.is_object() || !s.contains("nodes") || !s["nodes"].is_array() ||
            !s.contains("beam_rows") || !s["beam_rows"].is_array()) {
            return bad;
        }
        BeamTraceStep step;
        for (const json& row : s["nodes"]) {
            BeamTraceNode n;
            if (!parseNode(row, previousNodes, out.width, n)) {
                return bad;
            }
            step.nodes.push_back(n);
        }
        const auto count = static_cast<int64_t>(step.nodes.size());
        for (const json& r : s["beam_rows"]) {
            const auto row = intIn(r, 0, count - 1);
            if (!row) {
                return bad;
            }
            step.beamRows.push_back(static_cast<int>(*row));
        }
        previousNodes = static_cast<int>(count);
        out.steps.push_back(std::move(step));
    }
    for (const json& f : trace["finals"]) {
        BeamTraceEnd e;
        if (!f.is_array() || f.size() != 2 ||
            !intAt(f, 0, 0, static_cast<int64_t>(out.steps.size()) - 1, e.step) ||
            !intAt(f, 1, 0,
                   static_cast<int64_t>(out.steps[static_cast<size_t>(e.step)].nodes.size()) - 1,
                   e.node)) {
            return bad;
        }
        out.finals.push_back(e);
    }
    return out;
}

} // namespace cl::server
