#pragma once
// The weights of a HF model folder behind one reader interface (DESIGN.md, "Weight sources"):
// safetensors (single or sharded), PyTorch pickles (pytorch_model.bin in the zip or the legacy
// format, sharded via pytorch_model.bin.index.json) and the DPO reference code's policy.pt.
// Every source maps its file read-only; tensors point into the mapping. Torch-free.

#include "core/common/result.h"

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace cl {

/// One tensor of a checkpoint; data points into the read-only mapping (or a buffer the source
/// owns) and stays valid as long as the source lives.
struct TensorEntry {
    std::string name;
    std::string dtype;          ///< "F32", "F16", "BF16", "BOOL", ...
    std::vector<int64_t> shape;
    uint64_t begin = 0;         ///< byte range (end exclusive): relative to the data section in
    uint64_t end = 0;           ///< safetensors, to the file start in pickles; end-begin = size
    const uint8_t* data = nullptr;
    std::string file;           ///< the file it lives in (for messages)

    int64_t numel() const;
};

/// Bytes per element of a safetensors dtype string, 0 for unknown ones.
int dtypeSize(const std::string& dtype);

/// One weight file, opened and validated. Tensors sharing a storage (a tied head) may point at
/// the same bytes.
class WeightSource {
public:
    virtual ~WeightSource() = default;
    virtual const std::string& path() const = 0;
    virtual const std::map<std::string, TensorEntry>& tensors() const = 0;
    /// "safetensors", "pytorch_zip" or "pytorch_legacy".
    virtual std::string format() const = 0;
};

/// What a weight file looked like when it was opened. A trainer that rewrites or truncates a
/// checkpoint (save_steps) changes its size, modification time or inode (issue #18).
struct FileStamp {
    std::string path;
    uint64_t size = 0;
    int64_t mtimeNs = 0;
    uint64_t inode = 0;
    uint64_t device = 0;
};

/// All weight files of a model folder, looked for in this order: model.safetensors,
/// model.safetensors.index.json, pytorch_model.bin, pytorch_model.bin.index.json, policy.pt.
class Checkpoint {
public:
    static Result<Checkpoint> open(const std::string& folder);
    /// One weight file: *.safetensors, or a torch.save pickle (pytorch_model.bin, policy.pt).
    static Result<Checkpoint> openFile(const std::string& path);

    /// Looks a tensor up by exact name; nullptr when absent.
    const TensorEntry* find(const std::string& name) const;
    std::vector<std::string> names() const;
    /// Bytes of tensor data (a storage shared by several tensors is counted once).
    uint64_t dataBytes() const { return m_dataBytes; }
    /// "F32", or e.g. "BF16" — the dtypes of the floating-point tensors, joined with '+'.
    std::string storedDtypes() const;
    /// The files' format ("safetensors", "pytorch_zip", "pytorch_legacy").
    std::string format() const;
    /// The weight files, in the order they were opened.
    std::vector<std::string> files() const;
    const std::string& folder() const { return m_folder; }

    /// Ok while every weight file still has the size, modification time and inode it had when
    /// opened; else an Error naming the file and what changed, saying to reload the model
    /// (weights that alias the mapping would raise SIGBUS once the file is truncated). A few
    /// stat() calls; thread-safe.
    Status checkUnchanged() const;

private:
    Status add(std::shared_ptr<WeightSource> source);
    std::string m_folder;
    std::vector<std::shared_ptr<WeightSource>> m_files;
    std::map<std::string, const TensorEntry*> m_index;
    uint64_t m_dataBytes = 0;
    std::vector<FileStamp> m_stamps;
};

} // namespace cl
