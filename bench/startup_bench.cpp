// Start-up of the CLI (issue #19 item 4): wall time of `creditlens-cli --version` and of
// tokenizing one string with the Pythia tokenizer (fixtures; the bundled demo's tokenizer when
// the fixtures are absent), each run N times as separate processes; min and median. The same
// for `creditlens-cli-engine --version`, the binary with LibTorch that the light CLI hands the
// model commands to, as the before. Usage: startup_bench [runs=20]. Last line:
// version_min_s=.. version_median_s=.. tokenize_min_s=.. tokenize_median_s=..
// engine_version_median_s=..
#include "bench_support.h"

#include <cstdio>
#include <cstdlib>
#include <fcntl.h>
#include <filesystem>
#include <spawn.h>
#include <string>
#include <sys/wait.h>
#include <vector>

extern char** environ;

namespace {

/// Seconds one run of argv takes, its output discarded; negative when it fails.
double timeRun(const std::vector<std::string>& args) {
    std::vector<char*> argv;
    for (const std::string& a : args) {
        argv.push_back(const_cast<char*>(a.c_str()));
    }
    argv.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
    const double t0 = cl::bench::nowMs();
    pid_t pid = 0;
    const int err = posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    int status = 0;
    if (err != 0 || waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) ||
        WEXITSTATUS(status) != 0) {
        return -1;
    }
    return (cl::bench::nowMs() - t0) / 1000.0;
}

struct Stats {
    double min = 0, median = 0;
};

Stats repeat(const std::vector<std::string>& args, int runs) {
    std::vector<double> s;
    for (int i = 0; i < runs; ++i) {
        const double t = timeRun(args);
        if (t < 0) {
            std::fprintf(stderr, "failed: %s\n", args[0].c_str());
            std::exit(1);
        }
        s.push_back(t);
    }
    return {cl::bench::quantile(s, 0.0), cl::bench::quantile(s, 0.5)};
}

} // namespace

int main(int argc, char** argv) {
    const int runs = argc > 1 ? std::atoi(argv[1]) : 20;
    const std::string cli = CREDITLENS_CLI, engine = CREDITLENS_CLI_ENGINE;
    const char* fixturesEnv = std::getenv("CREDITLENS_FIXTURES");
    const std::string fixtures = fixturesEnv ? fixturesEnv : CREDITLENS_SOURCE_DIR "/../shared/fixtures";
    std::string tokenizer = fixtures + "/tokenizers/pythia";
    if (!std::filesystem::exists(tokenizer)) {
        tokenizer = CREDITLENS_SOURCE_DIR "/resources/demo/policy";
        std::printf("fixtures absent at %s: the demo's tokenizer instead of Pythia's\n",
                    fixtures.c_str());
    }
    const Stats version = repeat({cli, "--version"}, runs);
    const Stats tokenize =
        repeat({cli, "tokenize", "--tokenizer", tokenizer, "--text", "TL;DR: it works."}, runs);
    const Stats engineVersion = repeat({engine, "--version"}, std::max(3, runs / 4));
    std::printf("%d runs each (%s)\n", runs, tokenizer.c_str());
    std::printf("creditlens-cli --version            min %.3f s  median %.3f s\n", version.min,
                version.median);
    std::printf("creditlens-cli tokenize (one text)  min %.3f s  median %.3f s\n", tokenize.min,
                tokenize.median);
    std::printf("creditlens-cli-engine --version     min %.3f s  median %.3f s\n",
                engineVersion.min, engineVersion.median);
    std::printf("version_min_s=%.3f version_median_s=%.3f tokenize_min_s=%.3f "
                "tokenize_median_s=%.3f engine_version_median_s=%.3f\n",
                version.min, version.median, tokenize.min, tokenize.median, engineVersion.median);
    return 0;
}
