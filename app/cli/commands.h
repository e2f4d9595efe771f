#pragma once
// Every creditlens-cli subcommand lives in its own cmd_<name>.cpp and registers itself here.
// A command's callback throws CliError for user errors; main() prints it and exits 1.

#include <stdexcept>
#include <string>

namespace CLI {
class App;
}

namespace cl::cli {

struct CliError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

/// A CliError printed exactly as it is, with nothing prepended: a chat template's own message.
struct CliVerbatimError : CliError {
    using CliError::CliError;
};

void addDoctorCommand(CLI::App& app);
void addLogprobsCommand(CLI::App& app);
void addTokenizeCommands(CLI::App& app);
void addLogsCommand(CLI::App& app);
void addScoreCommand(CLI::App& app);
void addBeamCommands(CLI::App& app);
void addTrainDemoCommand(CLI::App& app);
void addChatRenderCommand(CLI::App& app);
void addConvertCommand(CLI::App& app);
void addInspectCommand(CLI::App& app);
void addServeCommand(CLI::App& app);

} // namespace cl::cli
