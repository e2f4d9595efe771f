// The restricted unpickler and the PyTorch checkpoint readers, torch-free (issue #14, item 2):
// every fixture tensor's bytes against torch.load's sha256, and hostile or broken inputs
// (os.system, truncation, wrong magic, deep nesting, a 2^40-element tensor) refused with a
// sentence, never a crash or a huge allocation.
#include "common/fixtures.h"
#include "core/engine/checkpoint.h"
#include "core/engine/pickle_reader.h"
#include "core/engine/torch_pickle_file.h"
#include "torch_save.h"

#include <QCryptographicHash>
#include <QTemporaryDir>
#include <QtTest>

#include <nlohmann/json.hpp>

#include <cstring>
#include <fstream>

using nlohmann::json;
using namespace std::string_literals;

namespace {

std::string writeFile(const QString& dir, const QString& name, const std::string& bytes) {
    const std::string path = (dir + "/" + name).toStdString();
    std::ofstream(path, std::ios::binary) << bytes;
    return path;
}

std::string readBytes(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
}

// --- pickle bytes, written by hand (torch_save.h) ------------------------------------------
using namespace cl::test::torch_save;

/// {'w': _rebuild_tensor_v2(storage '0' of `numel` floats, 0, shape, stride, False, OrderedDict())}
std::string stateDictPickle(int64_t numel, const std::vector<int64_t>& shape,
                            const std::vector<int64_t>& stride, bool legacy) {
    std::string pid = "("; // appended: see torch_save.h str()
    pid += str("storage") + "ctorch\nFloatStorage\n" + str("0") + str("cpu") + int64(numel) +
           (legacy ? "N" : "") + "t";
    return std::string("\x80\x02}") + str("w") + "ctorch._utils\n_rebuild_tensor_v2\n(" + pid +
           "QK\x00"s + intTuple(shape) + intTuple(stride) +
           "\x89" "ccollections\nOrderedDict\n)Rt" "Rs.";
}

/// A legacy-format file (torch/serialization.py _legacy_save) holding stateDictPickle().
std::string legacyFile(int64_t numel, const std::vector<int64_t>& shape,
                       const std::vector<int64_t>& stride, const std::vector<float>& data) {
    std::string s = std::string("\x80\x02\x8a\x0a\x6c\xfc\x9c\x46\xf9\x20\x6a\xa8\x50\x19.", 15);
    s += "\x80\x02M" + u16(1001) + ".";
    s += "\x80\x02}" + str("little_endian") + "\x88s.";
    s += stateDictPickle(numel, shape, stride, true);
    s += "\x80\x02]" + str("0") + "a.";
    s += int64(static_cast<int64_t>(data.size())).substr(2);
    s += std::string(reinterpret_cast<const char*>(data.data()), data.size() * 4);
    return s;
}

std::string floats(const std::vector<float>& v) {
    return std::string(reinterpret_cast<const char*>(v.data()), v.size() * 4);
}

cl::Result<cl::Checkpoint> openBytes(const QTemporaryDir& dir, const std::string& bytes) {
    writeFile(dir.path(), "pytorch_model.bin", bytes);
    return cl::Checkpoint::open(dir.path().toStdString());
}

const char* kSentence = "which CreditLens never runs; only tensors and dicts are read";

} // namespace

class TestPickleReader : public QObject {
    Q_OBJECT
private slots:
    void fixtureTensors_data();
    void fixtureTensors();
    void zipAnyPrefix();
    void legacyHandWritten();
    void sharedStorageCountsOnce();
    void refusesOsSystem();
    void refusesOsSystemInsideZip();
    void truncatedFixtures_data();
    void truncatedFixtures();
    void wrongMagic();
    void deepNesting();
    void hugeNumel();
    void nonContiguous();
    void malformedOpcodes_data();
    void malformedOpcodes();
    void integers();
    void valueLimit();
    void mutatedLegacyPickles();
};

void TestPickleReader::fixtureTensors_data() {
    QTest::addColumn<QString>("name");
    QTest::addColumn<QString>("format");
    QTest::newRow("zip, tied head") << "bin_gpt2" << "pytorch_zip";
    QTest::newRow("legacy, F16") << "bin_legacy_gpt_neox_parallel_fp16weights" << "pytorch_legacy";
    QTest::newRow("sharded, BF16") << "bin_sharded_llama_gqa_bf16weights" << "pytorch_zip";
    QTest::newRow("policy.pt") << "dpo_policy_llama_gqa_bf16weights" << "pytorch_zip";
}

