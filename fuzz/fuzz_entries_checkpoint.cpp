// Entries for creditlens_checkpoint: safetensors, the shard index, config.json, pickles.
#include "fuzz/fuzz_entries.h"

#include "core/engine/checkpoint.h"
#include "core/engine/model_config.h"
#include "core/engine/pickle_reader.h"
#include "core/engine/safetensors_file.h"

#include <stdexcept>

namespace cl::fuzz {

void safetensorsHeader(const uint8_t* data, size_t size) {
    const std::string path = writeScratch("single/model.safetensors", data, size);
    auto file = SafetensorsFile::open(path);
    if (file.ok()) {
        // Touch what a caller reads: the first and last byte of every tensor must be mapped.
        volatile uint8_t sink = 0;
        for (const auto& [name, t] : (*file)->tensors()) {
            if (t.end > t.begin && t.data) {
                sink = sink + t.data[0] + t.data[t.end - t.begin - 1];
            }
            (void)t.numel();
        }
    }
}

void safetensorsIndex(const uint8_t* data, size_t size) {
    // One valid shard the index may name (a single F32 scalar "w"), written once.
    static const std::string kShard = [] {
        const std::string header = R"({"w":{"dtype":"F32","shape":[],"data_offsets":[0,4]}})";
        std::string file(8, '\0');
        for (int i = 0; i < 8; ++i) {
            file[i] = static_cast<char>((header.size() >> (8 * i)) & 0xff);
        }
        file += header;
        file += std::string(4, '\0');
        return writeScratch("sharded/model-00001-of-00001.safetensors",
                            reinterpret_cast<const uint8_t*>(file.data()), file.size());
    }();
    (void)kShard;
    writeScratch("sharded/model.safetensors.index.json", data, size);
    auto checkpoint = Checkpoint::open(scratchDir() + "/sharded");
    if (checkpoint.ok()) {
        for (const std::string& name : checkpoint->names()) {
            (void)checkpoint->find(name);
        }
    }
}

void configJson(const uint8_t* data, size_t size) {
    const std::string text(reinterpret_cast<const char*>(data), size);
    auto config = ModelConfig::fromJson(text, "config.json");
    if (config.ok()) {
        (void)config->contextLength();
    }
}

void pickle(const uint8_t* data, size_t size) {
    // Small limits: the defaults allow ~1 GB, which the fuzzer would reach as an OOM.
    pickle::Limits limits;
    limits.maxStack = 100'000;
    limits.maxMemo = 100'000;
    limits.maxValues = 200'000;
    try {
        pickle::Unpickled u = pickle::unpickle(data, size, "fuzz.pkl", limits);
        (void)u.at(u.root);
    } catch (const std::runtime_error&) {
        // The documented way to refuse a pickle.
    }
}

} // namespace cl::fuzz
