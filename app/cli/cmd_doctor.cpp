// `creditlens-cli doctor`: versions, threads, CUDA and the BLAS check.
#include "app/cli/cli_util.h"
#include "app/cli/commands.h"
#include "core/engine/runtime.h"

#include <CLI/CLI.hpp>

#include <iostream>

namespace cl::cli {

void addDoctorCommand(CLI::App& app) {
    auto* cmd = app.add_subcommand("doctor", "Print versions, threads, CUDA and BLAS status");
    auto threads = std::make_shared<int>(0);
    cmd->add_option("--threads", *threads, "LibTorch intra-op threads (default: all cores)");
    cmd->callback([threads] {
        applyThreads(*threads);
        std::cout << cl::runtime::doctorReport();
    });
}

} // namespace cl::cli
