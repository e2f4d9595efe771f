// config.json parsing across architectures and spellings, and its error sentences (issue #3).
#include "core/engine/model_config.h"

#include <QtTest>

class TestModelConfig : public QObject {
    Q_OBJECT
private slots:
    void neoxDefaultsAndRope();
    void ropeParametersWin();
    void llamaGqa();
    void gpt2Names();
    void errors_data();
    void errors();
};

void TestModelConfig::neoxDefaultsAndRope() {
    auto c = cl::ModelConfig::fromJson(
        R"({"architectures":["GPTNeoXForCausalLM"],"vocab_size":50304,"hidden_size":512,
            "num_hidden_layers":6,"num_attention_heads":8,"intermediate_size":2048,
            "rotary_pct":0.25,"rotary_emb_base":10000,"eos_token_id":0})", "c.json");
    QVERIFY2(c.ok(), c.error().c_str());
    QCOMPARE(c->arch, cl::Architecture::GptNeoX);
    QCOMPARE(c->headDim, 64);
    QCOMPARE(c->rotaryDims, 16);
    QVERIFY(c->parallelResidual);
    QCOMPARE(c->activation, std::string("gelu"));
    QCOMPARE(*c->eosId, 0);
}

void TestModelConfig::ropeParametersWin() {
    auto c = cl::ModelConfig::fromJson(
        R"({"model_type":"gpt_neox","vocab_size":10,"hidden_size":64,"num_hidden_layers":1,
            "num_attention_heads":4,"rotary_pct":0.25,"rotary_emb_base":10000,
            "rope_parameters":{"rope_theta":500.0,"partial_rotary_factor":0.5,
                               "rope_type":"default"}})", "c.json");
    QVERIFY2(c.ok(), c.error().c_str());
    QCOMPARE(c->ropeTheta, 500.0);
    QCOMPARE(c->rotaryDims, 8);
}

void TestModelConfig::llamaGqa() {
    auto c = cl::ModelConfig::fromJson(
        R"({"architectures":["LlamaForCausalLM"],"vocab_size":1000,"hidden_size":64,
            "num_hidden_layers":3,"num_attention_heads":8,"num_key_value_heads":2,
            "intermediate_size":176,"rope_theta":500000.0,"eos_token_id":[2,3]})", "c.json");
    QVERIFY2(c.ok(), c.error().c_str());
    QCOMPARE(c->kvHeads, 2);
    QCOMPARE(c->headDim, 8);
    QCOMPARE(c->rotaryDims, 8);
    QCOMPARE(c->ropeTheta, 500000.0);
    QCOMPARE(*c->eosId, 2);
    QVERIFY(!c->attentionBias);
}

void TestModelConfig::gpt2Names() {
    auto c = cl::ModelConfig::fromJson(
        R"({"model_type":"gpt2","vocab_size":1000,"n_embd":64,"n_layer":3,"n_head":4,
            "n_positions":128})", "c.json");
    QVERIFY2(c.ok(), c.error().c_str());
    QCOMPARE(c->intermediate, 256);
    QCOMPARE(c->activation, std::string("gelu_new"));
    QVERIFY(c->tieEmbeddings);
}

void TestModelConfig::errors_data() {
    QTest::addColumn<QString>("json");
    QTest::addColumn<QString>("expected");
    QTest::newRow("unknown arch") << R"({"architectures":["MambaForCausalLM"],"vocab_size":3})"
                                  << "unsupported architecture \"MambaForCausalLM\"; supported: "
                                     "GPTNeoXForCausalLM";
    QTest::newRow("missing key") << R"({"model_type":"llama","vocab_size":3,"hidden_size":8})"
                                 << "missing required key \"num_hidden_layers\"";
    QTest::newRow("heads") << R"({"model_type":"gpt_neox","vocab_size":3,"hidden_size":10,
                                  "num_hidden_layers":1,"num_attention_heads":4})"
                           << "not divisible by 4 attention heads";
    QTest::newRow("kv heads") << R"({"model_type":"llama","vocab_size":3,"hidden_size":16,
                                     "num_hidden_layers":1,"num_attention_heads":4,
                                     "num_key_value_heads":3,"intermediate_size":8})"
                              << "not divisible by 3 key/value heads";
    QTest::newRow("activation") << R"({"model_type":"gpt2","vocab_size":3,"n_embd":8,"n_layer":1,
                                       "n_head":2,"activation_function":"mish2"})"
                                << "activation \"mish2\"";
    QTest::newRow("wrong type") << R"({"model_type":"gpt2","vocab_size":"big"})"
                                << "\"vocab_size\" must be an integer";
    QTest::newRow("not json") << "{" << "not valid JSON";
}

void TestModelConfig::errors() {
    QFETCH(QString, json);
    QFETCH(QString, expected);
    auto c = cl::ModelConfig::fromJson(json.toStdString(), "/m/config.json");
    QVERIFY(!c.ok());
    QVERIFY2(c.error().find(expected.toStdString()) != std::string::npos, c.error().c_str());
    QVERIFY(c.error().find("/m/config.json") == 0);
}

QTEST_GUILESS_MAIN(TestModelConfig)
#include "tst_model_config.moc"
