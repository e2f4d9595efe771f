// creditlens-cli-engine: every GUI action as a headless subcommand, with LibTorch. Users run
// creditlens-cli (cli_light_main.cpp), which answers the commands that need no model itself and
// hands every other one to this binary. Output is JSON/CSV on stdout; errors are one sentence on
// stderr with exit code 1 (never a crash signal).

#include "app/cli/cli_main.h"
#include "app/cli/commands.h"
#include "core/engine/runtime.h"

#include <CLI/CLI.hpp>

int main(int argc, char** argv) {
    cl::runtime::prepareProcess(argv);
    CLI::App app{"CreditLens: per-token implicit rewards of DPO language models",
                 "creditlens-cli"};
    app.set_version_flag("--version", std::string("creditlens-cli ") + CREDITLENS_VERSION);
    app.require_subcommand(1);

    cl::cli::addDoctorCommand(app);
    cl::cli::addLogprobsCommand(app);
    cl::cli::addTokenizeCommands(app);
    cl::cli::addLogsCommand(app);
    cl::cli::addScoreCommand(app);
    cl::cli::addBeamCommands(app);
    cl::cli::addTrainDemoCommand(app);
    cl::cli::addChatRenderCommand(app);
    cl::cli::addConvertCommand(app);
    cl::cli::addInspectCommand(app);
    cl::cli::addServeCommand(app);
    return cl::cli::runCli(app, argc, argv);
}
