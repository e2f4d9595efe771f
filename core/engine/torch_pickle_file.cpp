#include "core/engine/torch_pickle_file.h"

#include "core/engine/mapped_file.h"
#include "core/engine/pickle_reader.h"

#include <unzip.h>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <stdexcept>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

namespace cl {

using pickle::Kind;
using pickle::Ref;
using pickle::Unpickled;
using pickle::Value;

/// The bytes of one storage record: in the mapping, or in an inflated buffer.
struct TorchPickleFile::Storage {
    const uint8_t* data = nullptr;
    uint64_t size = 0;
};

namespace {

[[noreturn]] void fail(const std::string& path, const std::string& what) {
    throw std::runtime_error(path + ": " + what);
}

std::string shapeText(const std::vector<int64_t>& s) {
    std::string out = "[";
    for (size_t i = 0; i < s.size(); ++i) {
        out += (i ? ", " : "") + std::to_string(s[i]);
    }
    return out + "]";
}

// torch/serialization.py MAGIC_NUMBER = 0x1950a86a20f9469cfc6c, pickled as LONG1 (10 bytes LE).
const std::string kLegacyMagic("\x6c\xfc\x9c\x46\xf9\x20\x6a\xa8\x50\x19", 10);
constexpr int64_t kLegacyProtocol = 1001;

struct ZipRecord {
    uint64_t offset = 0;
    uint64_t size = 0;
    bool stored = true;
    size_t owned = 0; // index into m_owned when inflated
};

} // namespace

struct TorchPickleFile::Builder {
    TorchPickleFile& f;
    const uint8_t* base() const { return f.m_file->data(); }

    /// The state dict inside the unpickled object (see open()).
    const Value& stateDict(const Unpickled& u) {
        const Value& root = u.at(u.root);
        if (root.kind != Kind::Dict) {
            fail(f.m_path, "the pickle holds no dict of tensors (a state dict is expected)");
        }
        for (const auto& [k, v] : root.dict) {
            if (u.at(v).kind == Kind::Tensor) {
                return root;
            }
        }
        for (const char* key : {"state", "state_dict", "model"}) {
            const Value* inner = u.get(root, key);
            if (inner && inner->kind == Kind::Dict) {
                return *inner;
            }
        }
        return root; // an empty state dict
    }

    /// Turns every tensor of the state dict into an entry over its storage's bytes.
    template <class StorageOf>
    void addTensors(const Unpickled& u, StorageOf storageOf) {
        const Value& dict = stateDict(u);
        for (const auto& [k, v] : dict.dict) {
            const Value& key = u.at(k);
            const Value& t = u.at(v);
            if (t.kind != Kind::Tensor) {
                continue; // metadata beside the weights (an int, a string) is not a weight
            }
            if (key.kind != Kind::String) {
                fail(f.m_path, "a state dict key is not a string");
            }
            const Value& storage = u.at(t.items[0]);
            const Storage bytes = storageOf(storage);
            f.m_tensors[key.s] = entry(key.s, t, storage, bytes);
        }
    }

    TensorEntry entry(const std::string& name, const Value& t, const Value& storage,
                      const Storage& bytes) {
        const std::string where = "tensor \"" + name + "\"";
        const int elem = dtypeSize(t.dtype);
        if (elem == 0) {
            fail(f.m_path, where + " has no known element type");
        }
        // Row-major contiguity; a dimension of size 1 may carry any stride (torch does so).
        uint64_t numel = 1;
        int64_t expected = 1;
        bool contiguous = true;
        for (size_t i = t.shape.size(); i-- > 0;) {
            const uint64_t d = static_cast<uint64_t>(t.shape[i]);
            if (d != 0 && numel > (uint64_t(1) << 50) / d) {
                fail(f.m_path, where + " has an absurdly large shape " + shapeText(t.shape));
            }
            numel *= d;
            if (d != 1 && t.stride[i] != expected) {
                contiguous = false;
            }
            expected *= t.shape[i];
        }
        if (!contiguous && numel > 0) {
            fail(f.m_path, where + " has strides " + shapeText(t.stride) + " for shape " +
                               shapeText(t.shape) + " (a non-contiguous view); save it with "
                               ".contiguous() first");
        }
        const uint64_t offset = static_cast<uint64_t>(t.i);
        const uint64_t storageElems = static_cast<uint64_t>(storage.i);
        if (offset > (uint64_t(1) << 50) || offset + numel > storageElems ||
            storageElems > bytes.size / elem) {
            fail(f.m_path, where + " needs elements [" + std::to_string(offset) + ", " +
                               std::to_string(offset + numel) + ") of storage \"" + storage.s +
                               "\", which holds " + std::to_string(storageElems) + " elements in " +
                               std::to_string(bytes.size) + " bytes (truncated or corrupt file)");
        }
        TensorEntry e;
        e.name = name;
        e.dtype = t.dtype;
        e.shape = t.shape;
        e.file = f.m_path;
        e.data = bytes.data + offset * elem;
        const bool mapped = e.data >= base() && e.data < base() + f.m_file->size();
        e.begin = mapped ? static_cast<uint64_t>(e.data - base()) : 0;
        e.end = e.begin + numel * elem;
        return e;
    }

