#pragma once
// Memory-mapped reader of the safetensors format (huggingface/safetensors "Format";
// REFERENCE.md §4.1), validated as strictly as the reference implementation. Torch-free.

#include "core/common/result.h"
#include "core/engine/checkpoint.h"

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace cl {

class MappedFile;

/// An open, validated .safetensors file. The mapping lives as long as this object.
class SafetensorsFile : public WeightSource {
public:
    ~SafetensorsFile() override;
    SafetensorsFile(const SafetensorsFile&) = delete;
    SafetensorsFile& operator=(const SafetensorsFile&) = delete;

    /// Maps and validates `path`: header length within the file and <= 100 MB, JSON object,
    /// known dtypes, byte counts matching shapes, offsets contiguous from 0 with no overlap,
    /// and the data section ending exactly at the end of the file.
    static Result<std::unique_ptr<SafetensorsFile>> open(const std::string& path);

    const std::string& path() const override { return m_path; }
    const std::map<std::string, TensorEntry>& tensors() const override { return m_tensors; }
    std::string format() const override { return "safetensors"; }
    const std::map<std::string, std::string>& metadata() const { return m_metadata; }
    uint64_t fileSize() const;

private:
    SafetensorsFile() = default;
    std::string m_path;
    std::unique_ptr<MappedFile> m_file; // the whole file, mapped
    std::map<std::string, TensorEntry> m_tensors;
    std::map<std::string, std::string> m_metadata;
};

} // namespace cl
