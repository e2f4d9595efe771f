#pragma once
// Model folders the GUI tests build from the shared fixtures:
//  - a stories260k pair: the real tiny Llama as policy, and a copy with model.norm.weight scaled
//    as reference (same tokenizer, different log-probs, so rewards are not all zero);
//  - a pythia-70m-shaped pair (GPT-NeoX, 6 x 512, vocab 50304, random weights, Pythia's
//    tokenizer.json) for timing the GUI thread while real-sized models run.

#include "tests/common/fixtures.h"

#include <QByteArray>
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QString>

#include <cstring>
#include <vector>

namespace cl::test {

namespace detail {

struct Tensor {
    QString name;
    std::vector<qint64> shape;
    std::vector<float> data;
};

inline bool writeSafetensors(const QString& path, const std::vector<Tensor>& tensors) {
    QJsonObject header{{"__metadata__", QJsonObject{{"format", "pt"}}}};
    qint64 offset = 0;
    for (const Tensor& t : tensors) {
        QJsonArray shape;
        for (qint64 d : t.shape) {
            shape.append(d);
        }
        const qint64 bytes = static_cast<qint64>(t.data.size() * sizeof(float));
        header[t.name] = QJsonObject{
            {"dtype", "F32"}, {"shape", shape}, {"data_offsets", QJsonArray{offset, offset + bytes}}};
        offset += bytes;
    }
    QByteArray json = QJsonDocument(header).toJson(QJsonDocument::Compact);
    while (json.size() % 8 != 0) {
        json.append(' ');
    }
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly)) {
        return false;
    }
    const quint64 n = static_cast<quint64>(json.size());
    char len[8];
    for (int i = 0; i < 8; ++i) {
        len[i] = static_cast<char>((n >> (8 * i)) & 0xff);
    }
    f.write(len, 8);
    f.write(json);
    for (const Tensor& t : tensors) {
        f.write(reinterpret_cast<const char*>(t.data.data()),
                static_cast<qint64>(t.data.size() * sizeof(float)));
    }
    return f.flush();
}

inline bool copyFile(const QString& from, const QString& to) {
    QFile::remove(to);
    return QFile::copy(from, to);
}

} // namespace detail

inline QString storiesPolicyDir() {
    return fixturePath("stories260k");
}

/// Writes the stories260k reference (model.norm.weight x `factor`) into `dir`; empty on failure.
inline QString makeStoriesReference(const QString& dir, float factor = 1.5f) {
    const QString src = storiesPolicyDir();
    for (const char* name : {"config.json", "generation_config.json", "tokenizer.model",
                             "tokenizer_config.json"}) {
        if (!detail::copyFile(src + "/" + name, dir + "/" + name)) {
            return {};
        }
    }
    QFile in(src + "/model.safetensors");
    if (!in.open(QIODevice::ReadOnly)) {
        return {};
    }
    QByteArray bytes = in.readAll();
    quint64 n = 0;
    for (int i = 7; i >= 0; --i) {
        n = (n << 8) | static_cast<unsigned char>(bytes[i]);
    }
    const QJsonObject header = QJsonDocument::fromJson(bytes.mid(8, static_cast<qsizetype>(n))).object();
    const QJsonArray offsets = header.value("model.norm.weight").toObject().value("data_offsets").toArray();
    if (offsets.size() != 2) {
        return {};
    }
    const qint64 begin = 8 + static_cast<qint64>(n) + offsets[0].toInteger();
    const qint64 end = 8 + static_cast<qint64>(n) + offsets[1].toInteger();
    for (qint64 p = begin; p < end; p += 4) {
        float v = 0;
        std::memcpy(&v, bytes.constData() + p, 4);
        v *= factor;
        std::memcpy(bytes.data() + p, &v, 4);
    }
    QFile out(dir + "/model.safetensors");
    if (!out.open(QIODevice::WriteOnly) || out.write(bytes) != bytes.size()) {
        return {};
    }
    return dir;
}

/// A GPT-NeoX fixture model folder (config + weights symlinked) with stories260k's
/// sentencepiece tokenizer, whose 512 ids fall inside the models' vocabulary of 1000.
inline QString makeNeoxWithStoriesTokenizer(const QString& dir, const QString& model) {
    const QString src = fixturePath("models/" + model);
    const bool ok =
        QFile::link(src + "/config.json", dir + "/config.json") &&
        QFile::link(src + "/model.safetensors", dir + "/model.safetensors") &&
        QFile::link(fixturePath("stories260k/tokenizer.model"), dir + "/tokenizer.model") &&
        QFile::link(fixturePath("stories260k/tokenizer_config.json"),
                    dir + "/tokenizer_config.json");
    return ok ? dir : QString();
}

