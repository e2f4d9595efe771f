#include "core/engine/safetensors_file.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <stdexcept>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

namespace cl {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

constexpr uint64_t kMaxHeader = 100'000'000; // safetensors MAX_HEADER_SIZE

[[noreturn]] void fail(const std::string& path, const std::string& what) {
    throw std::runtime_error(path + ": " + what);
}

uint64_t readLe64(const uint8_t* p) {
    uint64_t v = 0;
    for (int i = 7; i >= 0; --i) {
        v = (v << 8) | p[i];
    }
    return v;
}

} // namespace

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

SafetensorsFile::~SafetensorsFile() {
    if (m_map) {
        munmap(m_map, m_size);
    }
}

Result<std::unique_ptr<SafetensorsFile>> SafetensorsFile::open(const std::string& path) {
    return catchAll([&]() -> Result<std::unique_ptr<SafetensorsFile>> {
        std::unique_ptr<SafetensorsFile> f(new SafetensorsFile);
        f->m_path = path;
        const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
        if (fd < 0) {
            fail(path, std::string("cannot open: ") + std::strerror(errno));
        }
        struct stat st {};
        if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
            ::close(fd);
            fail(path, "not a regular file");
        }
        f->m_size = static_cast<uint64_t>(st.st_size);
        if (f->m_size < 8) {
            ::close(fd);
            fail(path, "truncated: " + std::to_string(f->m_size) +
                           " bytes, a safetensors file starts with an 8-byte header length");
        }
        void* map = mmap(nullptr, f->m_size, PROT_READ, MAP_PRIVATE, fd, 0);
        ::close(fd);
        if (map == MAP_FAILED) {
            fail(path, std::string("cannot map: ") + std::strerror(errno));
        }
        f->m_map = map;
        const auto* bytes = static_cast<const uint8_t*>(map);
        const uint64_t n = readLe64(bytes);
        if (n > kMaxHeader) {
            fail(path, "header length " + std::to_string(n) + " exceeds the 100 MB limit");
        }
        if (n > f->m_size - 8) {
            fail(path, "truncated: header length " + std::to_string(n) +
                           " is larger than the file (" + std::to_string(f->m_size) +
                           " bytes)");
        }
        if (n < 2 || bytes[8] != '{') {
            fail(path, "header is not a JSON object (does not start with '{')");
        }
        const std::string headerText(reinterpret_cast<const char*>(bytes + 8), n);
        json header = json::parse(headerText, nullptr, false);
        if (header.is_discarded() || !header.is_object()) {
            fail(path, "header is not valid JSON");
        }
        const uint64_t dataStart = 8 + n;
        const uint64_t dataSize = f->m_size - dataStart;
        std::vector<const TensorEntry*> order;
        for (auto it = header.begin(); it != header.end(); ++it) {
            if (it.key() == "__metadata__") {
                if (!it->is_object()) {
                    fail(path, "__metadata__ must be an object of strings");
                }
                for (auto m = it->begin(); m != it->end(); ++m) {
                    if (!m->is_string()) {
                        fail(path, "__metadata__ value of \"" + m.key() + "\" is not a string");
                    }
                    f->m_metadata[m.key()] = m->get<std::string>();
                }
                continue;
            }
            const json& e = *it;
            const std::string where = "tensor \"" + it.key() + "\"";
            if (!e.is_object() || !e.contains("dtype") || !e.contains("shape") ||
                !e.contains("data_offsets") || !e["dtype"].is_string() ||
                !e["shape"].is_array() || !e["data_offsets"].is_array() ||
                e["data_offsets"].size() != 2) {
                fail(path, where + " needs dtype, shape and data_offsets [begin, end]");
            }
            TensorEntry t;
            t.name = it.key();
            t.file = path;
            t.dtype = e["dtype"].get<std::string>();
            const int size = dtypeSize(t.dtype);
            if (size == 0) {
                fail(path, where + " has unknown dtype \"" + t.dtype + "\"");
            }
            uint64_t count = 1;
            for (const json& d : e["shape"]) {
                if (!d.is_number_unsigned() && !(d.is_number_integer() && d.get<int64_t>() >= 0)) {
                    fail(path, where + " has a negative or non-integer dimension");
                }
                const uint64_t dim = d.get<uint64_t>();
                if (dim != 0 && count > (uint64_t(1) << 50) / dim) {
                    fail(path, where + " has an absurdly large shape");
                }
                count *= dim;
                t.shape.push_back(static_cast<int64_t>(dim));
            }
            const json& off = e["data_offsets"];
            if (!off[0].is_number_unsigned() || !off[1].is_number_unsigned()) {
                fail(path, where + " has non-integer data_offsets");
            }
            t.begin = off[0].get<uint64_t>();
            t.end = off[1].get<uint64_t>();
            if (t.end < t.begin || t.end > dataSize) {
                fail(path, where + " data_offsets [" + std::to_string(t.begin) + ", " +
                               std::to_string(t.end) + "] lie outside the " +
                               std::to_string(dataSize) +
                               "-byte data section (truncated or corrupt file)");
            }
            if (t.end - t.begin != count * size) {
                fail(path, where + " has " + std::to_string(t.end - t.begin) +
                               " bytes but dtype " + t.dtype + " and its shape need " +
                               std::to_string(count * size));
            }
            t.data = bytes + dataStart + t.begin;
            auto [pos, inserted] = f->m_tensors.emplace(t.name, std::move(t));
            order.push_back(&pos->second);
        }
        // Offsets must tile the data section exactly: no overlap, no hole, nothing after.
        std::sort(order.begin(), order.end(), [](const TensorEntry* a, const TensorEntry* b) {
            return a->begin != b->begin ? a->begin < b->begin : a->end < b->end;
        });
        uint64_t expected = 0;
        for (const TensorEntry* t : order) {
            if (t->begin != expected) {
                fail(path, "tensor \"" + t->name + "\" starts at byte " +
                               std::to_string(t->begin) + " but the previous tensor ends at " +
                               std::to_string(expected) + " (overlapping or non-contiguous data)");
            }
            expected = t->end;
        }
        if (expected != dataSize) {
            fail(path, "data section has " + std::to_string(dataSize) + " bytes but the tensors "
                       "cover " + std::to_string(expected) +
                           (expected > dataSize ? " (truncated file)" : " (trailing bytes)"));
        }
        return std::move(f);
    });
}

