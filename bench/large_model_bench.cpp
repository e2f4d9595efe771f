// Real-size models (issue #19 item 3): policy/reference pairs with random weights written once as
// safetensors under $TMPDIR/creditlens-bench and reused. Each run loads a pair in a fresh child
// process (so its peak RSS is its own) and measures the load, the first full score (512-token
// prompt + 64-token response), edits of one response token near the end, the middle and the
// start (p50), and the peak RSS against the two checkpoints' bytes.
//  - pythia-70m shape, f32 and bf16 files;
//  - a Qwen2.5-0.5B shape (tied embeddings, vocab 151936), bf16 files held as bf16, and the same
//    files converted to f32 at load (LoadOptions::upcastHalfWeights): the bf16-vs-f32 edit ratio;
//  - a Pythia-2.8B shape in bf16 (11.2 GB on disk for the pair), unless --quick.
// Last line: rss_ratio=.. (largest bf16 pair) bf16_vs_f32_edit_ratio=.. p28b_load_s=..
// p28b_edit_end_p50_ms=.. p28b_peak_rss_gb=.. (the p28b fields read "skipped" with --quick).
//
// On a GPU (issue #19 item 5, scripts/gpu-check): --device cuda [--dtype bf16] --only p28 loads
// the Pythia-2.8B-shaped bf16 pair onto the device and computes in --dtype there (bf16: the
// checkpoint's own dtype, no conversion; f32 converts at load). --only p70 measures only the
// pythia-70m f32 pair (a dry run). With --only the last line is
// device=.. dtype=.. shape=.. load_s=.. first_score_s=.. edit_end_p50_ms=.. edit_mid_p50_ms=..
// edit_start_p50_ms=.. peak_rss_gb=..
#include "bench_support.h"

#include "core/engine/reward_scorer.h"
#include "core/engine/runtime.h"

#include <cstdio>
#include <cstring>
#include <filesystem>
#include <string>
#include <unistd.h>

using namespace cl;

namespace {

std::string qwen05Config() {
    return R"({"architectures":["Qwen2ForCausalLM"],"model_type":"qwen2","vocab_size":151936,
      "hidden_size":896,"num_hidden_layers":24,"num_attention_heads":14,"num_key_value_heads":2,
      "intermediate_size":4864,"max_position_embeddings":32768,"rope_theta":1000000.0,
      "rms_norm_eps":1e-6,"tie_word_embeddings":true,"hidden_act":"silu","use_sliding_window":false,
      "bos_token_id":151643,"eos_token_id":151645})";
}

std::string pythia28Config() {
    return R"({"architectures":["GPTNeoXForCausalLM"],"model_type":"gpt_neox","vocab_size":50304,
      "hidden_size":2560,"num_hidden_layers":32,"num_attention_heads":32,
      "intermediate_size":10240,"rotary_pct":0.25,"rotary_emb_base":10000,
      "max_position_embeddings":2048,"layer_norm_eps":1e-5,"use_parallel_residual":true,
      "hidden_act":"gelu","tie_word_embeddings":false,"bos_token_id":0,"eos_token_id":0})";
}

/// Where and how the pairs are computed (LoadOptions::device and dtype).
struct Target {
    std::string device = "cpu";
    std::string dtype = "f32";
};

struct Run {
    double loadS = 0, firstScoreS = 0, endMs = 0, midMs = 0, startMs = 0, peakGb = 0, ckptGb = 0;
    double baseGb = 0; ///< the process before any model: LibTorch and the other libraries
    double anonGb = 0; ///< anonymous memory after the edits: activations, KV caches, allocator
    double fileGb = 0; ///< file-backed memory after the edits: libraries, mapped checkpoints
    bool ok = false;
};

double fileGb(const std::string& dir) {
    std::error_code ec;
    return static_cast<double>(std::filesystem::file_size(dir + "/model.safetensors", ec)) / 1e9;
}

