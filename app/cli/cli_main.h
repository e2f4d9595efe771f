#pragma once
// The parse-and-report loop both creditlens-cli binaries share: --help/--version exit 0, a usage
// error exits 2, a command's error is one sentence on stderr with exit code 1.

namespace CLI {
class App;
}

namespace cl::cli {

int runCli(CLI::App& app, int argc, char** argv);

} // namespace cl::cli
