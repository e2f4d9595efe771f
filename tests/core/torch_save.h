#pragma once
// Bytes of torch.save files, written by hand for tests that need a PyTorch checkpoint this
// machine cannot make (no python torch): pickle opcodes as CPython's Lib/pickletools.py lists
// them, and the stored zip of torch/serialization.py (records 64-byte aligned, as torch pads
// them). stateDict() writes {name: _rebuild_tensor_v2(storage, 0, shape, stride, False,
// OrderedDict())} with one storage per tensor.

#include <cstdint>
#include <string>
#include <vector>

namespace cl::test::torch_save {

inline std::string u32(uint32_t v) {
    std::string s;
    for (int i = 0; i < 4; ++i) {
        s += static_cast<char>((v >> (8 * i)) & 0xff);
    }
    return s;
}
inline std::string u16(uint16_t v) {
    return {static_cast<char>(v & 0xff), static_cast<char>(v >> 8)};
}
/// BINUNICODE.
inline std::string str(const std::string& s) {
    std::string out = "X"; // appended: GCC 12 warns wrongly (-Wrestrict) on "X" + a string
    out += u32(static_cast<uint32_t>(s.size()));
    out += s;
    return out;
}
/// LONG1 with 8 bytes.
inline std::string int64(int64_t v) {
    std::string s = "\x8a\x08";
    for (int i = 0; i < 8; ++i) {
        s += static_cast<char>((static_cast<uint64_t>(v) >> (8 * i)) & 0xff);
    }
    return s;
}
inline std::string intTuple(const std::vector<int64_t>& v) {
    std::string s = "(";
    for (int64_t x : v) {
        s += int64(x);
    }
    return s + "t";
}

inline uint32_t crc32(const std::string& s) {
    uint32_t c = 0xffffffffu;
    for (unsigned char b : s) {
        c ^= b;
        for (int k = 0; k < 8; ++k) {
            c = (c >> 1) ^ (0xedb88320u & (0u - (c & 1u)));
        }
    }
    return ~c;
}

/// A stored (uncompressed) zip archive (PKWARE APPNOTE 4.3); each record's data starts on a
/// 64-byte boundary, padded through the local header's extra field as torch.save does.
inline std::string zipFile(const std::vector<std::pair<std::string, std::string>>& records) {
    std::string out, central;
    for (const auto& [name, data] : records) {
        const uint32_t offset = static_cast<uint32_t>(out.size());
        const std::string common = u16(20) + u16(0) + u16(0) + u16(0) + u16(0x21) +
                                   u32(crc32(data)) + u32(static_cast<uint32_t>(data.size())) +
                                   u32(static_cast<uint32_t>(data.size())) +
                                   u16(static_cast<uint16_t>(name.size()));
        const size_t header = 30 + name.size();
        size_t pad = (64 - (offset + header + 4) % 64) % 64; // after a 4-byte extra header
        const std::string extra = u16(0x4246) + u16(static_cast<uint16_t>(pad)) +
                                  std::string(pad, 'Z');
        out += u32(0x04034b50) + common + u16(static_cast<uint16_t>(extra.size())) + name +
               extra + data;
        central += u32(0x02014b50) + u16(20) + common + u16(0) + u16(0) + u16(0) + u16(0) +
                   u32(0) + u32(offset) + name;
    }
    const uint32_t cdOffset = static_cast<uint32_t>(out.size());
    const uint16_t n = static_cast<uint16_t>(records.size());
    return out + central + u32(0x06054b50) + u16(0) + u16(0) + u16(n) + u16(n) +
           u32(static_cast<uint32_t>(central.size())) + u32(cdOffset) + u16(0);
}

/// One tensor of a state dict: its bytes (little-endian, contiguous) and safetensors dtype.
struct SavedTensor {
    std::string name;
    std::string dtype; ///< "F32", "F16" or "BF16"
    std::vector<int64_t> shape;
    std::string bytes;
};

inline std::string storageClass(const std::string& dtype) {
    return dtype == "F16" ? "HalfStorage" : dtype == "BF16" ? "BFloat16Storage" : "FloatStorage";
}

/// The data.pkl of a state dict whose tensor i lives in storage "i".
inline std::string stateDictPickle(const std::vector<SavedTensor>& tensors) {
    std::string s = "\x80\x02}";
    for (size_t i = 0; i < tensors.size(); ++i) {
        const SavedTensor& t = tensors[i];
        std::vector<int64_t> stride(t.shape.size(), 1);
        for (size_t d = t.shape.size(); d-- > 1;) {
            stride[d - 1] = stride[d] * t.shape[d];
        }
        int64_t numel = 1;
        for (int64_t d : t.shape) {
            numel *= d;
        }
        std::string pid = "("; // appended: see str()
        pid += str("storage") + "ctorch\n" + storageClass(t.dtype) + "\n" +
               str(std::to_string(i)) + str("cpu") + int64(numel) + "t";
        s += str(t.name) + "ctorch._utils\n_rebuild_tensor_v2\n(" + pid + "Q" + int64(0) +
             intTuple(t.shape) + intTuple(stride) + "\x89" + "ccollections\nOrderedDict\n)R" +
             "tRs";
    }
    return s + ".";
}

/// A whole torch.save zip file (archive/data.pkl, archive/data/<i>, archive/version).
inline std::string stateDict(const std::vector<SavedTensor>& tensors) {
    std::vector<std::pair<std::string, std::string>> records = {
        {"archive/data.pkl", stateDictPickle(tensors)}};
    for (size_t i = 0; i < tensors.size(); ++i) {
        records.push_back({"archive/data/" + std::to_string(i), tensors[i].bytes});
    }
    records.push_back({"archive/version", "3\n"});
    return zipFile(records);
}

} // namespace cl::test::torch_save
