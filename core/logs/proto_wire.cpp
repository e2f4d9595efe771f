#include "core/logs/proto_wire.h"

#include <cstring>

namespace cl::logs {

bool ProtoReader::readVarint(const char*& p, const char* end, uint64_t& out) {
    out = 0;
    for (int shift = 0; shift < 70 && p < end; shift += 7) {
        const auto byte = static_cast<uint8_t>(*p++);
        out |= uint64_t(byte & 0x7F) << shift;
        if ((byte & 0x80) == 0) {
            return true;
        }
    }
    return false;
}

bool ProtoReader::next() {
    if (!m_ok || m_p >= m_end) {
        return false;
    }
    uint64_t tag = 0;
    if (!readVarint(m_p, m_end, tag) || (tag >> 3) == 0 || (tag >> 3) > 0x1FFFFFFF) {
        m_ok = false;
        return false;
    }
    m_field = static_cast<uint32_t>(tag >> 3);
    switch (tag & 7) {
    case 0:
        m_type = WireType::Varint;
        m_ok = readVarint(m_p, m_end, m_varint);
        break;
    case 1:
        m_type = WireType::Fixed64;
        m_ok = m_end - m_p >= 8;
        if (m_ok) {
            uint64_t v = 0;
            std::memcpy(&v, m_p, 8); // protobuf is little-endian, as is every target we build
            m_varint = v;
            m_p += 8;
        }
        break;
    case 2: {
        m_type = WireType::Bytes;
        uint64_t len = 0;
        m_ok = readVarint(m_p, m_end, len) && len <= static_cast<uint64_t>(m_end - m_p);
        if (m_ok) {
            m_bytes = std::string_view(m_p, static_cast<std::size_t>(len));
            m_p += len;
        }
        break;
    }
    case 5:
        m_type = WireType::Fixed32;
        m_ok = m_end - m_p >= 4;
        if (m_ok) {
            uint32_t v = 0;
            std::memcpy(&v, m_p, 4);
            m_varint = v;
            m_p += 4;
        }
        break;
    default:
        m_ok = false;
    }
    return m_ok;
}

double ProtoReader::asDouble() const {
    double d = 0;
    const uint64_t bits = m_varint;
    std::memcpy(&d, &bits, 8);
    return d;
}

float ProtoReader::asFloat() const {
    float f = 0;
    const auto bits = static_cast<uint32_t>(m_varint);
    std::memcpy(&f, &bits, 4);
    return f;
}

} // namespace cl::logs
