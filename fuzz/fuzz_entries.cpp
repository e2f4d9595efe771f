#include "fuzz/fuzz_entries.h"

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <stdexcept>

namespace cl::fuzz {

const std::vector<Entry>& entries() {
    static const std::vector<Entry> kEntries = {
        {"safetensors_header", safetensorsHeader},
        {"safetensors_index", safetensorsIndex},
        {"config_json", configJson},
        {"pickle", pickle},
        {"tokenizer_json", tokenizerJson},
        {"spm_model", spmModel},
        {"tokenizer_config", tokenizerConfig},
        {"chat_template", chatTemplate},
        {"trainer_state", trainerState},
        {"jsonl_log", jsonlLog},
        {"csv_log", csvLog},
        {"dpo_stdout", dpoStdout},
        {"tensorboard", tensorboard},
        {"preference_jsonl", preferenceJsonl},
        {"session", session},
        {"server_request", serverRequest},
    };
    return kEntries;
}

const Entry* findEntry(std::string_view name) {
    for (const Entry& e : entries()) {
        if (name == e.name) {
            return &e;
        }
    }
    return nullptr;
}

namespace {

struct Scratch {
    std::filesystem::path dir;
    Scratch() {
        const char* tmp = std::getenv("TMPDIR");
        std::string templ = std::string(tmp && *tmp ? tmp : "/tmp") + "/creditlens-fuzz-XXXXXX";
        if (!mkdtemp(templ.data())) {
            throw std::runtime_error("cannot create a scratch folder under " + templ);
        }
        dir = templ;
    }
    ~Scratch() {
        std::error_code ec;
        std::filesystem::remove_all(dir, ec);
    }
};

Scratch& scratch() {
    static Scratch s;
    return s;
}

} // namespace

std::string scratchDir() { return scratch().dir.string(); }

std::string writeScratch(const std::string& name, const uint8_t* data, size_t size) {
    const std::filesystem::path path = scratch().dir / name;
    std::filesystem::create_directories(path.parent_path());
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
    if (!out) {
        throw std::runtime_error("cannot write " + path.string());
    }
    return path.string();
}

} // namespace cl::fuzz
