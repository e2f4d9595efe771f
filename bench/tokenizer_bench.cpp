// Tokenizer encode throughput (issue #4: >= 1 MB/s on one core). Generates ~1 MB of English
// prose deterministically, then encodes it with the GPT-NeoX tokenizer.json, the real Llama-3,
// Llama-3.1, Qwen3 and Gemma-3 tokenizer.json files (issue #15: load time, Gemma's 262k vocab
// with 514k merges must load in <= 1 s) and the sentencepiece models of the fixtures (through
// the bridge). Prints MB/s for the first pass (cold BPE word cache) and a second pass, whole text
// and per paragraph (what an editor sends), with baselines measured in the same run: UTF-8
// validation of the same bytes (a floor every encoder pays), for the real tokenizer.json files
// a plain nlohmann::json DOM parse of the file (what loading cost before issue #15), and for
// sentencepiece one library call on the whole text (no chunking) against our chunking.
//   tokenizer_bench [megabytes=1] [fixtures=$CREDITLENS_FIXTURES or ../shared/fixtures]

#include "core/text/spm_tokenizer.h"
#include "core/text/tokenizer.h"
#include "core/text/utf8.h"

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

double secondsSince(Clock::time_point t0) {
    return std::chrono::duration<double>(Clock::now() - t0).count();
}

/// Deterministic prose: sentences of 6-20 words from a fixed list (an LCG picks them), with
/// capitals, commas, numbers, a few contractions and paragraphs.
std::string prose(size_t bytes) {
    static const char* words[] = {
        "the",      "model",       "learns",     "a",          "policy",   "that",      "prefers",
        "chosen",   "responses",   "over",       "rejected",   "ones",     "and",       "its",
        "implicit", "reward",      "is",         "the",        "log",      "ratio",     "between",
        "policy",   "reference",   "when",       "we",         "look",     "at",        "each",
        "token",    "credit",      "assignment", "becomes",    "visible",  "in",        "long",
        "answers",  "it's",        "often",      "surprising", "which",    "words",     "carry",
        "weight",   "beam",        "search",     "width",      "length",   "training",  "curves",
        "show",     "margins",     "growing",    "steadily",   "after",    "warmup",    "don't",
        "forget",   "temperature", "sampling",   "greedy",     "decoding", "evaluation"};
    const size_t nWords = sizeof(words) / sizeof(words[0]);
    std::string out;
    out.reserve(bytes + 256);
    uint32_t state = 2024;
    auto next = [&] { return (state = state * 1664525u + 1013904223u) >> 8; };
    while (out.size() < bytes) {
        const uint32_t len = 6 + next() % 15;
        for (uint32_t i = 0; i < len; ++i) {
            std::string w = words[next() % nWords];
            if (i == 0) {
                w[0] = char(w[0] - 'a' + 'A');
            }
            out += w;
            if (next() % 23 == 0) {
                out += " " + std::to_string(next() % 5000);
            }
            out += i + 1 == len ? "." : (next() % 9 == 0 ? ", " : " ");
        }
        out += next() % 6 == 0 ? "\n\n" : " ";
    }
    return out;
}

std::vector<std::string> paragraphs(const std::string& text) {
    std::vector<std::string> out;
    size_t pos = 0;
    while (pos < text.size()) {
        const size_t end = text.find("\n\n", pos);
        const size_t stop = end == std::string::npos ? text.size() : end + 2;
        out.push_back(text.substr(pos, stop - pos));
        pos = stop;
    }
    return out;
}

/// Seconds a plain nlohmann::json DOM parse of the file takes (the baseline for loading).
double domParseSeconds(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream buffer;
    buffer << in.rdbuf();
    const std::string bytes = buffer.str();
    const auto t0 = Clock::now();
    const auto j = nlohmann::json::parse(bytes, nullptr, false);
    return j.is_discarded() ? -1.0 : secondsSince(t0);
}

