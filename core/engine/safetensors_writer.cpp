#include "core/engine/safetensors_writer.h"

#include "core/engine/safetensors_file.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <fstream>

namespace cl {

Status writeSafetensors(const std::string& path, const std::vector<TensorToWrite>& tensors,
                        const std::vector<std::pair<std::string, std::string>>& metadata) {
    std::vector<const TensorToWrite*> order;
    for (const TensorToWrite& t : tensors) {
        if (dtypeSize(t.dtype) == 0) {
            return Error{path + ": cannot write dtype \"" + t.dtype + "\""};
        }
        order.push_back(&t);
    }
    std::sort(order.begin(), order.end(),
              [](const TensorToWrite* a, const TensorToWrite* b) { return a->name < b->name; });
    nlohmann::ordered_json header;
    if (!metadata.empty()) {
        nlohmann::ordered_json meta;
        for (const auto& [k, v] : metadata) {
            meta[k] = v;
        }
        header["__metadata__"] = meta;
    }
    uint64_t offset = 0;
    std::vector<uint64_t> sizes;
    for (const TensorToWrite* t : order) {
        uint64_t n = static_cast<uint64_t>(dtypeSize(t->dtype));
        for (int64_t d : t->shape) {
            n *= static_cast<uint64_t>(d);
        }
        header[t->name] = {{"dtype", t->dtype}, {"shape", t->shape},
                           {"data_offsets", {offset, offset + n}}};
        offset += n;
        sizes.push_back(n);
    }
    std::string text = header.dump();
    text.append((8 - text.size() % 8) % 8, ' ');
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    if (!out) {
        return Error{"cannot write " + path};
    }
    const uint64_t n = text.size();
    for (int i = 0; i < 8; ++i) {
        out.put(static_cast<char>((n >> (8 * i)) & 0xff));
    }
    out << text;
    for (size_t i = 0; i < order.size(); ++i) {
        out.write(static_cast<const char*>(order[i]->data), static_cast<std::streamsize>(sizes[i]));
    }
    if (!out.flush()) {
        return Error{"cannot write " + path + " (disk full?)"};
    }
    return Ok{};
}

} // namespace cl
