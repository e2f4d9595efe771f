// The server client functions `score` and `beam` call, in a build without cpp-httplib (issue #19
// item 5): folders score as always; server URLs get a sentence instead of a connection. A new
// client call in app/cli needs its stand-in here (scripts/gpu-check --device cpu --quick builds
// this configuration).
#include "core/server/remote_model.h"
#include "core/server/remote_scorer.h"
#include "core/server/server_pool.h"

#include <cstdlib>

namespace cl::server {

namespace {

const char* const kNoClient = "this creditlens-cli was built without the scoring client "
                              "(cpp-httplib was not found when it was configured); install "
                              "libcpp-httplib-dev and rebuild to score through server URLs";

} // namespace

bool isModelUrl(const std::string& text) {
    return text.rfind("http://", 0) == 0 || text.rfind("https://", 0) == 0;
}

std::string bearerToken(const std::string& given) {
    const char* env = std::getenv("CREDITLENS_TOKEN");
    return !given.empty() ? given : env ? env : "";
}

Result<std::vector<std::pair<std::string, std::string>>> serverPairs(const std::string&,
                                                                     const std::string&) {
    return Error{kNoClient};
}

Result<BatchSummary> scoreOnServers(const std::string&, const ScoreRequest&, const PoolOptions&,
                                    const std::function<void(const LineOutcome&)>&,
                                    const ProgressFn&) {
    return Error{kNoClient};
}

Result<std::unique_ptr<RemoteScorer>> RemoteScorer::connect(const std::string&, const std::string&,
                                                            const RemoteOptions&) {
    return Error{kNoClient};
}

} // namespace cl::server
