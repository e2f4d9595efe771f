// tokenizer.json components added for real Llama-3/Qwen/Gemma files (issue #15 item 1), on
// small hand-made snippets: Split (every behavior, invert, regex and string patterns),
// Sequence[Split, ByteLevel], BPE ignore_merges, fuse_unk, Replace normalizers (string and
// regex) with their spans, TemplateProcessing, the Replace decoder with a regex, and load-time
// errors that name the unsupported component. Expected values follow HF tokenizers' rules
// (normalizer.rs split(), pattern.rs find_matches, models/bpe/model.rs).
#include "core/text/hf_pre_tokenizer.h"
#include "core/text/hf_tokenizer.h"
#include "core/text/normalized_text.h"

#include "tst_tokenizer_helpers.h"

#include <QtTest>

using nlohmann::json;
using Ids = std::vector<int32_t>;
using Span = std::pair<int64_t, int64_t>;

namespace {

/// Single characters a..e, '-', '_', ' ' (ids 0..7), then "ab" 8, "abc" 9, "<unk>" 10,
/// "[CLS]" 11, "[SEP]" 12, "[X]" 13, and "de" 14; merges "a b", "d e".
json tinyModel() {
    json vocab = {{"a", 0},      {"b", 1},      {"c", 2},      {"d", 3},    {"e", 4},
                  {"-", 5},      {"_", 6},      {" ", 7},      {"ab", 8},   {"abc", 9},
                  {"<unk>", 10}, {"[CLS]", 11}, {"[SEP]", 12}, {"[X]", 13}, {"de", 14}};
    return {{"type", "BPE"},     {"unk_token", "<unk>"},
            {"fuse_unk", false}, {"byte_fallback", false},
            {"vocab", vocab},    {"merges", json::array({"a b", json::array({"d", "e"})})}};
}

json tinyTokenizer() {
    json added = json::array();
    for (const auto& [content, id] :
         {std::pair<const char*, int>{"[CLS]", 11}, {"[SEP]", 12}, {"[X]", 13}}) {
        added.push_back({{"id", id},
                         {"content", content},
                         {"single_word", false},
                         {"lstrip", false},
                         {"rstrip", false},
                         {"normalized", false},
                         {"special", true}});
    }
    return {{"version", "1.0"},          {"truncation", nullptr}, {"padding", nullptr},
            {"added_tokens", added},     {"normalizer", nullptr}, {"pre_tokenizer", nullptr},
            {"post_processor", nullptr}, {"decoder", nullptr},    {"model", tinyModel()}};
}

json split(const json& pattern, const char* behavior, bool invert) {
    return {{"type", "Split"}, {"pattern", pattern}, {"behavior", behavior}, {"invert", invert}};
}

std::unique_ptr<cl::HfTokenizer> make(const json& j) {
    return cl::HfTokenizer::fromJson(j.dump(), "test.json");
}

/// The error of loading j ("" when it loads).
std::string loadError(const json& j) {
    try {
        make(j);
    } catch (const std::exception& e) {
        return e.what();
    }
    return {};
}

} // namespace

class TestTokenizerPipeline : public QObject {
    Q_OBJECT
private slots:
    void splitBehaviors_data();
    void splitBehaviors();
    void splitSequenceWithByteLevel();
    void ignoreMerges();
    void fuseUnk_data();
    void fuseUnk();
    void replaceNormalizers_data();
    void replaceNormalizers();
    void exactByteSpans();
    void addedTokenPasses();
    void templateProcessing();
    void decoderReplaceRegex();
    void unsupportedComponents_data();
    void unsupportedComponents();
};