double run(const std::string& label, const std::string& path, const std::string& text) {
    const auto t0 = Clock::now();
    auto tok = cl::Tokenizer::load(path);
    if (!tok) {
        std::printf("%-28s skipped: %s\n", label.c_str(), tok.error().c_str());
        return -1.0;
    }
    const double loadS = secondsSince(t0);
    const double mb = double(text.size()) / 1e6;
    size_t tokens = 0;
    double passS[2] = {0, 0};
    for (int pass = 0; pass < 2; ++pass) {
        const auto t = Clock::now();
        const auto enc = tok.value()->encode(text, false);
        passS[pass] = secondsSince(t);
        tokens = enc.ok() ? enc.value().ids.size() : 0;
    }
    const auto parts = paragraphs(text);
    const auto t = Clock::now();
    for (const std::string& p : parts) {
        (void)tok.value()->encode(p, false);
    }
    const double paraS = secondsSince(t);
    std::printf("%-28s load %6.3f s | whole text: cold %6.2f MB/s, warm %6.2f MB/s | "
                "%zu paragraphs %6.2f MB/s | %zu tokens (%.2f bytes/token)\n",
                label.c_str(), loadS, mb / passS[0], mb / passS[1], parts.size(), mb / paraS,
                tokens, double(text.size()) / double(tokens ? tokens : 1));
    if (auto* spm = dynamic_cast<cl::SpmTokenizer*>(tok.value().get())) {
        const size_t chunk = spm->chunkBytes();
        spm->setChunkBytes(0);
        const auto t1 = Clock::now();
        (void)spm->encode(text, false);
        const double singleS = secondsSince(t1);
        std::printf("%-28s one library call on the whole text: %6.2f MB/s; chunks of %zu "
                    "bytes are %.1fx faster\n",
                    "", mb / singleS, chunk, singleS / passS[1]);
    }
    return loadS;
}

} // namespace

int main(int argc, char** argv) {
    const double megabytes = argc > 1 ? std::atof(argv[1]) : 1.0;
    std::string fixtures = argc > 2 ? argv[2] : "";
    if (fixtures.empty()) {
        const char* env = std::getenv("CREDITLENS_FIXTURES");
        fixtures = env ? env : std::string(CREDITLENS_SOURCE_DIR) + "/../shared/fixtures";
    }
    const std::string text = prose(size_t(megabytes * 1e6));

    const auto t0 = Clock::now();
    size_t sink = 0;
    for (int i = 0; i < 20; ++i) {
        sink += cl::utf8::firstInvalid(text) == std::string::npos ? 1 : 0;
    }
    const double floorMBs = 20.0 * double(text.size()) / 1e6 / secondsSince(t0);
    std::printf("tokenizer_bench: %.2f MB of generated prose, one thread (floor check %zu)\n",
                double(text.size()) / 1e6, sink);
    std::printf("%-28s %.1f MB/s (baseline)\n", "UTF-8 validation", floorMBs);
    run("GPT-NeoX tokenizer.json", fixtures + "/tokenizers/pythia/tokenizer.json", text);
    for (const char* name : {"llama3", "llama3_1", "qwen3", "gemma3"}) {
        const std::string dir = fixtures + "/realworld/tokenizers/" + name;
        const double loadS = run(std::string("realworld ") + name, dir, text);
        const double domS = loadS < 0 ? -1.0 : domParseSeconds(dir + "/tokenizer.json");
        if (domS > 0) {
            const bool gemma = std::string(name) == "gemma3";
            std::printf("%-28s whole load (parse + vocab + merges) is %.2fx a bare nlohmann DOM "
                        "parse of tokenizer.json (%.3f s)%s\n",
                        "", loadS / domS, domS,
                        !gemma ? "" : loadS <= 1.0 ? "; Gemma <= 1 s: yes" : "; Gemma <= 1 s: NO");
        }
    }
    run("Llama 2 sentencepiece", fixtures + "/tokenizers/llama2/tokenizer.model", text);
    run("stories260k sentencepiece", fixtures + "/stories260k/tokenizer.model", text);
    return 0;
}