/// One pair in a child process: the parent never touches LibTorch, so forking is safe and each
/// child's VmHWM is its own.
Run measure(const std::string& policy, const std::string& reference, bool upcast, int reps,
            const Target& target = {}) {
    int fds[2];
    if (pipe(fds) != 0) {
        return {};
    }
    const pid_t pid = fork();
    if (pid == 0) {
        close(fds[0]);
        runtime::setThreads(0);
        Run r;
        LoadOptions options;
        options.upcastHalfWeights = upcast;
        options.device = target.device;
        options.dtype = target.dtype;
        r.baseGb = bench::peakRssMiB() * 1048576.0 / 1e9;
        double t0 = bench::nowMs();
        auto scorer = RewardScorer::load(policy, reference, options);
        if (!scorer) {
            std::fprintf(stderr, "%s\n", scorer.error().c_str());
            _exit(1);
        }
        r.loadS = (bench::nowMs() - t0) / 1000;
        IdsRequest req;
        for (int i = 0; i < 512; ++i) {
            req.promptIds.push_back((i * 7919) % 50000);
        }
        for (int i = 0; i < 64; ++i) {
            req.responseIds.push_back((i * 104729) % 50000);
        }
        t0 = bench::nowMs();
        if (!scorer.value()->scoreIds(req)) {
            _exit(1);
        }
        r.firstScoreS = (bench::nowMs() - t0) / 1000;
        auto edits = [&](int position) {
            std::vector<double> ms;
            for (int i = 0; i < reps; ++i) {
                IdsRequest edited = req;
                edited.responseIds[position] = 1000 + (i % 2);
                const double s0 = bench::nowMs();
                (void)scorer.value()->scoreIds(edited);
                ms.push_back(bench::nowMs() - s0);
            }
            return bench::quantile(ms, 0.5);
        };
        r.endMs = edits(60);
        r.midMs = edits(32);
        r.startMs = edits(0);
        r.peakGb = bench::peakRssMiB() * 1048576.0 / 1e9;
        r.anonGb = bench::smapsMiB("Anonymous") * 1048576.0 / 1e9;
        r.fileGb = bench::smapsMiB("Rss") * 1048576.0 / 1e9 - r.anonGb;
        r.ok = true;
        (void)!write(fds[1], &r, sizeof r);
        _exit(0);
    }
    close(fds[1]);
    Run r;
    if (read(fds[0], &r, sizeof r) != static_cast<ssize_t>(sizeof r)) {
        r.ok = false;
    }
    close(fds[0]);
    int status = 0;
    waitpid(pid, &status, 0);
    r.ckptGb = fileGb(policy) + fileGb(reference);
    return r;
}

void print(const char* name, const Run& r) {
    if (!r.ok) {
        std::printf("%-34s failed\n", name);
        return;
    }
    std::printf("%-34s load %6.2f s  first score %7.2f s  edit end %8.1f  mid %8.1f  start %8.1f "
                "ms  peak RSS %6.2f GB = %.2fx checkpoints (%.2f GB)\n"
                "%-34s RSS before loading %.2f GB; after the edits %.2f GB of files (libraries, "
                "mapped weights) + %.2f GB anonymous (activations, KV caches, allocator)\n",
                name, r.loadS, r.firstScoreS, r.endMs, r.midMs, r.startMs, r.peakGb,
                r.peakGb / r.ckptGb, r.ckptGb, "", r.baseGb, r.fileGb, r.anonGb);
    std::fflush(stdout);
}

/// --only: one shape on the target, with a machine-readable last line.
int measureOnly(const std::string& shape, const Target& target) {
    Run r;
    if (shape == "p28") {
        const auto [policy, reference] =
            bench::randomModelPair("pythia2.8b-bf16", pythia28Config(), "BF16");
        r = measure(policy, reference, false, target.device == "cpu" ? 3 : 15, target);
    } else {
        r = measure(bench::randomModelFolder("pythia70m", 1),
                    bench::randomModelFolder("pythia70m", 2), false, 15, target);
    }
    const std::string name =
        (shape == "p28" ? "pythia-2.8B bf16 files, " : "pythia-70m f32 files, ") + target.device +
        " " + target.dtype;
    print(name.c_str(), r);
    if (!r.ok) {
        return 1;
    }
    std::printf("device=%s dtype=%s shape=%s load_s=%.2f first_score_s=%.2f edit_end_p50_ms=%.1f "
                "edit_mid_p50_ms=%.1f edit_start_p50_ms=%.1f peak_rss_gb=%.2f\n",
                target.device.c_str(), target.dtype.c_str(), shape.c_str(), r.loadS, r.firstScoreS,
                r.endMs, r.midMs, r.startMs, r.peakGb);
    return 0;
}

} // namespace