Result<Checkpoint> Checkpoint::open(const std::string& folder) {
    return catchAll([&]() -> Result<Checkpoint> {
        Checkpoint c;
        c.m_folder = folder;
        const fs::path dir(folder);
        if (!fs::is_directory(dir)) {
            return Error{folder + ": not a folder (expected a HF model folder)"};
        }
        std::vector<std::string> files;
        if (fs::exists(dir / "model.safetensors")) {
            files.push_back((dir / "model.safetensors").string());
        } else if (fs::exists(dir / "model.safetensors.index.json")) {
            const std::string idx = (dir / "model.safetensors.index.json").string();
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
            for (const std::string& s : shards) {
                files.push_back((dir / s).string());
            }
        } else {
            for (const char* pickle : {"pytorch_model.bin", "pytorch_model.bin.index.json",
                                       "policy.pt", "model.pt"}) {
                if (fs::exists(dir / pickle)) {
                    return Error{(dir / pickle).string() +
                                 ": pickle checkpoints are not supported yet; convert to "
                                 "safetensors (e.g. save_pretrained(..., "
                                 "safe_serialization=True))"};
                }
            }
            return Error{folder + ": no model.safetensors or model.safetensors.index.json"};
        }
        for (const std::string& path : files) {
            auto f = SafetensorsFile::open(path);
            if (!f) {
                return Error{f.error()};
            }
            std::shared_ptr<SafetensorsFile> shared(std::move(f.value()));
            for (const auto& [name, entry] : shared->tensors()) {
                if (c.m_index.count(name)) {
                    return Error{path + ": tensor \"" + name + "\" also appears in another shard"};
                }
                c.m_index[name] = &entry;
                c.m_dataBytes += entry.end - entry.begin;
            }
            c.m_files.push_back(std::move(shared));
        }
        return c;
    });
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

} // namespace cl
