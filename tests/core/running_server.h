#pragma once
// An in-process CreditLens server on 127.0.0.1:<ephemeral> for the server and remote-scoring
// tests (issue #16).

#include "core/server/scoring_server.h"

#include <httplib.h>

#include <memory>
#include <string>
#include <thread>

namespace {

// One server on 127.0.0.1:<ephemeral> running on its own thread for the life of the object.
struct RunningServer {
    std::unique_ptr<cl::server::ScoringServer> server;
    std::thread thread;
    int port = 0;

    RunningServer(cl::Model& policy, cl::Model& reference, cl::server::ServerOptions o) {
        o.host = "127.0.0.1";
        o.port = 0;
        server = std::make_unique<cl::server::ScoringServer>(policy, reference, nullptr, o);
        auto bound = server->bind();
        if (bound) {
            port = *bound;
            thread = std::thread([this] { server->run(); });
        }
    }
    ~RunningServer() {
        server->stop();
        if (thread.joinable()) {
            thread.join();
        }
    }
    httplib::Client client(const std::string& token = {}) const {
        httplib::Client c("127.0.0.1", port);
        if (!token.empty()) {
            c.set_bearer_token_auth(token.c_str());
        }
        c.set_read_timeout(120, 0);
        return c;
    }
};

} // namespace
