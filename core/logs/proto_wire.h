#pragma once
// A minimal protobuf wire-format reader: walks the fields of one message without a schema.
// Enough for TensorBoard's Event/Summary/TensorProto; no generated code, no libprotobuf.

#include <cstdint>
#include <string_view>

namespace cl::logs {

class ProtoReader {
public:
    enum class WireType : uint8_t { Varint = 0, Fixed64 = 1, Bytes = 2, Fixed32 = 5 };

    explicit ProtoReader(std::string_view message)
        : m_p(message.data()), m_end(m_p + message.size()) {}

    /// Advances to the next field. False at the end of the message or on malformed input;
    /// then ok() tells which. Groups (wire types 3/4) count as malformed.
    bool next();
    bool ok() const { return m_ok; }

    uint32_t field() const { return m_field; }
    WireType wireType() const { return m_type; }
    uint64_t varint() const { return m_varint; }       ///< Varint, Fixed64, Fixed32 raw bits
    std::string_view bytes() const { return m_bytes; } ///< Bytes
    double asDouble() const;                           ///< Fixed64 as IEEE double
    float asFloat() const;                             ///< Fixed32 as IEEE float

    /// Reads one varint from [p, end); advances p. False when cut off or over 10 bytes.
    static bool readVarint(const char*& p, const char* end, uint64_t& out);

private:
    const char* m_p;
    const char* m_end;
    bool m_ok = true;
    uint32_t m_field = 0;
    WireType m_type = WireType::Varint;
    uint64_t m_varint = 0;
    std::string_view m_bytes;
};

} // namespace cl::logs