/// Writes a pythia-70m-shaped GPT-NeoX folder with seeded random weights into `dir`.
inline QString makePythia70mShaped(const QString& dir, quint32 seed) {
    constexpr qint64 kHidden = 512, kLayers = 6, kHeads = 8, kVocab = 50304, kInter = 2048;
    const QJsonObject config{{"architectures", QJsonArray{"GPTNeoXForCausalLM"}},
                             {"model_type", "gpt_neox"},
                             {"hidden_size", kHidden},
                             {"num_hidden_layers", kLayers},
                             {"num_attention_heads", kHeads},
                             {"intermediate_size", kInter},
                             {"vocab_size", kVocab},
                             {"max_position_embeddings", 2048},
                             {"rotary_pct", 0.25},
                             {"rotary_emb_base", 10000},
                             {"layer_norm_eps", 1e-5},
                             {"hidden_act", "gelu"},
                             {"use_parallel_residual", true},
                             {"tie_word_embeddings", false},
                             {"bos_token_id", 0},
                             {"eos_token_id", 0},
                             {"torch_dtype", "float32"}};
    QFile cf(dir + "/config.json");
    if (!cf.open(QIODevice::WriteOnly)) {
        return {};
    }
    cf.write(QJsonDocument(config).toJson());
    cf.close();
    for (const char* name : {"tokenizer.json", "tokenizer_config.json"}) {
        if (!detail::copyFile(fixturePath(QString("tokenizers/pythia/") + name), dir + "/" + name)) {
            return {};
        }
    }
    quint32 state = seed * 2654435761u + 1;
    auto random = [&state](qint64 count, float scale, float mean = 0.0f) {
        std::vector<float> v(static_cast<size_t>(count));
        for (float& x : v) {
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            x = mean + scale * (static_cast<float>(state) / 4294967296.0f - 0.5f);
        }
        return v;
    };
    std::vector<detail::Tensor> t;
    t.push_back({"gpt_neox.embed_in.weight", {kVocab, kHidden}, random(kVocab * kHidden, 0.1f)});
    for (int l = 0; l < kLayers; ++l) {
        const QString p = QString("gpt_neox.layers.%1.").arg(l);
        t.push_back({p + "input_layernorm.weight", {kHidden}, random(kHidden, 0.1f, 1.0f)});
        t.push_back({p + "input_layernorm.bias", {kHidden}, random(kHidden, 0.02f)});
        t.push_back({p + "post_attention_layernorm.weight", {kHidden}, random(kHidden, 0.1f, 1.0f)});
        t.push_back({p + "post_attention_layernorm.bias", {kHidden}, random(kHidden, 0.02f)});
        t.push_back({p + "attention.query_key_value.weight", {3 * kHidden, kHidden},
                     random(3 * kHidden * kHidden, 0.08f)});
        t.push_back({p + "attention.query_key_value.bias", {3 * kHidden}, random(3 * kHidden, 0.02f)});
        t.push_back({p + "attention.dense.weight", {kHidden, kHidden}, random(kHidden * kHidden, 0.08f)});
        t.push_back({p + "attention.dense.bias", {kHidden}, random(kHidden, 0.02f)});
        t.push_back({p + "mlp.dense_h_to_4h.weight", {kInter, kHidden}, random(kInter * kHidden, 0.08f)});
        t.push_back({p + "mlp.dense_h_to_4h.bias", {kInter}, random(kInter, 0.02f)});
        t.push_back({p + "mlp.dense_4h_to_h.weight", {kHidden, kInter}, random(kInter * kHidden, 0.04f)});
        t.push_back({p + "mlp.dense_4h_to_h.bias", {kHidden}, random(kHidden, 0.02f)});
    }
    t.push_back({"gpt_neox.final_layer_norm.weight", {kHidden}, random(kHidden, 0.1f, 1.0f)});
    t.push_back({"gpt_neox.final_layer_norm.bias", {kHidden}, random(kHidden, 0.02f)});
    t.push_back({"embed_out.weight", {kVocab, kHidden}, random(kVocab * kHidden, 0.1f)});
    return detail::writeSafetensors(dir + "/model.safetensors", t) ? dir : QString();
}

} // namespace cl::test