int main(int argc, char** argv) {
    runtime::prepareProcess(argv);
    bool quick = false;
    std::string only;
    Target target;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        if (a == "--quick") {
            quick = true;
        } else if (a == "--device" && i + 1 < argc) {
            target.device = argv[++i];
        } else if (a == "--dtype" && i + 1 < argc) {
            target.dtype = argv[++i];
        } else if (a == "--only" && i + 1 < argc) {
            only = argv[++i];
        } else {
            std::fprintf(stderr, "usage: large_model_bench [--quick] [--device cpu|cuda] "
                                 "[--dtype f32|bf16] [--only p70|p28]\n");
            return 2;
        }
    }
    if (!only.empty()) {
        if (only != "p70" && only != "p28") {
            std::fprintf(stderr, "--only takes p70 or p28\n");
            return 2;
        }
        return measureOnly(only, target);
    }
    const int reps = 5;
    // pythia-70m shape: f32 files and bf16 files.
    const Run p70f32 = measure(bench::randomModelFolder("pythia70m", 1),
                               bench::randomModelFolder("pythia70m", 2), false, 15, target);
    print("pythia-70m f32", p70f32);
    const auto p70 = bench::pythia70mConfig();
    const Run p70bf16 =
        measure(bench::randomModelFolder("pythia70m-bf16", 1, p70, "BF16"),
                bench::randomModelFolder("pythia70m-bf16", 2, p70, "BF16"), false, 15, target);
    print("pythia-70m bf16 (held bf16)", p70bf16);
    // Qwen2.5-0.5B shape, bf16 files: held as bf16, then converted to f32 at load.
    const std::string q1 = bench::randomModelFolder("qwen05-bf16", 1, qwen05Config(), "BF16");
    const std::string q2 = bench::randomModelFolder("qwen05-bf16", 2, qwen05Config(), "BF16");
    const Run qBf16 = measure(q1, q2, false, reps, target);
    print("qwen2.5-0.5B bf16 (held bf16)", qBf16);
    const Run qF32 = measure(q1, q2, true, reps, target);
    print("qwen2.5-0.5B bf16 files, f32 at load", qF32);
    const double editRatio = qBf16.endMs / qF32.endMs;
    std::printf("bf16 / f32 edit end on the 0.5B shape: %.2f\n", editRatio);
    if (quick) {
        std::printf("rss_ratio=%.2f bf16_vs_f32_edit_ratio=%.2f p28b_load_s=skipped "
                    "p28b_edit_end_p50_ms=skipped p28b_peak_rss_gb=skipped\n",
                    qBf16.peakGb / qBf16.ckptGb, editRatio);
        return 0;
    }
    const auto cfg = pythia28Config();
    const Run p28 =
        measure(bench::randomModelFolder("pythia2.8b-bf16", 1, cfg, "BF16"),
                bench::randomModelFolder("pythia2.8b-bf16", 2, cfg, "BF16"), false, 3, target);
    print("pythia-2.8B bf16 (held bf16)", p28);
    std::printf("rss_ratio=%.2f bf16_vs_f32_edit_ratio=%.2f p28b_load_s=%.2f "
                "p28b_edit_end_p50_ms=%.0f p28b_peak_rss_gb=%.2f\n",
                p28.peakGb / p28.ckptGb, editRatio, p28.loadS, p28.endMs, p28.peakGb);
    return 0;
}
