#include "core/logs/trainer_state_reader.h"

#include "core/logs/jsonl_parser.h"
#include "core/logs/run_builder.h"

#include <nlohmann/json.hpp>

namespace cl::logs {

namespace {

using nlohmann::json;

// json.dumps writes NaN, Infinity and -Infinity bare, which strict JSON parsers refuse (grad_norm
// is NaN after an overflow step). Quote them; values are read back with parseNumber().
std::string quoteNonFinite(std::string_view text) {
    std::string out;
    out.reserve(text.size() + 64);
    bool inString = false;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (inString) {
            out.push_back(c);
            if (c == '\\' && i + 1 < text.size()) {
                out.push_back(text[++i]);
            } else if (c == '"') {
                inString = false;
            }
            continue;
        }
        if (c == '"') {
            inString = true;
        }
        bool replaced = false;
        for (std::string_view word : {"NaN", "Infinity", "-Infinity"}) {
            if (!replaced && text.substr(i, word.size()) == word) {
                out.push_back('"');
                out.append(word);
                out.push_back('"');
                i += word.size() - 1;
                replaced = true;
            }
        }
        if (!replaced) {
            out.push_back(c);
        }
    }
    return out;
}

std::optional<double> number(const json& v) {
    if (v.is_number()) {
        return v.get<double>();
    }
    if (v.is_string()) {
        return parseNumber(v.get_ref<const std::string&>());
    }
    return std::nullopt;
}

Split entryKind(const json& entry) {
    for (auto it = entry.begin(); it != entry.end(); ++it) {
        if (it.key().rfind("eval_", 0) == 0) {
            return Split::Eval;
        }
    }
    if (entry.contains("train_runtime") || entry.contains("total_flos")) {
        return Split::Summary;
    }
    return Split::Train;
}

} // namespace

Status parseTrainerState(std::string_view text, const std::string& path, LogRun& run) {
    const bool needsQuoting = text.find("NaN") != std::string_view::npos ||
                              text.find("Infinity") != std::string_view::npos;
    json doc = json::parse(needsQuoting ? quoteNonFinite(text) : std::string(text), nullptr,
                           /*allow_exceptions=*/false);
    if (doc.is_discarded()) {
        return Error{path + ": not valid JSON; expected a trainer_state.json object"};
    }
    if (!doc.is_object() || !doc.contains("log_history") || !doc["log_history"].is_array()) {
        return Error{path + ": field 'log_history' missing or not an array; expected a "
                            "trainer_state.json written by the HF Trainer"};
    }
    RunBuilder out(run);
    const json& history = doc["log_history"];
    for (std::size_t i = 0; i < history.size(); ++i) {
        const json& entry = history[i];
        const int64_t line = static_cast<int64_t>(i + 1);
        const std::string where = "log_history[" + std::to_string(i) + "]";
        if (!entry.is_object()) {
            out.skip(line, where + ": not an object");
            continue;
        }
        const auto step = entry.contains("step") ? number(entry["step"]) : std::nullopt;
        if (!step) {
            out.skip(line, where + ": no numeric 'step'");
            continue;
        }
        Point p;
        p.step = *step;
        if (entry.contains("epoch")) {
            p.epoch = number(entry["epoch"]);
        }
        const Split split = entryKind(entry);
        for (auto it = entry.begin(); it != entry.end(); ++it) {
            if (it.key() == "step" || it.key() == "epoch") {
                continue;
            }
            if (const auto v = number(it.value())) {
                p.value = *v;
                out.at(out.seriesIndex(it.key(), {}, split)).append(p);
            }
        }
    }
    return Ok{};
}

} // namespace cl::logs
