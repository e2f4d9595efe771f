// `creditlens-cli beam ...` and `creditlens-cli sweep ...` (issue #7 contracts).
#include "app/cli/cli_util.h"
#include "app/cli/commands.h"
#include "app/cli/json_output.h"
#include "core/engine/beam_scoring.h"
#include "core/engine/load_warnings.h"
#include "core/engine/lora_adapter.h"
#include "core/engine/model.h"
#include "core/engine/prompt_template.h"
#include "core/server/remote_model.h"
#include "core/server/remote_scorer.h"
#include "core/text/chat_template/chat_template.h"
#include "core/text/tokenizer.h"

#include <CLI/CLI.hpp>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

namespace cl::cli {

namespace {

struct BeamArgs {
    std::string policy, reference, prompt, promptIds, templateName = "raw", earlyStopping = "false";
    std::string input, output, widths = "1,2,3,5,8,12,16,20", stop;
    std::string token;     ///< --token: bearer token for server URLs (else CREDITLENS_TOKEN)
    std::string tokenizer; ///< --tokenizer: the tokenizer's folder for server URLs
    double beta = 0.1, lengthPenalty = 1.0;
    int width = 4, maxNew = 64, minNew = 0, numReturn = 1, noRepeat = 0, eosId = -1, threads = 0;
    std::string device = "cpu", dtype = "f32";
    std::string config; ///< config.json + tokenizer for a weights-only folder (policy.pt)
    std::string base;   ///< --base: a LoRA adapter's base model folder
    bool noMmap = false; ///< --no-mmap: LoadOptions::copyWeights
    bool noMemoryCheck = false; ///< --no-memory-check: LoadOptions::checkMemory off
};

/// Models and tokenizer for a beam run. The reference is optional for `beam`.
struct Loaded {
    std::unique_ptr<Model> policy, reference;
    std::unique_ptr<Tokenizer> tokenizer;
};

/// The load warnings `score` prints too (core/engine/load_warnings.h), on stderr.
void printLoadWarnings(const BeamArgs& a, const Loaded& l, const std::string& tokDir) {
    std::vector<LoadWarning> warnings;
    if (l.reference) {
        if (auto w = referenceBaseWarning(l.policy->info(), l.reference->info())) {
            warnings.push_back(*w);
        }
    }
    if (l.tokenizer) {
        namespace fs = std::filesystem;
        const bool refHasOwn = l.reference && tokDir == a.policy &&
                               (fs::exists(fs::path(a.reference) / "tokenizer.json") ||
                                fs::exists(fs::path(a.reference) / "tokenizer.model"));
        if (refHasOwn) {
            auto other = Tokenizer::load(a.reference);
            if (!other) {
                throw CliError("reference: " + other.error());
            }
            if (auto w = tokenizerPairWarning(*l.tokenizer, *other.value(), a.policy,
                                              a.reference)) {
                warnings.push_back(*w);
            }
        }
        if (auto w = tokenizerFitWarning(*l.tokenizer, tokDir, l.policy->info())) {
            warnings.push_back(*w);
        }
        if (a.promptIds.empty()) {
            if (auto w = rawTemplateWarning(a.templateName, tokDir, namesChatTemplate(tokDir))) {
                warnings.push_back(*w);
            }
        }
    }
    for (const LoadWarning& w : warnings) {
        std::cerr << "warning: " << w.message << "\n";
    }
}

Loaded loadModels(const BeamArgs& a, bool needReference) {
    Loaded l;
    const LoadOptions opts{a.device, a.dtype, a.config, a.noMmap,
                              a.base, !a.noMemoryCheck};
    if (a.reference.empty() && isAdapterFolder(a.policy)) {
        // A LoRA adapter without --reference: the reference is its base, adapter off, sharing
        // one copy of the base weights (issue #14).
        auto pair = Model::loadAdapterPair(a.policy, opts);
        if (!pair) {
            throw CliError("policy: " + pair.error());
        }
        l.policy = std::move(pair.value().first);
        l.reference = std::move(pair.value().second);
    } else {
        auto p = Model::load(a.policy, opts);
        if (!p) {
            throw CliError("policy: " + p.error());
        }
        l.policy = std::move(p.value());
    }
    if (l.reference) {
        // loaded with the adapter above
    } else if (!a.reference.empty()) {
        auto r = Model::load(a.reference, opts);
        if (!r) {
            throw CliError("reference: " + r.error());
        }
        l.reference = std::move(r.value());
    } else if (needReference) {
        throw CliError("--reference is required");
    }
    namespace fs = std::filesystem;
    auto hasTokenizer = [](const std::string& dir) {
        return !dir.empty() && (fs::exists(fs::path(dir) / "tokenizer.json") ||
                                fs::exists(fs::path(dir) / "tokenizer.model"));
    };
    // A policy.pt folder has no tokenizer: it comes with the config (--config); an adapter
    // folder usually has none either: its base's.
    const auto& adapter = l.policy->info().adapter;
    const std::string tokDir = hasTokenizer(a.policy) ? a.policy
                               : adapter              ? adapter->baseFolder
                                                      : a.config;
    if (hasTokenizer(tokDir)) {
        auto t = Tokenizer::load(tokDir);
        if (!t) {
            throw CliError(t.error());
        }
        l.tokenizer = std::move(t.value());
    }
    printLoadWarnings(a, l, tokDir);
    return l;
}

/// The chat template of the folder the tokenizer came from (--template chat, issue #15).
ChatTemplate chatTemplateOf(const Tokenizer& tokenizer) {
    namespace fs = std::filesystem;
    fs::path dir(tokenizer.source());
    std::error_code ec;
    if (!fs::is_directory(dir, ec)) {
        dir = dir.parent_path();
    }
    auto chat = ChatTemplate::fromTokenizerDir(dir.string());
    if (!chat) {
        throw CliError("template \"chat\": " + chat.error());
    }
    return std::move(chat).value();
}

/// With the chat template a hypothesis also ends on the template's end-of-turn text (besides
/// the model's EOS ids), unless --stop gives another stop string.
BeamOptions withChatStop(const BeamArgs& a, const Tokenizer* tokenizer, const BeamOptions& o) {
    return a.templateName == "chat" && tokenizer && o.stopString.empty()
               ? cl::withChatStop(o, chatTemplateOf(*tokenizer), a.prompt)
               : o;
}

std::vector<int32_t> promptIds(const BeamArgs& a, const std::string& prompt,
                               const Tokenizer* tokenizer) {
    if (!a.promptIds.empty()) {
        std::vector<int32_t> ids;
        for (int64_t id : parseIdList(a.promptIds, "--prompt-ids")) {
            ids.push_back(static_cast<int32_t>(id));
        }
        return ids;
    }
    if (!tokenizer) {
        throw CliError(a.policy + " has no tokenizer; give --prompt-ids");
    }
    std::optional<ChatTemplate> chat;
    if (a.templateName == "chat") {
        chat = chatTemplateOf(*tokenizer);
    }
    auto seq =
        applyTemplate(*tokenizer, a.templateName, prompt, "", false, chat ? &*chat : nullptr);
    if (!seq) {
        throw CliError(seq.error());
    }
    return std::vector<int32_t>(seq->ids.begin(), seq->ids.begin() + seq->responseStart);
}

BeamOptions options(const BeamArgs& a) {
    BeamOptions o;
    o.width = a.width;
    o.maxNewTokens = a.maxNew;
    o.minNewTokens = a.minNew;
    o.lengthPenalty = a.lengthPenalty;
    auto es = parseEarlyStopping(a.earlyStopping);
    if (!es) {
        throw CliError("--early-stopping must be true, false or never");
    }
    o.earlyStopping = *es;
    o.numReturn = a.numReturn;
    o.noRepeatNgram = a.noRepeat;
    if (a.eosId >= 0) {
        o.eosId = a.eosId;
    }
    o.stopString = a.stop;
    return o;
}

/// The pair behind two server URLs (issue #16): both must be URLs of one CreditLens server.
std::unique_ptr<server::RemoteScorer> connectRemote(const BeamArgs& a) {
    if (!server::isModelUrl(a.policy) || !server::isModelUrl(a.reference)) {
        throw CliError("give both --policy and --reference as server URLs "
                       "(http://HOST:PORT/policy and http://HOST:PORT/reference), or both as "
                       "folders");
    }
    auto scorer =
        server::RemoteScorer::connect(a.policy, a.reference, {server::bearerToken(a.token),
                                                              a.tokenizer});
    if (!scorer) {
        throw CliError(scorer.error());
    }
    scorer.value()->setBeta(a.beta);
    return std::move(scorer).value();
}

bool remote(const BeamArgs& a) {
    return server::isModelUrl(a.policy) || server::isModelUrl(a.reference);
}

void printBeams(const Result<std::vector<ScoredBeam>>& beams) {
    if (!beams) {
        throw CliError(beams.error());
    }
    nlohmann::json out = {{"beams", nlohmann::json::array()}};
    for (const ScoredBeam& b : beams.value()) {
        out["beams"].push_back(toJson(b));
    }
    std::cout << out.dump() << "\n";
}

void runBeam(const BeamArgs& a) {
    applyThreads(a.threads);
    if (a.prompt.empty() == a.promptIds.empty()) {
        throw CliError("give exactly one of --prompt and --prompt-ids");
    }
    if (remote(a)) {
        auto scorer = connectRemote(a);
        const Tokenizer* tok = scorer->tokenizer();
        printBeams(scorer->searchBeams(promptIds(a, a.prompt, tok),
                                       withChatStop(a, tok, options(a))));
        return;
    }
    Loaded l = loadModels(a, false);
    const Tokenizer* tok = l.tokenizer.get();
    printBeams(searchAndScore(*l.policy, l.reference.get(), tok, promptIds(a, a.prompt, tok),
                              withChatStop(a, tok, options(a)), a.beta));
}

void runSweep(const BeamArgs& a) {
    applyThreads(a.threads);
    // Local models, or one CreditLens server's pair; either way one search function.
    Loaded l;
    std::unique_ptr<server::RemoteScorer> scorer;
    BeamSearchFn search;
    if (remote(a)) {
        scorer = connectRemote(a);
        search = [&](const std::vector<int32_t>& prompt, const BeamOptions& o) {
            return scorer->searchBeams(prompt, o);
        };
    } else {
        l = loadModels(a, true);
        search = [&](const std::vector<int32_t>& prompt, const BeamOptions& o) {
            return searchAndScore(*l.policy, l.reference.get(), l.tokenizer.get(), prompt, o,
                                  a.beta);
        };
    }
    const Tokenizer* tok = scorer ? scorer->tokenizer() : l.tokenizer.get();
    std::vector<std::vector<int32_t>> prompts;
    std::istringstream lines(readFile(a.input));
    int lineNo = 0;
    for (std::string line; std::getline(lines, line);) {
        ++lineNo;
        if (line.find_first_not_of(" \t\r") == std::string::npos) {
            continue;
        }
        auto j = nlohmann::json::parse(line, nullptr, false);
        BeamArgs one = a;
        if (j.is_object() && j.contains("prompt_ids")) {
            std::string ids;
            for (const auto& v : j["prompt_ids"]) {
                ids += (ids.empty() ? "" : ",") + std::to_string(v.get<int64_t>());
            }
            one.promptIds = ids;
        } else if (j.is_object() && j.contains("prompt") && j["prompt"].is_string()) {
            one.prompt = j["prompt"].get<std::string>();
        } else if (j.is_string()) {
            one.prompt = j.get<std::string>();
        } else {
            throw CliError(a.input + ":" + std::to_string(lineNo) +
                           ": expected {\"prompt\": S}, {\"prompt_ids\": [..]} or a JSON string");
        }
        prompts.push_back(promptIds(one, one.prompt, tok));
    }
    auto rows = widthSweep(
        search, prompts, parseIntList(a.widths, "--widths"), withChatStop(a, tok, options(a)),
        [](const Progress& p) {
            std::cerr << "\r" << p.stage << " " << p.done << "/" << p.total << std::flush;
            return true;
        });
    std::cerr << "\n";
    if (!rows) {
        throw CliError(rows.error());
    }
    const bool json = a.output.size() > 5 && a.output.substr(a.output.size() - 5) == ".json";
    std::ostringstream out;
    if (json) {
        nlohmann::json j = nlohmann::json::array();
        for (const SweepRow& r : rows.value()) {
            j.push_back({{"width", r.width},
                         {"prompts", r.prompts},
                         {"mean_length", r.meanLength},
                         {"mean_sum_logprob", r.meanSumLogprob},
                         {"mean_reward_sum", r.meanRewardSum},
                         {"mean_reward_per_token", r.meanRewardPerToken}});
        }
        out << j.dump(2) << "\n";
    } else {
        out << "width,prompts,mean_length,mean_sum_logprob,mean_reward_sum,mean_reward_per_token\n";
        for (const SweepRow& r : rows.value()) {
            out << r.width << "," << r.prompts << "," << r.meanLength << "," << r.meanSumLogprob
                << "," << r.meanRewardSum << "," << r.meanRewardPerToken << "\n";
        }
    }
    writeOutput(a.output, out.str());
}

void commonOptions(CLI::App* cmd, BeamArgs& a) {
    cmd->add_option("--policy", a.policy,
                    "DPO policy model folder, or http://HOST:PORT/policy of a CreditLens server")
        ->required();
    cmd->add_option("--reference", a.reference,
                    "reference model folder, or http://HOST:PORT/reference of the same server");
    cmd->add_option("--token", a.token,
                    "bearer token for server URLs (default: $CREDITLENS_TOKEN)");
    cmd->add_option("--tokenizer", a.tokenizer,
                    "tokenizer folder for server URLs (default: fetched from the server)");
    cmd->add_option("--config", a.config,
                    "folder with config.json and tokenizer, for a folder holding only policy.pt");
    cmd->add_option("--base", a.base,
                    "base model folder of a LoRA adapter policy, when its "
                    "base_model_name_or_path is not a local folder");
    cmd->add_option("--beta", a.beta, "DPO beta (default 0.1)");
    cmd->add_option("--template", a.templateName, "raw, tldr or chat (default raw)");
    cmd->add_option("--max-new-tokens", a.maxNew, "new tokens at most")->required();
    cmd->add_option("--min-new-tokens", a.minNew, "EOS forbidden before this many");
    cmd->add_option("--length-penalty", a.lengthPenalty, "default 1.0");
    cmd->add_option("--early-stopping", a.earlyStopping, "true, false (default) or never");
    cmd->add_option("--no-repeat-ngram", a.noRepeat, "ban repeated n-grams of this size");
    cmd->add_option("--eos-id", a.eosId, "override the model's EOS id");
    cmd->add_option("--stop", a.stop, "stop string, e.g. a newline");
    cmd->add_option("--device", a.device, "cpu or cuda");
    cmd->add_option("--dtype", a.dtype, "f32, bf16 or f16");
    cmd->add_flag("--no-mmap", a.noMmap,
                  "copy the weights into memory instead of mapping the file (for checkpoints "
                  "that training may rewrite while they are analysed)");
    cmd->add_flag("--no-memory-check", a.noMemoryCheck,
                  "load even when the memory estimate exceeds what the machine has available");
    cmd->add_option("--threads", a.threads, "LibTorch threads (default: all cores)");
}

} // namespace

void addBeamCommands(CLI::App& app) {
    auto a = std::make_shared<BeamArgs>();
    auto* beam = app.add_subcommand("beam", "Beam search on the policy, beams scored by reward");
    commonOptions(beam, *a);
    beam->add_option("--prompt", a->prompt, "prompt text");
    beam->add_option("--prompt-ids", a->promptIds, "prompt token ids, comma-separated");
    beam->add_option("--width", a->width, "beam width 1..32")->required();
    beam->add_option("--num-return", a->numReturn, "beams to return (<= width)");
    beam->callback([a] { runBeam(*a); });

    auto s = std::make_shared<BeamArgs>();
    auto* sweep = app.add_subcommand("sweep", "Length and reward of the best beam vs. width");
    commonOptions(sweep, *s);
    sweep->add_option("--widths", s->widths, "comma-separated widths (default 1,2,3,5,8,12,16,20)");
    sweep->add_option("--input", s->input, "JSONL of prompts")->required();
    sweep->add_option("--output", s->output, "F.csv or F.json (default: CSV on stdout)");
    sweep->callback([s] { runSweep(*s); });
}

} // namespace cl::cli