    // --- zip format --------------------------------------------------------------------
    void readZip() {
        f.m_format = "pytorch_zip";
        std::map<std::string, ZipRecord> records = listZip();
        std::string prefix;
        int found = 0;
        for (const auto& [name, r] : records) {
            const std::string tail = "data.pkl";
            if (name == tail || (name.size() > tail.size() &&
                                 name.compare(name.size() - tail.size() - 1, tail.size() + 1,
                                              "/" + tail) == 0)) {
                prefix = name.substr(0, name.size() - tail.size());
                ++found;
            }
        }
        if (found != 1) {
            fail(f.m_path, found == 0 ? "zip archive without a data.pkl record (not a torch.save "
                                        "checkpoint)"
                                      : "zip archive with several data.pkl records");
        }
        auto bytesOf = [&](const ZipRecord& r) {
            return r.stored ? Storage{base() + r.offset, r.size}
                            : Storage{f.m_owned[r.owned].data(), f.m_owned[r.owned].size()};
        };
        if (auto bo = records.find(prefix + "byteorder"); bo != records.end()) {
            const Storage s = bytesOf(bo->second);
            if (std::string(reinterpret_cast<const char*>(s.data), s.size) != "little") {
                fail(f.m_path, "tensors are stored big-endian; only little-endian is read");
            }
        }
        const Storage pkl = bytesOf(records.at(prefix + "data.pkl"));
        const Unpickled u = pickle::unpickle(pkl.data, pkl.size, f.m_path + " (" + prefix +
                                                                    "data.pkl)");
        addTensors(u, [&](const Value& storage) {
            auto it = records.find(prefix + "data/" + storage.s);
            if (it == records.end()) {
                fail(f.m_path, "storage record \"" + prefix + "data/" + storage.s +
                                   "\" is missing (truncated archive?)");
            }
            return bytesOf(it->second);
        });
    }

    /// A zip ends with its end-of-central-directory record (APPNOTE 4.3.16). minizip would
    /// also accept a file cut inside it when a zip64 locator precedes it; a cut file is refused.
    void requireEndRecord() {
        constexpr uint64_t kRecord = 22, kMaxComment = 65535;
        for (uint64_t back = kRecord; back <= f.m_file->size() && back <= kRecord + kMaxComment; ++back) {
            const uint8_t* p = base() + (f.m_file->size() - back);
            const uint64_t commentLength = p[20] | (p[21] << 8);
            if (std::memcmp(p, "PK\x05\x06", 4) == 0 && kRecord + commentLength == back) {
                return;
            }
        }
        fail(f.m_path, "truncated: the zip archive's end record is missing (the file was cut)");
    }

    std::map<std::string, ZipRecord> listZip() {
        requireEndRecord();
        std::map<std::string, ZipRecord> out;
        unzFile z = unzOpen64(f.m_path.c_str());
        if (!z) {
            fail(f.m_path, "not a readable zip archive (truncated or corrupt; torch.save writes "
                           "a zip with a central directory at its end)");
        }
        struct Closer {
            unzFile z;
            ~Closer() { unzClose(z); }
        } closer{z};
        for (int rc = unzGoToFirstFile(z); rc != UNZ_END_OF_LIST_OF_FILE; rc = unzGoToNextFile(z)) {
            if (rc != UNZ_OK) {
                fail(f.m_path, "corrupt zip central directory");
            }
            if (out.size() > 10'000'000) {
                fail(f.m_path, "more than 10 million zip records");
            }
            unz_file_info64 info{};
            char name[4096];
            if (unzGetCurrentFileInfo64(z, &info, name, sizeof name, nullptr, 0, nullptr, 0) !=
                    UNZ_OK ||
                info.size_filename >= sizeof name) {
                fail(f.m_path, "corrupt zip record header (or a name longer than 4 KB)");
            }
            ZipRecord r;
            r.size = info.uncompressed_size;
            r.stored = info.compression_method == 0;
            if (unzOpenCurrentFile(z) != UNZ_OK) {
                fail(f.m_path, std::string("zip record \"") + name + "\" cannot be opened");
            }
            r.offset = unzGetCurrentFileZStreamPos64(z);
            if (r.stored) {
                if (info.compressed_size != r.size || r.offset > f.m_file->size() ||
                    r.size > f.m_file->size() - r.offset) {
                    unzCloseCurrentFile(z);
                    fail(f.m_path, std::string("zip record \"") + name +
                                       "\" lies outside the file (truncated archive)");
                }
            } else {
                r.owned = inflate(z, name, info);
            }
            unzCloseCurrentFile(z);
            out[name] = r;
        }
        return out;
    }

