#pragma once
// A PyTorch checkpoint written by torch.save, read without running any of it: the zip format
// (torch >= 1.6: <prefix>/data.pkl, <prefix>/data/<key>, <prefix>/version) and the legacy
// format (5 pickles, then per storage an int64 element count and the raw bytes), both
// little-endian. The pickle goes through the restricted reader of pickle_reader.h. Torch-free.
//
// Layouts: ../shared/fixtures/README.md, "Checkpoint formats"; torch/serialization.py.

#include "core/engine/checkpoint.h"

#include <memory>
#include <string>
#include <vector>

namespace cl {

class MappedFile;

class TorchPickleFile : public WeightSource {
public:
    ~TorchPickleFile() override;
    TorchPickleFile(const TorchPickleFile&) = delete;
    TorchPickleFile& operator=(const TorchPickleFile&) = delete;

    /// Maps `path` and reads its state dict: the top-level dict, or the dict under 'state'
    /// (the DPO reference code's policy.pt: {'step_idx', 'state', 'metrics'}), 'state_dict' or
    /// 'model' when the top level holds no tensor. Stored zip records are used in place (torch
    /// aligns them to 64 bytes); tensors sharing a storage point at the same bytes. Errors: a
    /// refused global (named), truncated or malformed data, a non-contiguous tensor, a storage
    /// too small for its tensor, each one sentence starting with the path.
    static Result<std::unique_ptr<TorchPickleFile>> open(const std::string& path);

    const std::string& path() const override { return m_path; }
    const std::map<std::string, TensorEntry>& tensors() const override { return m_tensors; }
    std::string format() const override { return m_format; }

    struct Storage;  // a storage's bytes (internal)
    struct Builder;  // reading steps (internal)

private:
    TorchPickleFile() = default;
    std::string m_path;
    std::string m_format;
    std::unique_ptr<MappedFile> m_file; // the whole file, mapped
    std::vector<std::vector<uint8_t>> m_owned; // compressed zip records, inflated
    std::map<std::string, TensorEntry> m_tensors;
};

} // namespace cl
