#include "core/logs/tensorboard_parser.h"

#include "core/logs/crc32c.h"
#include "core/logs/proto_wire.h"

#include <cstring>

namespace cl::logs {

namespace {

using Wire = ProtoReader::WireType;

uint32_t readU32(const char* p) {
    uint32_t v = 0;
    std::memcpy(&v, p, 4);
    return v;
}

// TensorProto (tensorflow/core/framework/tensor.proto): the single number of a scalar tensor.
// dtype 1 = DT_FLOAT, 2 = DT_DOUBLE, 3 = DT_INT32, 9 = DT_INT64; others are not scalars to us.
bool scalarFromTensor(std::string_view tensor, double& out) {
    ProtoReader r(tensor);
    uint64_t dtype = 0;
    int count = 0;
    std::string_view content;
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
        } else if ((f == 7 || f == 10) && r.wireType() == Wire::Varint) { // int_val, int64_val
            ++count;
            out = static_cast<double>(static_cast<int64_t>(r.varint()));
        }
    }
    if (!r.ok()) {
        return false;
    }
    if (count == 0 && !content.empty()) {
        if (dtype == 1 && content.size() == 4) {
            float v = 0;
            std::memcpy(&v, content.data(), 4);
            out = v;
            return true;
        }
        if (dtype == 2 && content.size() == 8) {
            std::memcpy(&out, content.data(), 8);
            return true;
        }
        return false;
    }
    return count == 1 && (dtype == 0 || dtype == 1 || dtype == 2 || dtype == 3 || dtype == 9);
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

bool TensorBoardParser::parseValue(std::string_view value, std::string& tag, double& out) {
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
    return !tensor.empty() && scalarFromTensor(tensor, out);
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
        if (s.field() == 1 && s.wireType() == Wire::Bytes && parseValue(s.bytes(), tag, p.value)) {
            out.add(tag, p);
        }
    }
    if (!s.ok()) {
        out.skip(m_record, "record " + std::to_string(m_record) + ": malformed Summary protobuf");
    }
}

} // namespace cl::logs
