// `creditlens-cli serve --policy DIR --reference DIR [--device cpu|cuda] [--host 127.0.0.1]
// [--port 8400] [--token T]`: the scoring server (issue #16, core/server/scoring_server.h).
// Once listening it prints one JSON line {"event": "listening", "host", "port", ...} on stdout
// (the bound port, also for --port 0) and serves until killed.
#include "app/cli/cli_util.h"
#include "app/cli/commands.h"
#include "core/engine/model.h"
#include "core/server/remote_model.h"
#include "core/server/scoring_server.h"
#include "core/server/server_security.h"
#include "core/text/tokenizer.h"

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <cstdlib>
#include <filesystem>
#include <iostream>

namespace cl::cli {

namespace {

struct ServeArgs {
    std::string policy;
    std::string reference;
    std::string device = "cpu";
    std::string dtype = "f32";
    std::string host = "127.0.0.1";
    int port = 8400;
    std::string token;
    int threads = 0;
    int httpThreads = 4;
    int cacheEntries = 4;
    bool noMemoryCheck = false;
};

std::unique_ptr<Model> load(const std::string& folder, const ServeArgs& a, const char* what) {
    LoadOptions options;
    options.device = a.device;
    options.dtype = a.dtype;
    options.checkMemory = !a.noMemoryCheck;
    auto m = Model::load(folder, options);
    if (!m) {
        throw CliError(std::string(what) + ": " + m.error());
    }
    return std::move(m.value());
}

void run(ServeArgs a) {
    a.token = server::bearerToken(a.token);
    // Refuse an open, unauthenticated listener before spending time on loading models.
    if (auto refusal = server::bindRefusal(a.host, a.token)) {
        throw CliError(*refusal);
    }
    if (a.port < 0 || a.port > 65535) {
        throw CliError("--port must be from 0 to 65535");
    }
    applyThreads(a.threads);
    auto policy = load(a.policy, a, "policy");
    auto reference = load(a.reference, a, "reference");
    if (policy->info().vocabSize != reference->info().vocabSize) {
        throw CliError("the policy and the reference have different vocabularies (" +
                       std::to_string(policy->info().vocabSize) + " and " +
                       std::to_string(reference->info().vocabSize) + " rows)");
    }
    namespace fs = std::filesystem;
    const std::string tokDir =
        policy->info().configFolder.empty() ? policy->info().folder : policy->info().configFolder;
    std::unique_ptr<Tokenizer> tokenizer;
    if (fs::exists(fs::path(tokDir) / "tokenizer.json") ||
        fs::exists(fs::path(tokDir) / "tokenizer.model")) {
        auto t = Tokenizer::load(tokDir);
        if (t) {
            tokenizer = std::move(t.value());
        } else {
            std::cerr << "warning: tokens are sent as token_id:N: " << t.error() << "\n";
        }
    }
    server::ServerOptions options;
    options.host = a.host;
    options.port = a.port;
    options.token = a.token;
    options.threads = a.httpThreads;
    options.cacheEntries = a.cacheEntries;
    options.tokenizerFolder = tokDir;
    server::ScoringServer srv(*policy, *reference, tokenizer.get(), options);
    auto port = srv.bind();
    if (!port) {
        throw CliError(port.error());
    }
    nlohmann::json line = {{"event", "listening"},
                           {"host", a.host},
                           {"port", *port},
                           {"auth", !a.token.empty()},
                           {"models", {"policy", "reference"}}};
    std::cout << line.dump() << std::endl;
    if (!srv.run()) {
        throw CliError("the server stopped listening on " + a.host + ":" + std::to_string(*port));
    }
}

} // namespace

void addServeCommand(CLI::App& app) {
    auto args = std::make_shared<ServeArgs>();
    auto* cmd = app.add_subcommand(
        "serve", "Serve the DPO pair over HTTP (vLLM-style /v1/completions prompt log-probs, "
                 "beams, tokenizer files) for remote scoring");
    cmd->add_option("--policy", args->policy, "policy model folder")->required();
    cmd->add_option("--reference", args->reference, "reference model folder")->required();
    cmd->add_option("--device", args->device, "cpu or cuda");
    cmd->add_option("--dtype", args->dtype, "f32, bf16 or f16");
    cmd->add_flag("--no-memory-check", args->noMemoryCheck,
                  "load even when the memory estimate exceeds what the machine has available");
    cmd->add_option("--host", args->host,
                    "address to listen on (default 127.0.0.1; any other needs --token)");
    cmd->add_option("--port", args->port, "TCP port (default 8400; 0 picks a free one)");
    cmd->add_option("--token", args->token,
                    "bearer token every request must send (default: $CREDITLENS_TOKEN)");
    cmd->add_option("--threads", args->threads, "LibTorch threads (default: all cores)");
    cmd->add_option("--http-threads", args->httpThreads, "HTTP worker threads (default 4)");
    cmd->add_option("--cache", args->cacheEntries,
                    "prefix-cache sequences kept per model (default 4)");
    cmd->callback([args] { run(*args); });
}

} // namespace cl::cli
