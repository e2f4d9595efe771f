// applyThreads lives apart from cli_util.cpp: it is the one helper that needs LibTorch, and the
// light creditlens-cli (cli_light_main.cpp) links cli_util.cpp without it.
#include "app/cli/cli_util.h"

#include "core/engine/runtime.h"

namespace cl::cli {

void applyThreads(int threads) {
    cl::runtime::setThreads(threads);
}

} // namespace cl::cli
