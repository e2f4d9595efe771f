#include "core/engine/safetensors_file.h"

#include "core/engine/mapped_file.h"

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

SafetensorsFile::~SafetensorsFile() = default;

uint64_t SafetensorsFile::fileSize() const {
    return m_file->size();
}

Result<std::unique_ptr<SafetensorsFile>> SafetensorsFile::open(const std::string& path) {
    return catchAll([&]() -> Result<std::unique_ptr<SafetensorsFile>> {
        std::unique_ptr<SafetensorsFile> f(new SafetensorsFile);
        f->m_path = path;
        f->m_file = std::make_unique<MappedFile>(
            path, 8, ", a safetensors file starts with an 8-byte header length");
        const uint64_t fileSize = f->m_file->size();
        const uint8_t* bytes = f->m_file->data();
        const uint64_t n = readLe64(bytes);
        if (n > kMaxHeader) {
            fail(path, "header length " + std::to_string(n) + " exceeds the 100 MB limit");
        }
        if (n > fileSize - 8) {
            fail(path, "truncated: header length " + std::to_string(n) +
                           " is larger than the file (" + std::to_string(fileSize) +
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
        const uint64_t dataSize = fileSize - dataStart;
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

} // namespace cl