void TestPickleReader::fixtureTensors() {
    CL_REQUIRE_FIXTURES();
    QFETCH(QString, name);
    QFETCH(QString, format);
    auto c = cl::Checkpoint::open(cl::test::fixtureStd("models/" + name));
    QVERIFY2(c.ok(), c.error().c_str());
    QCOMPARE(c->format(), format.toStdString());
    std::ifstream in(cl::test::fixtureStd("refs/" + name + ".json"));
    const json ref = json::parse(in);
    const json& expected = ref["torch_tensors"];
    QCOMPARE(c->names().size(), expected.size());
    int matches = 0;
    for (auto it = expected.begin(); it != expected.end(); ++it) {
        // policy.pt's state dict sits under 'state'; the checkpoint names it without the prefix.
        std::string key = it.key();
        if (key.rfind("state.", 0) == 0) {
            key = key.substr(6);
        }
        const cl::TensorEntry* e = c->find(key);
        QVERIFY2(e, key.c_str());
        QCOMPARE(e->dtype, (*it)["dtype"].get<std::string>());
        QCOMPARE(e->shape, (*it)["shape"].get<std::vector<int64_t>>());
        const QByteArray sha = QCryptographicHash::hash(
            QByteArrayView(e->data, static_cast<qsizetype>(e->end - e->begin)),
            QCryptographicHash::Sha256).toHex();
        QVERIFY2(sha.toStdString() == (*it)["sha256"].get<std::string>(), key.c_str());
        if (format == "pytorch_zip") {
            // Mapped in place: zip records are 64-byte aligned, the mapping page-aligned.
            QVERIFY2(reinterpret_cast<uintptr_t>(e->data) % 64 == 0, key.c_str());
        }
        ++matches;
    }
    qInfo("%s: %d/%d tensors match torch.load's sha256", qPrintable(name), matches,
          int(expected.size()));
    if (name == "bin_gpt2") {
        // lm_head.weight shares its storage with transformer.wte.weight: the same bytes.
        QCOMPARE(c->find("lm_head.weight")->data, c->find("transformer.wte.weight")->data);
    }
}

void TestPickleReader::zipAnyPrefix() {
    QTemporaryDir dir;
    const std::vector<float> v = {1, 2, 3, 4, 5, 6};
    auto c = openBytes(dir, zipFile({{"some-name/data.pkl", stateDictPickle(6, {2, 2}, {2, 1}, false)},
                                     {"some-name/data/0", floats(v)},
                                     {"some-name/version", "3\n"}}));
    QVERIFY2(c.ok(), c.error().c_str());
    const cl::TensorEntry* w = c->find("w");
    QVERIFY(w);
    QCOMPARE(w->shape, (std::vector<int64_t>{2, 2}));
    QCOMPARE(w->dtype, std::string("F32"));
    // Stored zip members need not be 4-byte aligned: copy, never cast (UBSan; issue #18).
    float w3 = 0;
    std::memcpy(&w3, w->data + 12, 4);
    QCOMPARE(w3, 4.0f);
}

void TestPickleReader::sharedStorageCountsOnce() {
    // {'a': storage 0 [0:2], 'b': storage 0 [0:2] (a tied head), 'c': storage 0 [2:4] (an offset)}
    auto tensor = [](const std::string& name, int offset) {
        return str(name) + "ctorch._utils\n_rebuild_tensor_v2\n((" + str("storage") +
               "ctorch\nFloatStorage\n" + str("0") + str("cpu") + int64(4) + "tQ" +
               int64(offset) + intTuple({2}) + intTuple({1}) + "\x89" +
               "ccollections\nOrderedDict\n)RtR";
    };
    const std::string pkl = "\x80\x02}(" + tensor("a", 0) + tensor("b", 0) + tensor("c", 2) + "u.";
    QTemporaryDir dir;
    auto c = openBytes(dir, zipFile({{"x/data.pkl", pkl}, {"x/data/0", floats({1, 2, 3, 4})}}));
    QVERIFY2(c.ok(), c.error().c_str());
    QCOMPARE(c->find("a")->data, c->find("b")->data);
    float c1 = 0;
    std::memcpy(&c1, c->find("c")->data + 4, 4);
    QCOMPARE(c1, 4.0f);
    QCOMPARE(c->dataBytes(), uint64_t(16)); // a (= b) and c: 8 bytes each
}