void TestTokenizerPipeline::splitBehaviors_data() {
    QTest::addColumn<QByteArray>("pattern"); // JSON
    QTest::addColumn<QString>("behavior");
    QTest::addColumn<bool>("invert");
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<QStringList>("words");
    const QByteArray dash = R"({"String": "-"})";
    const QByteArray text = "a-b--c";
    // find_matches: a | - | b | - | - | c  (matches: the dashes)
    QTest::newRow("Removed") << dash << "Removed" << false << text << QStringList{"a", "b", "c"};
    QTest::newRow("Isolated") << dash << "Isolated" << false << text
                              << QStringList{"a", "-", "b", "-", "-", "c"};
    // A match merges into the piece before it unless that piece was a match too.
    QTest::newRow("MergedWithPrevious")
        << dash << "MergedWithPrevious" << false << text << QStringList{"a-", "b-", "-", "c"};
    QTest::newRow("MergedWithNext")
        << dash << "MergedWithNext" << false << text << QStringList{"a", "-b", "-", "-c"};
    QTest::newRow("Contiguous") << dash << "Contiguous" << false << text
                                << QStringList{"a", "-", "b", "--", "c"};
    // invert: the letters are the matches.
    QTest::newRow("Removed invert")
        << dash << "Removed" << true << text << QStringList{"-", "-", "-"};
    QTest::newRow("Isolated invert")
        << dash << "Isolated" << true << text << QStringList{"a", "-", "b", "-", "-", "c"};
    QTest::newRow("MergedWithPrevious invert")
        << dash << "MergedWithPrevious" << true << text << QStringList{"a", "-b", "-", "-c"};
    QTest::newRow("MergedWithNext invert")
        << dash << "MergedWithNext" << true << text << QStringList{"a-", "b-", "-", "c"};
    QTest::newRow("Contiguous invert")
        << dash << "Contiguous" << true << text << QStringList{"a", "-", "b", "--", "c"};
    // A String pattern is literal: "." is not "any character".
    QTest::newRow("String is literal") << QByteArray(R"({"String": "."})") << "Isolated" << false
                                       << QByteArray("a.bc") << QStringList{"a", ".", "bc"};
    QTest::newRow("Regex MergedWithNext")
        << QByteArray(R"({"Regex": "[0-9]+"})") << "MergedWithNext" << false
        << QByteArray("ab12cd3") << QStringList{"ab", "12cd", "3"};
    // Gemma 3: Split on " " MergedWithPrevious keeps each space with the word before it.
    QTest::newRow("Gemma space") << QByteArray(R"({"String": " "})") << "MergedWithPrevious"
                                 << false << QByteArray("hi  there ")
                                 << QStringList{"hi ", " ", "there "};
    // Llama-3's pattern: \s+(?!\S) leaves the last space for the next word, which here is a
    // number (no space prefix in \p{N}{1,3}), so that space stands alone too.
    QTest::newRow("Llama-3 regex")
        << QByteArray(
               R"({"Regex": "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|)"
               R"(\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+"})")
        << "Isolated" << false << QByteArray("It'S  12345 ok!\n\nx")
        << QStringList{"It", "'S", " ", " ", "123", "45", " ok", "!\n\n", "x"};
    // \s is Unicode White_Space: U+0085 is a space, U+180E (PCRE2's \s has it) and U+FEFF are
    // not, so they join the punctuation run " ?[^\s\p{L}\p{N}]+".
    QTest::newRow("White_Space") << QByteArray(
                                        R"({"Regex": " ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+"})")
                                 << "Isolated" << false
                                 << QByteArray(" \xE1\xA0\x8E! \xEF\xBB\xBF!\xC2\x85")
                                 << QStringList{QString::fromUtf8(" \xE1\xA0\x8E!"),
                                                QString::fromUtf8(" \xEF\xBB\xBF!"),
                                                QString::fromUtf8("\xC2\x85")};
}

void TestTokenizerPipeline::splitBehaviors() {
    QFETCH(QByteArray, pattern);
    QFETCH(QString, behavior);
    QFETCH(bool, invert);
    QFETCH(QByteArray, text);
    QFETCH(QStringList, words);
    const auto pre = cl::HfPreTokenizer::fromJson(
        split(json::parse(pattern.toStdString()), qPrintable(behavior), invert));
    QStringList got;
    for (const cl::NormalizedText& w : pre.apply(cl::NormalizedText(text.toStdString(), 0))) {
        got << QString::fromStdString(w.text());
    }
    QCOMPARE(got, words);
}

