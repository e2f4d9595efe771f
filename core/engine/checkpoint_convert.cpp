#include "core/engine/checkpoint_convert.h"

#include "core/engine/checkpoint.h"
#include "core/engine/safetensors_file.h"
#include "core/engine/safetensors_writer.h"

#include <filesystem>

namespace cl {

namespace fs = std::filesystem;

namespace {

// What a HF folder holds besides weights (transformers' save_pretrained + tokenizer files).
constexpr const char* kSideFiles[] = {
    "config.json",          "generation_config.json", "tokenizer.json",
    "tokenizer.model",      "tokenizer_config.json",  "special_tokens_map.json",
    "added_tokens.json",    "vocab.json",             "merges.txt",
};

} // namespace

Result<ConvertReport> convertToSafetensors(const std::string& input, const std::string& outputDir,
                                           const std::string& configDir) {
    return catchAll([&]() -> Result<ConvertReport> {
        const bool file = fs::is_regular_file(input);
        const fs::path inDir = file ? fs::absolute(input).parent_path() : fs::absolute(input);
        auto ckpt = file ? Checkpoint::openFile(input) : Checkpoint::open(input);
        if (!ckpt) {
            return Error{ckpt.error()};
        }
        std::error_code ec;
        fs::create_directories(outputDir, ec);
        if (ec || !fs::is_directory(outputDir)) {
            return Error{outputDir + ": cannot create the output folder"};
        }
        if (fs::equivalent(inDir, outputDir, ec)) {
            return Error{outputDir + ": the output folder is the input's; give another one"};
        }
        // Side files: the input's folder first, then --config.
        std::vector<std::pair<fs::path, std::string>> copies;
        for (const char* name : kSideFiles) {
            if (fs::exists(inDir / name)) {
                copies.emplace_back(inDir / name, name);
            } else if (!configDir.empty() && fs::exists(fs::path(configDir) / name)) {
                copies.emplace_back(fs::path(configDir) / name, name);
            }
        }
        if (copies.empty() || copies.front().second != "config.json") {
            return Error{inDir.string() + ": no config.json beside the weights" +
                         (configDir.empty() ? std::string("; give --config DIR (the base model's "
                                                          "folder)")
                                            : " nor in " + configDir)};
        }
        ConvertReport report;
        report.inputFormat = ckpt->format();
        std::vector<TensorToWrite> tensors;
        for (const std::string& name : ckpt->names()) {
            const TensorEntry* e = ckpt->find(name);
            tensors.push_back(TensorToWrite{e->name, e->dtype, e->shape, e->data});
            report.bytes += e->end - e->begin;
        }
        report.tensors = static_cast<int64_t>(tensors.size());
        report.output = (fs::path(outputDir) / "model.safetensors").string();
        Status written = writeSafetensors(report.output, tensors);
        if (!written) {
            return Error{written.error()};
        }
        auto check = SafetensorsFile::open(report.output); // what was written reads back
        if (!check) {
            return Error{check.error()};
        }
        for (const auto& [from, name] : copies) {
            fs::copy_file(from, fs::path(outputDir) / name, fs::copy_options::overwrite_existing);
            report.copied.push_back(name);
        }
        return report;
    });
}

} // namespace cl
