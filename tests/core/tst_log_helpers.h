#pragma once
// Helpers for the log-reader tests: write sample logs in the real on-disk layouts (LOGS.md),
// including TensorBoard event files built with a tiny protobuf encoder.

#include "core/logs/crc32c.h"

#include <QByteArray>
#include <QDir>
#include <QFile>
#include <QString>
#include <QTemporaryDir>

#include <cstdint>
#include <cstring>
#include <string>

namespace cl::test {

/// Writes bytes to dir/relative (creating folders); returns the full path.
inline QString writeFile(const QTemporaryDir& dir, const QString& relative,
                         const QByteArray& bytes) {
    const QString path = dir.filePath(relative);
    QDir().mkpath(QFileInfo(path).absolutePath());
    QFile f(path);
    if (f.open(QIODevice::WriteOnly)) {
        f.write(bytes);
    }
    return path;
}

/// Appends bytes to an existing file.
inline void appendFile(const QString& path, const QByteArray& bytes) {
    QFile f(path);
    if (f.open(QIODevice::Append)) {
        f.write(bytes);
    }
}

/// Protobuf wire-format encoder (just what Event/Summary/TensorProto need).
struct Proto {
    std::string bytes;
    void varint(uint64_t v) {
        while (v >= 0x80) {
            bytes.push_back(static_cast<char>((v & 0x7F) | 0x80));
            v >>= 7;
        }
        bytes.push_back(static_cast<char>(v));
    }
    void tag(uint32_t field, uint32_t wire) { varint((uint64_t(field) << 3) | wire); }
    void int64Field(uint32_t field, int64_t v) {
        tag(field, 0);
        varint(static_cast<uint64_t>(v));
    }
    void doubleField(uint32_t field, double v) {
        tag(field, 1);
        char b[8];
        std::memcpy(b, &v, 8);
        bytes.append(b, 8);
    }
    void floatField(uint32_t field, float v) {
        tag(field, 5);
        char b[4];
        std::memcpy(b, &v, 4);
        bytes.append(b, 4);
    }
    void bytesField(uint32_t field, const std::string& v) {
        tag(field, 2);
        varint(v.size());
        bytes += v;
    }
};

/// One TFRecord frame around data: length, masked CRC of length, data, masked CRC of data.
inline std::string tfRecord(const std::string& data) {
    std::string out;
    const uint64_t len = data.size();
    char b[8];
    std::memcpy(b, &len, 8);
    out.append(b, 8);
    uint32_t c = cl::logs::maskCrc(cl::logs::crc32c(b, 8));
    out.append(reinterpret_cast<const char*>(&c), 4);
    out += data;
    c = cl::logs::maskCrc(cl::logs::crc32c(data.data(), data.size()));
    out.append(reinterpret_cast<const char*>(&c), 4);
    return out;
}

/// An Event with one scalar summary value written as simple_value (tensorboardX, HF callback).
inline std::string scalarEvent(double wallTime, int64_t step, const std::string& tag, float v) {
    Proto value;
    value.bytesField(1, tag);
    value.floatField(2, v);
    Proto summary;
    summary.bytesField(1, value.bytes);
    Proto event;
    event.doubleField(1, wallTime);
    event.int64Field(2, step);
    event.bytesField(5, summary.bytes);
    return tfRecord(event.bytes);
}

/// An Event whose scalar is a DT_FLOAT tensor with the "scalars" plugin metadata (TF2 style).
inline std::string tensorEvent(double wallTime, int64_t step, const std::string& tag, float v) {
    Proto tensor;
    tensor.int64Field(1, 1); // DT_FLOAT
    tensor.bytesField(2, std::string());
    Proto packed;
    char b[4];
    std::memcpy(b, &v, 4);
    packed.bytes.append(b, 4);
    tensor.bytesField(5, packed.bytes); // float_val, packed
    Proto pluginData;
    pluginData.bytesField(1, "scalars");
    Proto metadata;
    metadata.bytesField(1, pluginData.bytes);
    Proto value;
    value.bytesField(1, tag);
    value.bytesField(8, tensor.bytes);
    value.bytesField(9, metadata.bytes);
    Proto summary;
    summary.bytesField(1, value.bytes);
    Proto event;
    event.doubleField(1, wallTime);
    event.int64Field(2, step);
    event.bytesField(5, summary.bytes);
    return tfRecord(event.bytes);
}

/// The first record of every event file: Event{wall_time, file_version = "brain.Event:2"}.
inline std::string fileVersionEvent(double wallTime) {
    Proto event;
    event.doubleField(1, wallTime);
    event.bytesField(3, "brain.Event:2");
    return tfRecord(event.bytes);
}

inline QByteArray bytes(const std::string& s) {
    return QByteArray(s.data(), static_cast<qsizetype>(s.size()));
}

} // namespace cl::test
