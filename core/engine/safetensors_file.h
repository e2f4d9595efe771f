#pragma once
// Memory-mapped reader of the safetensors format (huggingface/safetensors "Format";
// REFERENCE.md §4.1), validated as strictly as the reference implementation. Torch-free.

#include "core/common/result.h"

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace cl {

/// One tensor's header entry; data points into the read-only mapping.
struct TensorEntry {
    std::string name;
    std::string dtype;          ///< "F32", "F16", "BF16", "BOOL", ...
    std::vector<int64_t> shape;
    uint64_t begin = 0;         ///< offsets relative to the data section, end exclusive
    uint64_t end = 0;
    const uint8_t* data = nullptr;
    std::string file;           ///< the file it lives in (for messages)

    int64_t numel() const;
};

/// Bytes per element of a safetensors dtype string, 0 for unknown ones.
int dtypeSize(const std::string& dtype);

/// An open, validated .safetensors file. The mapping lives as long as this object.
class SafetensorsFile {
public:
    ~SafetensorsFile();
    SafetensorsFile(const SafetensorsFile&) = delete;
    SafetensorsFile& operator=(const SafetensorsFile&) = delete;

    /// Maps and validates `path`: header length within the file and <= 100 MB, JSON object,
    /// known dtypes, byte counts matching shapes, offsets contiguous from 0 with no overlap,
    /// and the data section ending exactly at the end of the file.
    static Result<std::unique_ptr<SafetensorsFile>> open(const std::string& path);

    const std::string& path() const { return m_path; }
    const std::map<std::string, TensorEntry>& tensors() const { return m_tensors; }
    const std::map<std::string, std::string>& metadata() const { return m_metadata; }
    uint64_t fileSize() const { return m_size; }

private:
    SafetensorsFile() = default;
    std::string m_path;
    void* m_map = nullptr;
    uint64_t m_size = 0;
    std::map<std::string, TensorEntry> m_tensors;
    std::map<std::string, std::string> m_metadata;
};

/// All weight files of a HF model folder: model.safetensors or the sharded index
/// (model.safetensors.index.json). Pickle checkpoints are refused with a clear message.
class Checkpoint {
public:
    static Result<Checkpoint> open(const std::string& folder);

    /// Looks a tensor up by exact name; nullptr when absent.
    const TensorEntry* find(const std::string& name) const;
    std::vector<std::string> names() const;
    uint64_t dataBytes() const { return m_dataBytes; }
    /// "F32", or e.g. "BF16" — the dtypes of the floating-point tensors, joined with '+'.
    std::string storedDtypes() const;
    const std::string& folder() const { return m_folder; }

private:
    std::string m_folder;
    std::vector<std::shared_ptr<SafetensorsFile>> m_files;
    std::map<std::string, const TensorEntry*> m_index;
    uint64_t m_dataBytes = 0;
};

} // namespace cl
