// Malformed and malicious safetensors files give a sentence naming the file and the problem,
// never a crash (issue #3 item 6). Files are written by the test.
#include "core/engine/safetensors_file.h"

#include <QTemporaryDir>
#include <QtTest>

#include <nlohmann/json.hpp>

#include <cstring>
#include <fstream>

namespace {

std::string writeFile(const QString& dir, const std::string& name, const std::string& bytes) {
    const std::string path = (dir + "/").toStdString() + name;
    std::ofstream(path, std::ios::binary) << bytes;
    return path;
}

std::string le64(uint64_t v) {
    std::string s(8, '\0');
    for (int i = 0; i < 8; ++i) {
        s[i] = static_cast<char>((v >> (8 * i)) & 0xff);
    }
    return s;
}

/// header JSON + data bytes as one safetensors file image.
std::string image(const std::string& header, const std::string& data) {
    return le64(header.size()) + header + data;
}

const std::string kGoodHeader =
    R"({"__metadata__":{"format":"pt"},"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},)"
    R"("b":{"dtype":"BF16","shape":[1,2],"data_offsets":[8,12]}})";

} // namespace

class TestSafetensors : public QObject {
    Q_OBJECT
private slots:
    void readsValidFile();
    void rejects_data();
    void rejects();
    void pickleCheckpointIsRefused();
    void shardedIndex();
    void emptyTensorSharesAPointer();
};

void TestSafetensors::readsValidFile() {
    QTemporaryDir dir;
    std::string data(12, '\0');
    const float v[2] = {1.5f, -2.0f};
    std::memcpy(data.data(), v, 8);
    auto f = cl::SafetensorsFile::open(writeFile(dir.path(), "ok.safetensors",
                                                 image(kGoodHeader, data)));
    QVERIFY2(f.ok(), f.error().c_str());
    QCOMPARE(f.value()->tensors().size(), size_t(2));
    const cl::TensorEntry& a = f.value()->tensors().at("a");
    QCOMPARE(a.dtype, std::string("F32"));
    // Tensor data need not be 4-byte aligned (the header length is arbitrary): copy, never cast
    // (UBSan, scripts/check-sanitizers; issue #18).
    float a1 = 0;
    std::memcpy(&a1, a.data + 4, 4);
    QCOMPARE(a1, -2.0f);
    QCOMPARE(f.value()->tensors().at("b").shape, (std::vector<int64_t>{1, 2}));
    QCOMPARE(f.value()->metadata().at("format"), std::string("pt"));
}

void TestSafetensors::rejects_data() {
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<QString>("expected");
    auto row = [](const char* name, const std::string& bytes, const char* expected) {
        QTest::newRow(name) << QByteArray(bytes.data(), bytes.size()) << QString(expected);
    };
    const std::string data(12, '\0');
    row("empty", "", "truncated");
    row("truncated data", image(kGoodHeader, data).substr(0, 8 + kGoodHeader.size() + 5),
        "truncated");
    row("header longer than file", le64(1000) + "{}", "larger than the file");
    row("header over 100 MB", le64(200'000'000) + "{}", "100 MB");
    row("not json", image("{nope", ""), "not valid JSON");
    row("not an object", image("[1,2]  ", ""), "JSON object");
    row("overlap",
        image(R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},)"
              R"("b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}})", data),
        "overlapping or non-contiguous");
    row("hole",
        image(R"({"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},)"
              R"("b":{"dtype":"F32","shape":[1],"data_offsets":[8,12]}})", data),
        "overlapping or non-contiguous");
    row("out of range", image(R"({"a":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}})", data),
        "outside");
    row("shape disagrees with bytes",
        image(R"({"a":{"dtype":"F32","shape":[4],"data_offsets":[0,12]}})", data), "need 16");
    row("dtype disagrees",
        image(R"({"a":{"dtype":"F16","shape":[3],"data_offsets":[0,12]}})", data), "need 6");
    row("unknown dtype", image(R"({"a":{"dtype":"Q4","shape":[3],"data_offsets":[0,12]}})", data),
        "unknown dtype");
    row("negative dim", image(R"({"a":{"dtype":"F32","shape":[-3],"data_offsets":[0,12]}})", data),
        "negative");
    row("trailing bytes",
        image(R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}})", data),
        "trailing bytes");
    row("missing offsets", image(R"({"a":{"dtype":"F32","shape":[2]}})", data), "data_offsets");
}

void TestSafetensors::rejects() {
    QFETCH(QByteArray, bytes);
    QFETCH(QString, expected);
    QTemporaryDir dir;
    const std::string path =
        writeFile(dir.path(), "bad.safetensors", std::string(bytes.constData(), bytes.size()));
    auto f = cl::SafetensorsFile::open(path);
    QVERIFY(!f.ok());
    QVERIFY2(f.error().find(expected.toStdString()) != std::string::npos, f.error().c_str());
    QVERIFY2(f.error().find(path) == 0, "the message names the file");
}

void TestSafetensors::pickleCheckpointIsRefused() {
    // Pickle checkpoints are read since issue #14 (tst_pickle_reader); a broken one is refused
    // with a sentence naming it.
    QTemporaryDir dir;
    writeFile(dir.path(), "pytorch_model.bin", "PK\x03\x04 not really");
    auto c = cl::Checkpoint::open(dir.path().toStdString());
    QVERIFY(!c.ok());
    QVERIFY(c.error().find("pytorch_model.bin") != std::string::npos);
    QVERIFY2(c.error().find("zip archive") != std::string::npos, c.error().c_str());
}

void TestSafetensors::shardedIndex() {
    QTemporaryDir dir;
    writeFile(dir.path(), "model-00001-of-00002.safetensors",
              image(R"({"x":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}})",
                    std::string(4, '\0')));
    writeFile(dir.path(), "model-00002-of-00002.safetensors",
              image(R"({"y":{"dtype":"F16","shape":[2],"data_offsets":[0,4]}})",
                    std::string(4, '\0')));
    writeFile(dir.path(), "model.safetensors.index.json",
              R"({"metadata":{"total_size":8},"weight_map":{"x":"model-00001-of-00002.safetensors",)"
              R"("y":"model-00002-of-00002.safetensors"}})");
    auto c = cl::Checkpoint::open(dir.path().toStdString());
    QVERIFY2(c.ok(), c.error().c_str());
    QVERIFY(c->find("x") && c->find("y"));
    QCOMPARE(c->dataBytes(), uint64_t(8));
    QCOMPARE(c->storedDtypes(), std::string("F16+F32"));
    writeFile(dir.path(), "model.safetensors.index.json",
              R"({"weight_map":{"x":"../../etc/passwd"}})");
    auto evil = cl::Checkpoint::open(dir.path().toStdString());
    QVERIFY(!evil.ok());
}

void TestSafetensors::emptyTensorSharesAPointer() {
    // An empty tensor points where the next one starts; the byte count must still see the next
    // one (storages shared by several tensors count once since issue #14).
    QTemporaryDir dir;
    writeFile(dir.path(), "model.safetensors",
              image(R"({"a":{"dtype":"F32","shape":[0],"data_offsets":[0,0]},)"
                    R"("b":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}})",
                    std::string(4, '\0')));
    auto c = cl::Checkpoint::open(dir.path().toStdString());
    QVERIFY2(c.ok(), c.error().c_str());
    QCOMPARE(c->dataBytes(), uint64_t(4));
    QCOMPARE(c->format(), std::string("safetensors"));
}

QTEST_GUILESS_MAIN(TestSafetensors)
#include "tst_safetensors.moc"
