// `creditlens-cli serve` in a build without cpp-httplib (a GPU host's GUI-off build, issue #19
// item 5): the command exists, takes any options, and says why it cannot serve.
#include "app/cli/commands.h"

#include <CLI/CLI.hpp>

namespace cl::cli {

void addServeCommand(CLI::App& app) {
    auto* cmd = app.add_subcommand("serve", "Serve the DPO pair over HTTP (not in this build)");
    cmd->allow_extras();
    cmd->callback([] {
        throw CliError("this creditlens-cli was built without the scoring server (cpp-httplib "
                       "was not found when it was configured); install libcpp-httplib-dev and "
                       "rebuild to use serve");
    });
}

} // namespace cl::cli
