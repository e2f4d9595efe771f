#pragma once
// Plain description of a model folder, shown in the GUI's model panel and by the CLI. Std types
// only: this header is part of the torch-free facade.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace cl {

/// What a peft LoRA adapter folder adds to its base (issue #14).
struct AdapterInfo {
    std::string folder;                     ///< the adapter folder
    std::string baseFolder;                 ///< the base model it was resolved to
    std::string baseModel;                  ///< base_model_name_or_path as written
    int rank = 0;
    double alpha = 0;
    double scaling = 0;                     ///< alpha / r, or alpha / sqrt(r) with rslora
    bool rslora = false;
    std::vector<std::string> targetModules; ///< target_modules as written
    std::vector<std::string> modulesToSave;
    int adaptedModules = 0;                 ///< projections carrying a LoRA pair
    int64_t parameters = 0;                 ///< adapter parameters (A, B, saved modules)
    std::string fileFormat;                 ///< of adapter_model.*
};

struct ModelInfo {
    std::string folder;          ///< the HF folder it came from
    std::string architecture;    ///< e.g. "GPTNeoXForCausalLM"
    std::string modelType;       ///< e.g. "gpt_neox"
    int64_t parameters = 0;      ///< number of weights actually used by the model
    int64_t vocabSize = 0;       ///< rows of the output head (may exceed the tokenizer's size)
    int layers = 0;
    int hidden = 0;
    int heads = 0;
    int kvHeads = 0;
    int64_t maxPositions = 0;    ///< context length from config.json
    std::string storedDtype;     ///< dtype(s) in the checkpoint, e.g. "F32" or "BF16"
    std::string dtype;           ///< compute dtype: "f32", "bf16" or "f16"
    std::string device;          ///< "cpu" or "cuda"
    int64_t checkpointBytes = 0; ///< bytes of tensor data on disk
    int64_t estimatedBytes = 0;  ///< estimated resident bytes once loaded in the compute dtype
    std::string fileFormat;      ///< "safetensors", "pytorch_zip" or "pytorch_legacy"
    std::string configFolder;    ///< where config.json was read (the folder, or --config)
    int64_t weightBytes = 0;     ///< the weights as held (bf16/f16 matrices kept as stored: 2 B)
    int64_t kvCacheBytes = 0;    ///< K and V of every layer for maxPositions tokens, compute dtype
    std::optional<int32_t> bosId;
    std::optional<int32_t> eosId;    ///< the first of eosIds
    std::vector<int32_t> eosIds;     ///< generation_config.json's eos_token_id, else config.json's
    /// Set for a LoRA adapter folder: the model is base + adapter; the other fields describe the
    /// base (parameters include the adapter's).
    std::optional<AdapterInfo> adapter;
};

/// Options for loading a model. Invalid strings are reported by Model::load.
struct LoadOptions {
    std::string device = "cpu"; ///< "cpu", "cuda" or "cuda:N"
    std::string dtype = "f32";  ///< "f32", "bf16" or "f16"
    /// Folder with config.json (and the tokenizer) for a folder holding only weights, such as
    /// the DPO reference code's policy.pt; used only when the model folder has no config.json.
    std::string configDir;
    /// Copy the weights into memory instead of aliasing the mapped file (--no-mmap): a trainer
    /// may then rewrite or truncate the checkpoint while it is analysed. Off: float32 weights on
    /// the CPU alias the file, and every computation first checks that the file is unchanged.
    bool copyWeights = false;
    /// Base model folder for a LoRA adapter folder whose base_model_name_or_path is not a local
    /// folder (--base DIR); wins over it when given.
    std::string baseDir;
    /// Refuse with a sentence when the estimate exceeds the memory available (issue #19 item 2,
    /// memory_check.h); --no-memory-check turns it off.
    bool checkMemory = true;
    /// The ways out that sentence names (empty: the command line's flags, kCliMemoryAdvice);
    /// the GUI names its own.
    std::string memoryAdvice = {}; // "= {}": aggregate inits that stop earlier stay warning-free
    /// Convert bf16/f16 weights to f32 at load instead of keeping them as stored (issue #19): the
    /// old path, twice the memory; kept for comparisons (tests, large_model_bench).
    bool upcastHalfWeights = false;
};

} // namespace cl
