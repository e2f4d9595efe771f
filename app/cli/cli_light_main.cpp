// creditlens-cli: the command users run. The commands that need no model (--version, tokenize,
// detokenize, logs, chat-render) run here, in a binary that does not link LibTorch, so a script
// calling them once per input does not pay LibTorch's start-up and the engine's re-exec each
// time (issue #19 item 4). Every other command, and --help, is handed by exec to
// creditlens-cli-engine, the full CLI, found beside this binary (build tree) or in
// libexec/creditlens (installed).

#include "app/cli/cli_main.h"
#include "app/cli/commands.h"

#include <CLI/CLI.hpp>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <set>
#include <string>
#include <unistd.h>

namespace fs = std::filesystem;

namespace {

bool runsHere(int argc, char** argv) {
    if (argc < 2) {
        return false;
    }
    const std::string first = argv[1];
    if (first == "--version") {
        return argc == 2;
    }
    static const std::set<std::string> light = {"tokenize", "detokenize", "logs", "chat-render"};
    return light.count(first) > 0;
}

fs::path engineBinary(const fs::path& self) {
    for (const fs::path& candidate :
         {self.parent_path() / "creditlens-cli-engine",
          self.parent_path().parent_path() / "libexec" / "creditlens" / "creditlens-cli-engine"}) {
        if (access(candidate.c_str(), X_OK) == 0) {
            return candidate;
        }
    }
    return {};
}

int execEngine(char** argv) {
    std::error_code ec;
    const fs::path self = fs::read_symlink("/proc/self/exe", ec);
    const fs::path engine = engineBinary(self);
    if (engine.empty()) {
        std::cerr << "creditlens-cli: creditlens-cli-engine, which runs the commands that load a "
                     "model, is not installed beside "
                  << self.string() << " or in its ../libexec/creditlens\n";
        return 1;
    }
    // libgomp reads GOMP_SPINCOUNT when it loads: set here, it spares the engine its own
    // re-exec (runtime::prepareProcess). A value the user set is kept.
    setenv("GOMP_SPINCOUNT", "0", /*overwrite=*/0);
    execv(engine.c_str(), argv);
    std::cerr << "creditlens-cli: cannot run " << engine.string() << ": " << std::strerror(errno)
              << "\n";
    return 1;
}

} // namespace

int main(int argc, char** argv) {
    if (!runsHere(argc, argv)) {
        return execEngine(argv);
    }
    CLI::App app{"CreditLens: per-token implicit rewards of DPO language models",
                 "creditlens-cli"};
    app.set_version_flag("--version", std::string("creditlens-cli ") + CREDITLENS_VERSION);
    app.require_subcommand(1);
    cl::cli::addTokenizeCommands(app);
    cl::cli::addLogsCommand(app);
    cl::cli::addChatRenderCommand(app);
    return cl::cli::runCli(app, argc, argv);
}