void TestTokenizerPipeline::splitSequenceWithByteLevel() {
    json j = tinyTokenizer();
    j["pre_tokenizer"] = {
        {"type", "Sequence"},
        {"pretokenizers",
         {split({{"String", " "}}, "Isolated", false),
          {{"type", "ByteLevel"}, {"add_prefix_space", false}, {"use_regex", false}}}}};
    const auto pre = cl::HfPreTokenizer::fromJson(j["pre_tokenizer"]);
    QVERIFY(pre.byteLevel());
    QCOMPARE(pre.apply(cl::NormalizedText("ab c", 0)).size(), size_t(3)); // "ab", " ", "c"
    // ByteLevel first, Split after it, would split the byte alphabet: refused by name.
    std::swap(j["pre_tokenizer"]["pretokenizers"][0], j["pre_tokenizer"]["pretokenizers"][1]);
    QVERIFY2(loadError(j).find("pre_tokenizer.pretokenizers[1] (Split) comes after a ByteLevel") !=
                 std::string::npos,
             loadError(j).c_str());
}

void TestTokenizerPipeline::ignoreMerges() {
    json j = tinyTokenizer();
    j["pre_tokenizer"] = split({{"String", " "}}, "Removed", false);
    // Merges alone give "ab" "c"; with ignore_merges a word in the vocab is taken whole.
    QCOMPARE(make(j)->encode("abc abca", false).value().ids, (Ids{8, 2, 8, 2, 0}));
    j["model"]["ignore_merges"] = true;
    const auto tok = make(j);
    const auto enc = tok->encode("abc abca", false).value();
    QCOMPARE(enc.ids, (Ids{9, 8, 2, 0}));
    QCOMPARE(enc.offsets, (std::vector<Span>{{0, 3}, {4, 6}, {6, 7}, {7, 8}}));
}

void TestTokenizerPipeline::fuseUnk_data() {
    QTest::addColumn<bool>("fuse");
    QTest::addColumn<bool>("byteFallback");
    QTest::addColumn<Ids>("ids");
    QTest::addColumn<std::vector<Span>>("spans");
    // "axyb": x and y are not in the vocab.
    QTest::newRow("unk per character")
        << false << false << Ids{0, 10, 10, 1} << std::vector<Span>{{0, 1}, {1, 2}, {2, 3}, {3, 4}};
    QTest::newRow("fused unk") << true << false << Ids{0, 10, 1}
                               << std::vector<Span>{{0, 1}, {1, 3}, {3, 4}};
    // byte_fallback without <0xNN> pieces in the vocab falls back to unk.
    QTest::newRow("byte fallback, no byte pieces")
        << true << true << Ids{0, 10, 1} << std::vector<Span>{{0, 1}, {1, 3}, {3, 4}};
}

void TestTokenizerPipeline::fuseUnk() {
    QFETCH(bool, fuse);
    QFETCH(bool, byteFallback);
    QFETCH(Ids, ids);
    QFETCH(std::vector<Span>, spans);
    json j = tinyTokenizer();
    j["model"]["fuse_unk"] = fuse;
    j["model"]["byte_fallback"] = byteFallback;
    const auto enc = make(j)->encode("axyb", false).value();
    QCOMPARE(enc.ids, ids);
    QCOMPARE(enc.offsets, spans);
}

void TestTokenizerPipeline::replaceNormalizers_data() {
    QTest::addColumn<QByteArray>("normalizer");
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<Ids>("ids");
    QTest::addColumn<std::vector<Span>>("spans");
    QTest::newRow("string")
        << QByteArray(R"({"type": "Replace", "pattern": {"String": " "}, "content": "_"})")
        << QByteArray("a  b") << Ids{0, 6, 6, 1}
        << std::vector<Span>{{0, 1}, {1, 2}, {2, 3}, {3, 4}};
    // A regex run of spaces becomes one "_" that stands for the whole run.
    QTest::newRow("regex")
        << QByteArray(R"({"type": "Replace", "pattern": {"Regex": " +"}, "content": "_"})")
        << QByteArray("a  b c") << Ids{0, 6, 1, 6, 2}
        << std::vector<Span>{{0, 1}, {1, 3}, {3, 4}, {4, 5}, {5, 6}};
    // Sequence: NFC first (e + U+0301 is not in the vocab either way: unk), then Replace.
    QTest::newRow("sequence") << QByteArray(R"({"type": "Sequence", "normalizers": [{"type": "NFC"},
        {"type": "Replace", "pattern": {"Regex": "[-]"}, "content": "_"}]})")
                              << QByteArray("a-e\xCC\x81") << Ids{0, 6, 10}
                              << std::vector<Span>{{0, 1}, {1, 2}, {2, 5}};
}