void TestPickleReader::legacyHandWritten() {
    QTemporaryDir dir;
    auto c = openBytes(dir, legacyFile(4, {4}, {1}, {1.5f, 2.5f, 3.5f, 4.5f}));
    QVERIFY2(c.ok(), c.error().c_str());
    QCOMPARE(c->format(), std::string("pytorch_legacy"));
    float last = 0;
    std::memcpy(&last, c->find("w")->data + 12, 4); // legacy storages need not be aligned
    QCOMPARE(last, 4.5f);
}

// Issue #14: a pickle that calls os.system is refused with a sentence naming the global.
void TestPickleReader::refusesOsSystem() {
    const std::string evil = std::string("\x80\x02") + "cposix\nsystem\nq\x00"s + str("touch pwned") +
                             "\x85q\x01Rq\x02.";
    try {
        cl::pickle::unpickle(reinterpret_cast<const uint8_t*>(evil.data()), evil.size(), "x.bin");
        QFAIL("posix.system was not refused");
    } catch (const std::runtime_error& e) {
        const std::string msg = e.what();
        QVERIFY2(msg.find("x.bin: the pickle calls 'posix.system', which CreditLens never runs; "
                          "only tensors and dicts are read") == 0,
                 msg.c_str());
    }
    QTemporaryDir dir;
    auto c = openBytes(dir, evil);
    QVERIFY(!c.ok());
    QVERIFY2(c.error().find("'posix.system', " + std::string(kSentence)) != std::string::npos,
             c.error().c_str());
    QVERIFY(c.error().find("pytorch_model.bin") != std::string::npos);
    QVERIFY(!QFile::exists("touch pwned"));
    // Every other route to code is refused as well.
    for (const char* g : {"builtins\neval\n", "os\nsystem\n", "torch\nload\n",
                                 "subprocess\nPopen\n", "__builtin__\ngetattr\n"}) {
        const std::string p = std::string("\x80\x02") + "c" + g + ")R.";
        auto r = openBytes(dir, p);
        QVERIFY(!r.ok());
        QVERIFY2(r.error().find(kSentence) != std::string::npos, r.error().c_str());
    }
    // A storage type is allowed as a name, never as something to call.
    auto call = openBytes(dir, std::string("\x80\x02") + "ctorch\nFloatStorage\n)R.");
    QVERIFY(!call.ok());
}

void TestPickleReader::refusesOsSystemInsideZip() {
    QTemporaryDir dir;
    const std::string evil = std::string("\x80\x02") + "cposix\nsystem\n" + str("id") + "\x85R.";
    auto c = openBytes(dir, zipFile({{"archive/data.pkl", evil}, {"archive/version", "3\n"}}));
    QVERIFY(!c.ok());
    QVERIFY2(c.error().find("'posix.system', " + std::string(kSentence)) != std::string::npos,
             c.error().c_str());
}

void TestPickleReader::truncatedFixtures_data() {
    QTest::addColumn<QString>("file");
    QTest::newRow("zip") << "models/bin_gpt2/pytorch_model.bin";
    QTest::newRow("legacy") << "models/bin_legacy_gpt_neox_parallel_fp16weights/pytorch_model.bin";
    QTest::newRow("policy.pt") << "models/dpo_policy_llama_gqa_bf16weights/policy.pt";
}

void TestPickleReader::truncatedFixtures() {
    CL_REQUIRE_FIXTURES();
    QFETCH(QString, file);
    const std::string full = readBytes(cl::test::fixtureStd(file));
    QVERIFY(full.size() > 1000);
    QTemporaryDir dir;
    int refused = 0;
    // Cuts everywhere in the pickles (the first and last few KB) and every ~7 KB in the data.
    std::vector<size_t> cuts;
    for (size_t n = 0; n < full.size(); n += (n < 8192 || n + 8192 > full.size()) ? 61 : 7001) {
        cuts.push_back(n);
    }
    for (size_t n : cuts) {
        const std::string path = writeFile(dir.path(), "cut.bin", full.substr(0, n));
        auto c = cl::TorchPickleFile::open(path);
        QVERIFY2(!c.ok(), qPrintable(QString("a file cut at %1 bytes was accepted").arg(n)));
        QVERIFY2(c.error().find(path) == 0, c.error().c_str());
        ++refused;
    }
    qInfo("%s: %d truncations refused with a message", qPrintable(file), refused);
}

