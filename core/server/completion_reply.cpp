#include "core/server/completion_reply.h"

#include <cmath>
#include <limits>
#include <string>

using nlohmann::json;

namespace cl::server {

Result<std::vector<double>> parsePromptLogprobs(const json& body, const std::vector<int32_t>& ids,
                                                int64_t from) {
    if (!body.is_object() || !body.contains("choices") || !body["choices"].is_array() ||
        body["choices"].empty() || !body["choices"][0].is_object()) {
        return Error{"the server's answer has no choices"};
    }
    const json& choice = body["choices"][0];
    if (!choice.contains("prompt_logprobs") || !choice["prompt_logprobs"].is_array()) {
        return Error{"the server's answer has no prompt_logprobs (a vLLM older than 0.4, or not "
                     "an OpenAI-compatible completions server?)"};
    }
    const json& entries = choice["prompt_logprobs"];
    if (entries.size() != ids.size()) {
        return Error{"the server returned " + std::to_string(entries.size()) +
                     " prompt log-probs for " + std::to_string(ids.size()) + " tokens"};
    }
    std::vector<double> out(ids.size(), std::numeric_limits<double>::quiet_NaN());
    for (size_t i = 1; i < ids.size(); ++i) {
        const std::string key = std::to_string(ids[i]);
        const json& entry = entries[i];
        if (entry.is_null() && static_cast<int64_t>(i) < from) {
            continue; // not asked for
        }
        if (!entry.is_object() || !entry.contains(key) || !entry[key].is_object() ||
            !entry[key].contains("logprob") || !entry[key]["logprob"].is_number()) {
            return Error{"the server's prompt_logprobs lack token " + key + " at position " +
                         std::to_string(i)};
        }
        out[i] = entry[key]["logprob"].get<double>();
    }
    return out;
}

} // namespace cl::server