void TestTokenizerPipeline::replaceNormalizers() {
    QFETCH(QByteArray, normalizer);
    QFETCH(QByteArray, text);
    QFETCH(Ids, ids);
    QFETCH(std::vector<Span>, spans);
    json j = tinyTokenizer();
    j["normalizer"] = json::parse(normalizer.toStdString());
    const auto tok = make(j);
    tok->setExactByteSpans(true);
    const auto enc = tok->encode(text.toStdString(), false).value();
    QCOMPARE(enc.ids, ids);
    QCOMPARE(enc.offsets, spans);
}

void TestTokenizerPipeline::exactByteSpans() {
    // "xe" + U+0301 + "y" with NFC: é (2 bytes) stands for 3 original bytes.
    cl::NormalizedText t("xe\xCC\x81y", 0);
    t.normalizeForm("NFC");
    QCOMPARE(t.coveredRange(1, 2), (Span{1, 4})); // half of é still covers all of it
    QCOMPARE(t.coveredRange(2, 4), (Span{1, 5}));
    QCOMPARE(t.coveredRange(0, 1), (Span{0, 1}));
    QCOMPARE(t.coveredRange(3, 3), (Span{4, 4}));
    // In one grapheme cluster "e" U+0301 ZWJ, only e + U+0301 changed: the ZWJ keeps its bytes.
    cl::NormalizedText zwj("e\xCC\x81\xE2\x80\x8D", 0);
    zwj.normalizeForm("NFC");
    QCOMPARE(zwj.text(), std::string("\xC3\xA9\xE2\x80\x8D"));
    QCOMPARE(zwj.coveredRange(0, 2), (Span{0, 3}));
    QCOMPARE(zwj.coveredRange(2, 5), (Span{3, 6}));
    // Unchanged text: exactly the bytes, even inside a character.
    const cl::NormalizedText emoji("\xF0\x9F\xA4\x97", 10);
    QCOMPARE(emoji.coveredRange(0, 2), (Span{10, 12}));
    QCOMPARE(emoji.coveredRange(2, 4), (Span{12, 14}));
}

void TestTokenizerPipeline::addedTokenPasses() {
    // normalized: false tokens match the raw text first; normalized: true ones match after the
    // normalizer (HF added_vocabulary.rs extract_and_normalize). special decides skipping.
    json j = tinyTokenizer();
    j["normalizer"] = {{"type", "Replace"}, {"pattern", {{"String", " "}}}, {"content", "_"}};
    j["added_tokens"].push_back({{"id", 20},
                                 {"content", "c_d"},
                                 {"single_word", false},
                                 {"lstrip", false},
                                 {"rstrip", false},
                                 {"normalized", true},
                                 {"special", false}});
    j["added_tokens"].push_back({{"id", 21},
                                 {"content", "e e"},
                                 {"single_word", false},
                                 {"lstrip", false},
                                 {"rstrip", false},
                                 {"normalized", false},
                                 {"special", false}});
    const auto tok = make(j);
    tok->setExactByteSpans(true);
    const auto enc = tok->encode("c d e e", false).value();
    QCOMPARE(enc.ids, (Ids{20, 6, 21}));
    QCOMPARE(enc.offsets, (std::vector<Span>{{0, 3}, {3, 4}, {4, 7}}));
    // "e_e" is not "e e": the raw-text token does not see the normalized text.
    QCOMPARE(tok->encode("e_e", false).value().ids, (Ids{4, 6, 4}));
    QCOMPARE(tok->decode({20, 11}, true), std::string("c_d")); // [CLS] is special, c_d is not
}

