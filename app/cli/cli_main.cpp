#include "app/cli/cli_main.h"

#include "app/cli/commands.h"

#include <CLI/CLI.hpp>

#include <exception>
#include <iostream>

namespace cl::cli {

int runCli(CLI::App& app, int argc, char** argv) {
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        // --help/--version exit 0; a usage error exits 2 (CLI11's own codes, 106 and so on,
        // would look like crashes of a subcommand to a calling script).
        return app.exit(e) == 0 ? 0 : 2;
    } catch (const CliVerbatimError& e) {
        std::cerr << e.what() << "\n";
        return 1;
    } catch (const CliError& e) {
        std::cerr << "creditlens-cli: " << e.what() << "\n";
        return 1;
    } catch (const std::exception& e) {
        std::cerr << "creditlens-cli: " << e.what() << "\n";
        return 1;
    }
    return 0;
}

} // namespace cl::cli