void TestPickleReader::wrongMagic() {
    QTemporaryDir dir;
    auto text = openBytes(dir, "this is not a checkpoint at all");
    QVERIFY(!text.ok());
    QVERIFY2(text.error().find("not a PyTorch checkpoint") != std::string::npos,
             text.error().c_str());
    auto notMagic = openBytes(dir, std::string("\x80\x02K\x05.", 5));
    QVERIFY(!notMagic.ok());
    QVERIFY2(notMagic.error().find("magic number") != std::string::npos, notMagic.error().c_str());
    auto zipNoPickle = openBytes(dir, zipFile({{"a/version", "3\n"}}));
    QVERIFY(!zipNoPickle.ok());
    QVERIFY2(zipNoPickle.error().find("data.pkl") != std::string::npos, zipNoPickle.error().c_str());
    auto empty = openBytes(dir, "");
    QVERIFY(!empty.ok());
}

void TestPickleReader::deepNesting() {
    // 100000 nested 1-tuples, and 100000 open MARKs: refused with a message, no stack overflow.
    const std::string tuples = "\x80\x02N" + std::string(100000, '\x85') + ".";
    const std::string marks = "\x80\x02" + std::string(100000, '(') + ".";
    const std::string lists = "\x80\x02" + std::string(100000, ']') + std::string(99999, 'a') + ".";
    for (const std::string& p : {tuples, marks, lists}) {
        try {
            cl::pickle::unpickle(reinterpret_cast<const uint8_t*>(p.data()), p.size(), "deep");
            QFAIL("deep nesting accepted");
        } catch (const std::runtime_error& e) {
            QVERIFY2(std::string(e.what()).find("deep: ") == 0, e.what());
            QVERIFY2(std::string(e.what()).find("nested") != std::string::npos, e.what());
        }
    }
    // A list holding itself (a cycle through the memo) is harmless: nothing recurses over it.
    const std::string cycle = "\x80\x02]q\x00h\x00" "a."s;
    auto u = cl::pickle::unpickle(reinterpret_cast<const uint8_t*>(cycle.data()), cycle.size(), "c");
    QCOMPARE(u.at(u.root).items.size(), size_t(1));
}

void TestPickleReader::hugeNumel() {
    QTemporaryDir dir;
    // A 2^40-element tensor over a 4-element storage: refused before any allocation.
    auto c = openBytes(dir, legacyFile(4, {int64_t(1) << 40}, {1}, {1, 2, 3, 4}));
    QVERIFY(!c.ok());
    QVERIFY2(c.error().find("holds 4 elements") != std::string::npos, c.error().c_str());
    // A storage claiming 2^40 elements in a small file.
    auto s = openBytes(dir, legacyFile(int64_t(1) << 40, {4}, {1}, {1, 2, 3, 4}));
    QVERIFY(!s.ok());
    // A string length of 4 GB in a tiny pickle.
    const std::string longStr = std::string("\x80\x02X\xff\xff\xff\xff", 7) + "abc.";
    auto l = openBytes(dir, longStr);
    QVERIFY(!l.ok());
    QVERIFY2(l.error().find("truncated") != std::string::npos, l.error().c_str());
    // 2^40 elements in a shape whose product overflows.
    auto o = openBytes(dir, legacyFile(4, {int64_t(1) << 40, int64_t(1) << 40}, {int64_t(1) << 40, 1},
                                       {1, 2, 3, 4}));
    QVERIFY(!o.ok());
    QVERIFY2(o.error().find("absurdly large") != std::string::npos, o.error().c_str());
}

void TestPickleReader::nonContiguous() {
    QTemporaryDir dir;
    auto c = openBytes(dir, legacyFile(4, {2, 2}, {1, 2}, {1, 2, 3, 4}));
    QVERIFY(!c.ok());
    QVERIFY2(c.error().find("non-contiguous") != std::string::npos, c.error().c_str());
    // Size-1 dimensions may carry any stride (torch writes such tensors).
    auto ok = openBytes(dir, legacyFile(4, {1, 4}, {99, 1}, {1, 2, 3, 4}));
    QVERIFY2(ok.ok(), ok.error().c_str());
}

