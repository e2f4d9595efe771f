#include "core/logs/tensorboard_parser.h"

#include "core/logs/crc32c.h"
#include "core/logs/proto_wire.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <vector>

namespace cl::logs {

namespace {

using Wire = ProtoReader::WireType;

uint32_t readU32(const char* p) {
    uint32_t v = 0;
    std::memcpy(&v, p, 4);
    return v;
}

/// IEEE half (binary16) bits to float.
double halfToDouble(uint16_t h) {
    const int exponent = (h >> 10) & 0x1F;
    const int mantissa = h & 0x3FF;
    const double sign = (h & 0x8000) ? -1.0 : 1.0;
    if (exponent == 0) {
        return sign * std::ldexp(mantissa, -24);
    }
    if (exponent == 31) {
        return mantissa ? std::numeric_limits<double>::quiet_NaN()
                        : sign * std::numeric_limits<double>::infinity();
    }
    return sign * std::ldexp(mantissa + 1024, exponent - 25);
}

/// bfloat16 bits (the high half of a float32) to float.
double bf16ToDouble(uint16_t b) {
    const uint32_t bits = uint32_t(b) << 16;
    float v = 0;
    std::memcpy(&v, &bits, 4);
    return v;
}

// TensorProto (tensorflow/core/framework/tensor.proto) dtypes we read as scalars.
constexpr uint64_t kFloat = 1, kDouble = 2, kInt32 = 3, kInt64 = 9, kBfloat16 = 14, kHalf = 19;

const char* dtypeName(uint64_t dtype) {
    switch (dtype) {
    case kFloat: return "float32";
    case kDouble: return "float64";
    case kInt32: return "int32";
    case kInt64: return "int64";
    case kBfloat16: return "bfloat16";
    case kHalf: return "float16";
    default: return nullptr;
    }
}

/// The single number of a scalar tensor: float_val(5), double_val(6), int_val(7),
/// int64_val(10), half_val(13, also bfloat16's bits), packed or not, or tensor_content(4).
/// Returns false when the tensor is not one readable number; why says what it held.
bool scalarFromTensor(std::string_view tensor, double& out, std::string& why) {
    ProtoReader r(tensor);
    uint64_t dtype = 0;
    std::vector<uint64_t> halves;
    int count = 0;
    std::string_view content;
    auto varints = [&](uint32_t f, uint64_t v) {
        ++count;
        if (f == 13) {
            halves.push_back(v);
        } else {
            out = static_cast<double>(f == 7 ? static_cast<int64_t>(static_cast<int32_t>(v))
                                             : static_cast<int64_t>(v));
        }
    };
    while (r.next()) {
        const uint32_t f = r.field();
        if (f == 1 && r.wireType() == Wire::Varint) {
            dtype = r.varint();
        } else if (f == 4 && r.wireType() == Wire::Bytes) {
            content = r.bytes();
        } else if (f == 5 || f == 6) { // float_val, double_val: packed or not
            if (r.wireType() == Wire::Bytes) {
                const std::size_t width = f == 5 ? 4 : 8;
                const std::string_view b = r.bytes();
                count += static_cast<int>(b.size() / width);
                if (b.size() == width) {
                    if (width == 4) {
                        float v = 0;
                        std::memcpy(&v, b.data(), 4);
                        out = v;
                    } else {
                        std::memcpy(&out, b.data(), 8);
                    }
                }
            } else {
                ++count;
                out = f == 5 ? double(r.asFloat()) : r.asDouble();
            }
        } else if (f == 7 || f == 10 || f == 13) { // int_val, int64_val, half_val
            if (r.wireType() == Wire::Varint) {
                varints(f, r.varint());
            } else if (r.wireType() == Wire::Bytes) { // packed (proto3's default)
                const std::string_view b = r.bytes();
                const char* p = b.data();
                uint64_t v = 0;
                while (p < b.data() + b.size()) {
                    if (!ProtoReader::readVarint(p, b.data() + b.size(), v)) {
                        why = "a malformed packed value list";
                        return false;
                    }
                    varints(f, v);
                }
            }
        }
    }
    if (!r.ok()) {
        why = "a malformed TensorProto";
        return false;
    }
    const char* name = dtypeName(dtype);
    if (dtype != 0 && name == nullptr) {
        why = "dtype " + std::to_string(dtype) + ", which is not a number type read here";
        return false;
    }
    if (count == 0 && !content.empty()) {
        const std::size_t width = dtype == kDouble || dtype == kInt64 ? 8
                                  : dtype == kHalf || dtype == kBfloat16 ? 2
                                                                         : 4;
        if (content.size() != width) {
            why = std::to_string(content.size() / width) + " values of " +
                  (name ? name : "float32") + " in tensor_content, not one";
            return false;
        }
        if (dtype == kDouble) {
            std::memcpy(&out, content.data(), 8);
        } else if (dtype == kInt64) {
            int64_t v = 0;
            std::memcpy(&v, content.data(), 8);
            out = static_cast<double>(v);
        } else if (dtype == kInt32) {
            int32_t v = 0;
            std::memcpy(&v, content.data(), 4);
            out = v;
        } else if (width == 2) {
            uint16_t v = 0;
            std::memcpy(&v, content.data(), 2);
            out = dtype == kHalf ? halfToDouble(v) : bf16ToDouble(v);
        } else {
            float v = 0;
            std::memcpy(&v, content.data(), 4);
            out = v;
        }
        return true;
    }
    if (count != 1) {
        why = std::to_string(count) + " values, not one";
        return false;
    }
    if (!halves.empty()) {
        const auto bits = static_cast<uint16_t>(halves.front());
        out = dtype == kBfloat16 ? bf16ToDouble(bits) : halfToDouble(bits);
    }
    return true;
}

std::string pluginName(std::string_view metadata) {
    ProtoReader r(metadata);
    while (r.next()) {
        if (r.field() == 1 && r.wireType() == Wire::Bytes) { // plugin_data
            ProtoReader pd(r.bytes());
            while (pd.next()) {
                if (pd.field() == 1 && pd.wireType() == Wire::Bytes) {
                    return std::string(pd.bytes());
                }
            }
        }
    }
    return {};
}

} // namespace

std::size_t TensorBoardParser::feed(std::string_view data, bool final, RunBuilder& out) {
    if (m_broken) {
        m_offset += data.size();
        return data.size();
    }
    std::size_t pos = 0;
    if (m_skipRemaining > 0) { // inside a record too long to hold: drop its bytes as they come
        const auto n = static_cast<std::size_t>(std::min<uint64_t>(m_skipRemaining, data.size()));
        m_skipRemaining -= n;
        m_offset += n;
        pos = n;
    }
    while (data.size() - pos >= 12) {
        const char* h = data.data() + pos;
        uint64_t len = 0;
        std::memcpy(&len, h, 8);
        ++m_record;
        if (maskCrc(crc32c(h, 8)) != readU32(h + 8)) {
            out.skip(m_record,
                     "record " + std::to_string(m_record) + " at byte " + std::to_string(m_offset) +
                         ": length checksum mismatch; the rest of the file is unreadable");
            m_broken = true;
            m_offset += data.size() - pos;
            return data.size();
        }
        if (len > kMaxRecordBytes) {
            // Issue #18: a huge length with a valid CRC made live reload buffer without limit
            // while waiting for the record to complete. Skip it without holding it.
            out.skip(m_record, "record " + std::to_string(m_record) + " at byte " +
                                   std::to_string(m_offset) + ": " + std::to_string(len) +
                                   " bytes, over the limit of " +
                                   std::to_string(kMaxRecordBytes >> 20) + " MiB; skipped");
            pos += 12;
            m_offset += 12;
            m_skipRemaining = len > UINT64_MAX - 4 ? UINT64_MAX : len + 4; // data and its CRC
            const auto n = static_cast<std::size_t>(
                std::min<uint64_t>(m_skipRemaining, data.size() - pos));
            m_skipRemaining -= n;
            m_offset += n;
            pos += n;
            continue;
        }
        if (data.size() - pos < 16 || len > data.size() - pos - 16) {
            --m_record; // not complete yet
            break;
        }
        const std::string_view event(h + 12, static_cast<std::size_t>(len));
        if (maskCrc(crc32c(event.data(), event.size())) != readU32(h + 12 + len)) {
            out.skip(m_record, "record " + std::to_string(m_record) + " at byte " +
                                   std::to_string(m_offset) + ": data checksum mismatch");
        } else {
            parseEvent(event, out);
        }
        pos += 16 + static_cast<std::size_t>(len);
        m_offset += 16 + len;
    }
    if (final && pos < data.size()) {
        out.skip(m_record + 1, "record " + std::to_string(m_record + 1) + " at byte " +
                                   std::to_string(m_offset) + ": truncated (" +
                                   std::to_string(data.size() - pos) + " bytes at the end)");
        m_offset += data.size() - pos;
        return data.size();
    }
    return pos;
}

bool TensorBoardParser::parseValue(std::string_view value, std::string& tag, double& out,
                                   RunBuilder& builder) {
    ProtoReader r(value);
    bool haveSimple = false;
    std::string_view tensor;
    std::string plugin;
    bool haveMetadata = false;
    tag.clear();
    while (r.next()) {
        if (r.field() == 1 && r.wireType() == Wire::Bytes) {
            tag.assign(r.bytes());
        } else if (r.field() == 2 && r.wireType() == Wire::Fixed32) {
            out = r.asFloat();
            haveSimple = true;
        } else if (r.field() == 8 && r.wireType() == Wire::Bytes) {
            tensor = r.bytes();
        } else if (r.field() == 9 && r.wireType() == Wire::Bytes) {
            plugin = pluginName(r.bytes());
            haveMetadata = true;
        }
    }
    if (!r.ok() || tag.empty()) {
        return false;
    }
    if (haveSimple) {
        return true;
    }
    if (haveMetadata) {
        m_tagIsScalar[tag] = plugin.empty() || plugin == "scalars";
    }
    const auto known = m_tagIsScalar.find(tag);
    if (known != m_tagIsScalar.end() && !known->second) {
        return false;
    }
    if (tensor.empty()) {
        return false;
    }
    std::string why;
    if (scalarFromTensor(tensor, out, why)) {
        return true;
    }
    // A tag of the scalars plugin whose tensor we cannot read: say so once per tag (issue #18:
    // such points were dropped without a word).
    if (known != m_tagIsScalar.end() && m_warnedTags.insert(tag).second) {
        builder.warn(m_record, "record " + std::to_string(m_record) + ": the scalar '" + tag +
                                   "' holds " + why + "; its points are skipped");
    }
    return false;
}

void TensorBoardParser::parseEvent(std::string_view event, RunBuilder& out) {
    ProtoReader r(event);
    Point p;
    std::string_view summary;
    while (r.next()) {
        if (r.field() == 1 && r.wireType() == Wire::Fixed64) {
            p.wallTime = r.asDouble();
        } else if (r.field() == 2 && r.wireType() == Wire::Varint) {
            p.step = static_cast<double>(static_cast<int64_t>(r.varint()));
        } else if (r.field() == 5 && r.wireType() == Wire::Bytes) {
            summary = r.bytes();
        }
    }
    if (!r.ok()) {
        out.skip(m_record, "record " + std::to_string(m_record) + ": malformed Event protobuf");
        return;
    }
    if (summary.empty()) {
        return; // file_version, graph, session log ...
    }
    out.run().absoluteWallTime = true;
    ProtoReader s(summary);
    std::string tag;
    while (s.next()) {
        if (s.field() == 1 && s.wireType() == Wire::Bytes && parseValue(s.bytes(), tag, p.value, out)) {
            out.add(tag, p);
        }
    }
    if (!s.ok()) {
        out.skip(m_record, "record " + std::to_string(m_record) + ": malformed Summary protobuf");
    }
}

} // namespace cl::logs