void TestTokenizerPipeline::templateProcessing() {
    json j = tinyTokenizer();
    auto special = [](const char* name, int id) {
        return json{{"id", name}, {"ids", {id}}, {"tokens", {name}}};
    };
    auto token = [](const char* name) { return json{{"SpecialToken", {{"id", name}}}}; };
    auto sequence = [](const char* id) { return json{{"Sequence", {{"id", id}}}}; };
    j["post_processor"] = {
        {"type", "TemplateProcessing"},
        {"single", {token("[CLS]"), token("[X]"), sequence("A"), token("[SEP]")}},
        {"pair", {token("[CLS]"), sequence("A"), token("[SEP]"), sequence("B"), token("[SEP]")}},
        {"special_tokens",
         {{"[CLS]", special("[CLS]", 11)},
          {"[SEP]", special("[SEP]", 12)},
          {"[X]", special("[X]", 13)}}}};
    const auto tok = make(j);
    const auto with = tok->encode("ab", true).value();
    QCOMPARE(with.ids, (Ids{11, 13, 8, 12}));
    QCOMPARE(with.offsets, (std::vector<Span>{{0, 0}, {0, 0}, {0, 2}, {2, 2}}));
    QCOMPARE(tok->encode("ab", false).value().ids, (Ids{8}));
    QCOMPARE(tok->special().bos, std::optional<int32_t>(11));
    QCOMPARE(tok->special().eos, std::optional<int32_t>(12));
    QCOMPARE(tok->decode(with.ids, true), std::string("ab"));

    json bad = j;
    bad["post_processor"]["pair"][1] = token("[NOPE]");
    QVERIFY(loadError(bad).find("post_processor.pair names special token '[NOPE]'") !=
            std::string::npos);
    bad = j;
    bad["post_processor"]["single"][2] = sequence("B");
    QVERIFY(loadError(bad).find("post_processor.single uses sequence $B") != std::string::npos);
}

void TestTokenizerPipeline::decoderReplaceRegex() {
    json j = tinyTokenizer();
    j["decoder"] = {{"type", "Sequence"},
                    {"decoders",
                     {{{"type", "Replace"}, {"pattern", {{"Regex", "_+"}}}, {"content", " "}},
                      {{"type", "Fuse"}},
                      {{"type", "Strip"}, {"content", " "}, {"start", 1}, {"stop", 0}}}}};
    const auto tok = make(j);
    QCOMPARE(tok->decode({6, 0, 6, 6, 1, 11}), std::string("a  b[CLS]"));
    QCOMPARE(tok->decode({6, 0, 6, 6, 1, 11}, true), std::string("a  b"));
}

void TestTokenizerPipeline::unsupportedComponents_data() {
    QTest::addColumn<QByteArray>("content");
    QTest::addColumn<QString>("expected");
    auto row = [](const char* name, const json& j, const char* expected) {
        QTest::newRow(name) << QByteArray::fromStdString(j.dump()) << QString(expected);
    };
    json j = tinyTokenizer();
    j["pre_tokenizer"] = split({{"String", " "}}, "Sideways", false);
    row("split behavior", j, "pre_tokenizer.behavior (Split) is 'Sideways'");
    j = tinyTokenizer();
    j["pre_tokenizer"] = split({{"Glob", "*"}}, "Isolated", false);
    row("split pattern", j, "pre_tokenizer.pattern (Split) must be");
    j = tinyTokenizer();
    j["pre_tokenizer"] = split({{"Regex", "(unclosed"}}, "Isolated", false);
    row("split regex", j, "pre_tokenizer (Split): the regular expression '(unclosed' does not");
    j = tinyTokenizer();
    j["normalizer"] = {{"type", "Replace"}, {"pattern", {{"Glob", "*"}}}, {"content", "x"}};
    row("replace pattern", j, "normalizer (Replace) needs a pattern");
    j = tinyTokenizer();
    j["truncation"] = {{"max_length", 512}};
    row("truncation", j, "truncation is set, which is not supported");
    j = tinyTokenizer();
    j["padding"] = {{"strategy", {{"Fixed", 8}}}};
    row("padding", j, "padding has a Fixed strategy");
    j = tinyTokenizer();
    j["model"]["dropout"] = 0.1;
    row("dropout", j, "model.dropout is set");
    j = tinyTokenizer();
    j["post_processor"] = {{"type", "TemplateProcessing"},
                           {"single", {{{"Sequence", {{"id", "A"}}}}, {{"Oops", 1}}}},
                           {"special_tokens", json::object()}};
    row("template item", j, "post_processor.single has an item that is neither");
}

void TestTokenizerPipeline::unsupportedComponents() {
    QFETCH(QByteArray, content);
    QFETCH(QString, expected);
    const std::string error = loadError(json::parse(content.toStdString()));
    QVERIFY2(error.find(expected.toStdString()) != std::string::npos, error.c_str());
    QVERIFY2(error.find("test.json") != std::string::npos, "the error names the file");
}

QTEST_GUILESS_MAIN(TestTokenizerPipeline)
#include "tst_tokenizer_pipeline.moc"