    /// Reads a compressed record (torch.save never compresses, but a re-zipped file may).
    size_t inflate(unzFile z, const char* name, const unz_file_info64& info) {
        // Deflate cannot expand more than ~1032:1; a larger claim is a corrupt header.
        if (info.uncompressed_size > info.compressed_size * 1032 + 1024 ||
            info.uncompressed_size > (uint64_t(1) << 36)) {
            fail(f.m_path, std::string("zip record \"") + name + "\" claims an impossible size");
        }
        std::vector<uint8_t> buf(info.uncompressed_size);
        uint64_t done = 0;
        while (done < buf.size()) {
            const unsigned chunk = static_cast<unsigned>(std::min<uint64_t>(buf.size() - done, 1 << 30));
            const int n = unzReadCurrentFile(z, buf.data() + done, chunk);
            if (n <= 0) {
                fail(f.m_path, std::string("zip record \"") + name + "\" is corrupt or truncated");
            }
            done += static_cast<uint64_t>(n);
        }
        f.m_owned.push_back(std::move(buf));
        return f.m_owned.size() - 1;
    }

    // --- legacy format -----------------------------------------------------------------
    void readLegacy() {
        f.m_format = "pytorch_legacy";
        size_t pos = 0;
        auto next = [&](const char* what) {
            Unpickled u = pickle::unpickle(base() + pos, f.m_file->size() - pos,
                                           f.m_path + " (" + what + ")");
            pos += u.end;
            return u;
        };
        const Unpickled magic = next("magic number");
        if (magic.at(magic.root).kind != Kind::BigInt || magic.at(magic.root).s != kLegacyMagic) {
            fail(f.m_path, "not a PyTorch checkpoint: neither a zip archive nor the legacy "
                           "format's magic number");
        }
        const Unpickled version = next("protocol version");
        if (version.at(version.root).kind != Kind::Int ||
            version.at(version.root).i != kLegacyProtocol) {
            fail(f.m_path, "legacy checkpoint of an unknown protocol version (1001 expected)");
        }
        const Unpickled sysInfo = next("sys_info");
        if (const Value* le = sysInfo.get(sysInfo.at(sysInfo.root), "little_endian")) {
            if (le->kind != Kind::Bool || !le->i) {
                fail(f.m_path, "tensors are stored big-endian; only little-endian is read");
            }
        }
        const Unpickled object = next("state dict");
        const Unpickled keys = next("storage keys");
        const Value& list = keys.at(keys.root);
        if (list.kind != Kind::List) {
            fail(f.m_path, "the legacy storage key list is not a list");
        }
        // Each storage's dtype comes from the persistent ids of the object pickle.
        std::map<std::string, std::string> dtypes;
        for (const Value& v : object.values) {
            if (v.kind == Kind::Storage) {
                dtypes[v.s] = v.dtype;
            }
        }
        std::map<std::string, Storage> storages;
        for (Ref r : list.items) {
            const Value& key = keys.at(r);
            if (key.kind != Kind::String) {
                fail(f.m_path, "a legacy storage key is not a string");
            }
            auto d = dtypes.find(key.s);
            if (d == dtypes.end()) {
                fail(f.m_path, "storage \"" + key.s + "\" is used by no tensor");
            }
            if (f.m_file->size() - pos < 8) {
                fail(f.m_path, "truncated before storage \"" + key.s + "\"");
            }
            uint64_t numel = 0;
            for (int i = 7; i >= 0; --i) {
                numel = (numel << 8) | base()[pos + i];
            }
            pos += 8;
            const uint64_t elem = static_cast<uint64_t>(dtypeSize(d->second));
            if (numel > (f.m_file->size() - pos) / elem) {
                fail(f.m_path, "truncated: storage \"" + key.s + "\" claims " +
                                   std::to_string(numel) + " elements but " +
                                   std::to_string(f.m_file->size() - pos) + " bytes are left");
            }
            storages[key.s] = Storage{base() + pos, numel * elem};
            pos += numel * elem;
        }
        addTensors(object, [&](const Value& storage) {
            auto it = storages.find(storage.s);
            if (it == storages.end()) {
                fail(f.m_path, "storage \"" + storage.s + "\" is not in the storage key list");
            }
            return it->second;
        });
    }
};

TorchPickleFile::~TorchPickleFile() = default;

Result<std::unique_ptr<TorchPickleFile>> TorchPickleFile::open(const std::string& path) {
    return catchAll([&]() -> Result<std::unique_ptr<TorchPickleFile>> {
        std::unique_ptr<TorchPickleFile> f(new TorchPickleFile);
        f->m_path = path;
        f->m_file = std::make_unique<MappedFile>(path, 4, "");
        const uint8_t* bytes = f->m_file->data();
        Builder b{*f};
        if (std::memcmp(bytes, "PK\x03\x04", 4) == 0) {
            b.readZip();
        } else if (bytes[0] == 0x80) {
            b.readLegacy();
        } else {
            fail(path, "not a PyTorch checkpoint: neither a zip archive (PK) nor a pickle");
        }
        return std::move(f);
    });
}

} // namespace cl
