#include "core/engine/checkpoint.h"

#include "core/engine/safetensors_file.h"
#include "core/engine/torch_pickle_file.h"

#include <nlohmann/json.hpp>

#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <set>

namespace cl {

namespace fs = std::filesystem;
using nlohmann::json;

int dtypeSize(const std::string& d) {
    if (d == "F64" || d == "I64" || d == "U64" || d == "C64") {
        return 8;
    }
    if (d == "F32" || d == "I32" || d == "U32") {
        return 4;
    }
    if (d == "F16" || d == "BF16" || d == "I16" || d == "U16") {
        return 2;
    }
    if (d == "BOOL" || d == "U8" || d == "I8" || d.rfind("F8_", 0) == 0) {
        return 1;
    }
    return 0;
}

int64_t TensorEntry::numel() const {
    int64_t n = 1;
    for (int64_t s : shape) {
        n *= s;
    }
    return n;
}

namespace {

/// The shard files named by a HF index ({"weight_map": {tensor: file}}), each in `dir`.
Result<std::vector<std::string>> shardsOf(const fs::path& dir, const std::string& indexName) {
    const std::string idx = (dir / indexName).string();
    std::ifstream in(idx);
    json j = json::parse(in, nullptr, false);
    if (j.is_discarded() || !j.contains("weight_map") || !j["weight_map"].is_object()) {
        return Error{idx + ": expected {\"weight_map\": {tensor: file}}"};
    }
    std::set<std::string> shards;
    for (auto it = j["weight_map"].begin(); it != j["weight_map"].end(); ++it) {
        if (!it->is_string() || it->get<std::string>().find('/') != std::string::npos) {
            return Error{idx + ": weight_map entry \"" + it.key() +
                         "\" must name a file in the same folder"};
        }
        shards.insert(it->get<std::string>());
    }
    std::vector<std::string> files;
    for (const std::string& s : shards) {
        files.push_back((dir / s).string());
    }
    return files;
}

/// The file's stamp now; false when it cannot be stat()ed (gone).
bool stampOf(const std::string& path, FileStamp& out) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) {
        return false;
    }
    out.path = path;
    out.size = static_cast<uint64_t>(st.st_size);
    out.mtimeNs = static_cast<int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec;
    out.inode = static_cast<uint64_t>(st.st_ino);
    out.device = static_cast<uint64_t>(st.st_dev);
    return true;
}

template <class File>
Result<std::shared_ptr<WeightSource>> openAs(const std::string& path) {
    auto f = File::open(path);
    if (!f) {
        return Error{f.error()};
    }
    return std::shared_ptr<WeightSource>(std::move(f.value()));
}

} // namespace

Result<Checkpoint> Checkpoint::open(const std::string& folder) {
    return catchAll([&]() -> Result<Checkpoint> {
        Checkpoint c;
        c.m_folder = folder;
        const fs::path dir(folder);
        if (!fs::is_directory(dir)) {
            return Error{folder + ": not a folder (expected a HF model folder)"};
        }
        std::vector<std::string> files;
        bool pickle = false;
        if (fs::exists(dir / "model.safetensors")) {
            files.push_back((dir / "model.safetensors").string());
        } else if (fs::exists(dir / "model.safetensors.index.json")) {
            auto shards = shardsOf(dir, "model.safetensors.index.json");
            if (!shards) {
                return Error{shards.error()};
            }
            files = shards.value();
        } else if (fs::exists(dir / "pytorch_model.bin")) {
            files.push_back((dir / "pytorch_model.bin").string());
            pickle = true;
        } else if (fs::exists(dir / "pytorch_model.bin.index.json")) {
            auto shards = shardsOf(dir, "pytorch_model.bin.index.json");
            if (!shards) {
                return Error{shards.error()};
            }
            files = shards.value();
            pickle = true;
        } else if (fs::exists(dir / "policy.pt")) {
            files.push_back((dir / "policy.pt").string());
            pickle = true;
        } else {
            return Error{folder + ": no weights (model.safetensors, model.safetensors.index.json, "
                                  "pytorch_model.bin, pytorch_model.bin.index.json or policy.pt)"};
        }
        for (const std::string& path : files) {
            auto f = pickle ? openAs<TorchPickleFile>(path) : openAs<SafetensorsFile>(path);
            if (!f) {
                return Error{f.error()};
            }
            Status added = c.add(std::move(f.value()));
            if (!added) {
                return Error{added.error()};
            }
        }
        return c;
    });
}