void TestPickleReader::malformedOpcodes_data() {
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<QString>("expected");
    auto row = [](const char* name, const std::string& b, const char* e) {
        QTest::newRow(name) << QByteArray(b.data(), static_cast<qsizetype>(b.size())) << e;
    };
    row("INST", "\x80\x02(iposix\nsystem\n.", "unsupported pickle opcode 0x69");
    row("NEWOBJ", "\x80\x02N)\x81.", "unsupported pickle opcode 0x81");
    row("memo miss", "\x80\x02h\x07.", "memo key 7");
    row("underflow", "\x80\x02R.", "stack underflow");
    row("no STOP", "\x80\x02N", "truncated");
    row("two values", "\x80\x02NN.", "STOP with 2 values");
    row("setitem on list", "\x80\x02]NNs.", "not a dict");
    row("bad pid", "\x80\x02NQ.", "persistent id");
    row("protocol 9", "\x80\x09N.", "protocol 9");
    row("global no newline", "\x80\x02" "ccollections", "newline-terminated");
}

void TestPickleReader::malformedOpcodes() {
    QFETCH(QByteArray, bytes);
    QFETCH(QString, expected);
    try {
        cl::pickle::unpickle(reinterpret_cast<const uint8_t*>(bytes.constData()),
                             static_cast<size_t>(bytes.size()), "m.pkl");
        QFAIL("malformed pickle accepted");
    } catch (const std::runtime_error& e) {
        QVERIFY2(std::string(e.what()).find(expected.toStdString()) != std::string::npos, e.what());
    }
}

void TestPickleReader::integers() {
    // BININT (any int >= 65536 in a real checkpoint, e.g. a 32000x4096 numel), signed; BININT1/2
    // unsigned; LONG1 sign-extended.
    const std::string p = "\x80\x02(J\x00\x00\x01\x00J\xff\xff\xff\xffK\xffM\xff\xff"
                          "\x8a\x01\xff\x8a\x05\x00\x00\x00\x00\x01t."s;
    auto u = cl::pickle::unpickle(reinterpret_cast<const uint8_t*>(p.data()), p.size(), "ints");
    std::vector<int64_t> got;
    for (cl::pickle::Ref r : u.at(u.root).items) {
        got.push_back(u.at(r).i);
    }
    QCOMPARE(got, (std::vector<int64_t>{65536, -1, 255, 65535, -1, int64_t(1) << 32}));
}

void TestPickleReader::valueLimit() {
    // ")0" builds and drops an empty tuple: values pile up without the stack growing.
    std::string p = "\x80\x02";
    for (int i = 0; i < 2000; ++i) {
        p += ")0";
    }
    p += "N.";
    cl::pickle::Limits limits;
    limits.maxValues = 1000;
    try {
        cl::pickle::unpickle(reinterpret_cast<const uint8_t*>(p.data()), p.size(), "v", limits);
        QFAIL("value limit not enforced");
    } catch (const std::runtime_error& e) {
        QVERIFY2(std::string(e.what()).find("more than 1000 values") != std::string::npos, e.what());
    }
}

void TestPickleReader::mutatedLegacyPickles() {
    CL_REQUIRE_FIXTURES();
    // A deterministic mutation smoke test of the unpickler (the fuzzer of issue #18 goes further):
    // bytes of the legacy fixture's five pickles flipped at random; every outcome is a value or a
    // std::runtime_error, never a crash, a hang or a huge allocation.
    const std::string file =
        readBytes(cl::test::fixtureStd("models/bin_legacy_gpt_neox_parallel_fp16weights/"
                                       "pytorch_model.bin"));
    size_t pickles = 0;
    for (int i = 0; i < 5; ++i) {
        pickles += cl::pickle::unpickle(reinterpret_cast<const uint8_t*>(file.data()) + pickles,
                                        file.size() - pickles, "legacy").end;
    }
    uint64_t state = 14;
    auto next = [&] { return state = state * 6364136223846793005ULL + 1442695040888963407ULL; };
    int refused = 0, parsed = 0;
    for (int round = 0; round < 3000; ++round) {
        std::string m = file.substr(0, pickles);
        for (int k = 1 + static_cast<int>(next() >> 61); k > 0; --k) {
            m[(next() >> 33) % m.size()] = static_cast<char>(next() >> 56);
        }
        size_t pos = 0;
        try {
            for (int i = 0; i < 5; ++i) {
                pos += cl::pickle::unpickle(reinterpret_cast<const uint8_t*>(m.data()) + pos,
                                            m.size() - pos, "mutated").end;
            }
            ++parsed;
        } catch (const std::runtime_error&) {
            ++refused;
        }
    }
    qInfo("3000 mutated legacy pickles: %d parsed, %d refused with a message", parsed, refused);
    QCOMPARE(parsed + refused, 3000);
}

QTEST_GUILESS_MAIN(TestPickleReader)
#include "tst_pickle_reader.moc"
