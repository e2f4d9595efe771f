// creditlens-cli: every GUI action as a headless subcommand. Output is JSON/CSV on stdout;
// errors are one sentence on stderr with exit code 1 (never a crash signal).

#include "app/cli/commands.h"
#include "core/engine/runtime.h"

#include <CLI/CLI.hpp>

#include <exception>
#include <iostream>

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

    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        // --help/--version exit 0; a usage error exits 2 (CLI11's own codes, 106 and so on,
        // would look like crashes of a subcommand to a calling script).
        return app.exit(e) == 0 ? 0 : 2;
    } catch (const cl::cli::CliVerbatimError& e) {
        std::cerr << e.what() << "\n";
        return 1;
    } catch (const cl::cli::CliError& e) {
        std::cerr << "creditlens-cli: " << e.what() << "\n";
        return 1;
    } catch (const std::exception& e) {
        std::cerr << "creditlens-cli: " << e.what() << "\n";
        return 1;
    }
    return 0;
}