Result<Checkpoint> Checkpoint::openFile(const std::string& path) {
    return catchAll([&]() -> Result<Checkpoint> {
        Checkpoint c;
        c.m_folder = fs::path(path).parent_path().string();
        const bool st = fs::path(path).extension() == ".safetensors";
        auto f = st ? openAs<SafetensorsFile>(path) : openAs<TorchPickleFile>(path);
        if (!f) {
            return Error{f.error()};
        }
        Status added = c.add(std::move(f.value()));
        if (!added) {
            return Error{added.error()};
        }
        return c;
    });
}

Status Checkpoint::add(std::shared_ptr<WeightSource> source) {
    std::set<const uint8_t*> seen; // storages shared by several tensors count once
    for (const auto& [name, entry] : source->tensors()) {
        if (m_index.count(name)) {
            return Error{source->path() + ": tensor \"" + name + "\" also appears in another shard"};
        }
        m_index[name] = &entry;
        // (An empty tensor may share its pointer with the next one; it adds nothing anyway.)
        if (entry.end > entry.begin && seen.insert(entry.data).second) {
            m_dataBytes += entry.end - entry.begin;
        }
    }
    FileStamp stamp;
    if (stampOf(source->path(), stamp)) {
        m_stamps.push_back(std::move(stamp));
    }
    m_files.push_back(std::move(source));
    return Ok{};
}

Status Checkpoint::checkUnchanged() const {
    for (const FileStamp& then : m_stamps) {
        FileStamp now;
        std::string what;
        if (!stampOf(then.path, now)) {
            what = "was deleted";
        } else if (now.inode != then.inode || now.device != then.device) {
            what = "was replaced by another file";
        } else if (now.size != then.size) {
            what = "changed size (" + std::to_string(then.size) + " -> " +
                   std::to_string(now.size) + " bytes)";
        } else if (now.mtimeNs != then.mtimeNs) {
            what = "was rewritten (its modification time changed)";
        }
        if (!what.empty()) {
            return Error{then.path + " " + what +
                         " since the model was loaded; nothing is computed on a changed "
                         "checkpoint: reload the model (or load with --no-mmap, which copies the "
                         "weights, to analyse checkpoints that training rewrites)"};
        }
    }
    return Ok{};
}

const TensorEntry* Checkpoint::find(const std::string& name) const {
    auto it = m_index.find(name);
    return it == m_index.end() ? nullptr : it->second;
}

std::vector<std::string> Checkpoint::names() const {
    std::vector<std::string> out;
    for (const auto& [name, e] : m_index) {
        out.push_back(name);
    }
    return out;
}

std::string Checkpoint::storedDtypes() const {
    std::set<std::string> kinds;
    for (const auto& [name, e] : m_index) {
        if (e->dtype == "F32" || e->dtype == "F16" || e->dtype == "BF16" || e->dtype == "F64") {
            kinds.insert(e->dtype);
        }
    }
    std::string out;
    for (const std::string& k : kinds) {
        out += (out.empty() ? "" : "+") + k;
    }
    return out;
}

std::string Checkpoint::format() const {
    std::set<std::string> kinds;
    for (const auto& f : m_files) {
        kinds.insert(f->format());
    }
    std::string out;
    for (const std::string& k : kinds) {
        out += (out.empty() ? "" : "+") + k;
    }
    return out;
}

std::vector<std::string> Checkpoint::files() const {
    std::vector<std::string> out;
    for (const auto& f : m_files) {
        out.push_back(f->path());
    }
    return out;
}

} // namespace cl
