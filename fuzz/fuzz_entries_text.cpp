// Entries for creditlens_text: tokenizer.json, tokenizer.model (the sentencepiece bridge's load
// path), tokenizer_config.json and chat templates.
#include "fuzz/fuzz_entries.h"

#include "core/text/chat_template/chat_template.h"
#include "core/text/tokenizer.h"
#include "core/text/tokenizer_config.h"

#include <stdexcept>

namespace cl::fuzz {

namespace {

// Text that reaches every stage of a pipeline: ASCII words, digits, spaces to merge, accents
// (normalizers), a CJK character and an emoji (byte fallback), a newline and a special token.
const std::string kText = "Hello,  world! It's 2024 -- caf\xc3\xa9 \xe4\xb8\xad \xf0\x9f\x98\x80\n\t<s></s>";

void exercise(const Tokenizer& tokenizer) {
    auto encoding = tokenizer.encode(kText, true);
    if (encoding.ok()) {
        (void)tokenizer.decode(encoding->ids, false);
        (void)tokenizer.decode(encoding->ids, true);
    }
    const int32_t n = tokenizer.vocabSize();
    (void)tokenizer.idToPiece(0);
    (void)tokenizer.idToPiece(n - 1);
    (void)tokenizer.idToPiece(n);
    (void)tokenizer.decode({0, n - 1, n, -1}, false);
    (void)tokenizer.fingerprint();
}

// A valid byte-level BPE tokenizer.json that the tokenizer_config entry loads next to its input.
const char* kTinyTokenizerJson = R"({"version":"1.0","added_tokens":[
{"id":5,"content":"<s>","single_word":false,"lstrip":false,"rstrip":false,"normalized":false,"special":true},
{"id":6,"content":"</s>","single_word":false,"lstrip":false,"rstrip":false,"normalized":false,"special":true}],
"normalizer":null,"pre_tokenizer":{"type":"ByteLevel","add_prefix_space":false,"trim_offsets":true,"use_regex":true},
"post_processor":null,"decoder":{"type":"ByteLevel","add_prefix_space":true,"trim_offsets":true,"use_regex":true},
"model":{"type":"BPE","dropout":null,"unk_token":null,"continuing_subword_prefix":null,
"end_of_word_suffix":null,"fuse_unk":false,"byte_fallback":false,
"vocab":{"H":0,"e":1,"l":2,"He":3,"ll":4,"<s>":5,"</s>":6},"merges":["H e","l l"]}})";

} // namespace

void tokenizerJson(const uint8_t* data, size_t size) {
    const std::string path = writeScratch("tokenizer_json/tokenizer.json", data, size);
    auto tokenizer = Tokenizer::load(path);
    if (tokenizer.ok()) {
        exercise(**tokenizer);
    }
}

void spmModel(const uint8_t* data, size_t size) {
    const std::string path = writeScratch("spm_model/tokenizer.model", data, size);
    auto tokenizer = Tokenizer::load(path);
    if (tokenizer.ok()) {
        exercise(**tokenizer);
    }
}

void tokenizerConfig(const uint8_t* data, size_t size) {
    static const std::string kDir = [] {
        const std::string json = kTinyTokenizerJson;
        writeScratch("tokenizer_config/tokenizer.json",
                     reinterpret_cast<const uint8_t*>(json.data()), json.size());
        return scratchDir() + "/tokenizer_config";
    }();
    writeScratch("tokenizer_config/tokenizer_config.json", data, size);
    try {
        (void)readTokenizerConfig(kDir);
    } catch (const std::invalid_argument&) {
        // The documented refusal of a file that is not a JSON object.
    }
    auto tokenizer = Tokenizer::load(kDir);
    if (tokenizer.ok()) {
        exercise(**tokenizer);
    }
    ChatTemplateLimits limits;
    limits.maxOutputBytes = 1u << 20;
    limits.maxIterations = 100'000;
    (void)ChatTemplate::fromTokenizerDir(kDir, {}, limits);
}

void chatTemplate(const uint8_t* data, size_t size) {
    ChatTemplateLimits limits;
    limits.maxOutputBytes = 1u << 20;
    limits.maxCallDepth = 50;
    limits.maxIterations = 100'000;
    auto tmpl = ChatTemplate::parse(std::string(reinterpret_cast<const char*>(data), size), limits);
    if (!tmpl.ok()) {
        return;
    }
    static const nlohmann::ordered_json kMessages = nlohmann::ordered_json::parse(R"([
        {"role": "system", "content": "You are helpful."},
        {"role": "user", "content": "Hi <b>there</b> \u00e9\n"},
        {"role": "assistant", "content": "Hello!", "tool_calls": [
            {"type": "function", "function": {"name": "f", "arguments": {"x": 1, "y": [1.5, null, true]}}}]},
        {"role": "tool", "content": "42"},
        {"role": "user", "content": ""}
    ])");
    static const nlohmann::ordered_json kExtra = nlohmann::ordered_json::parse(
        R"({"bos_token": "<s>", "eos_token": "</s>", "date_string": "26 Jul 2024"})");
    tmpl->setClock([] {
        std::tm t{};
        t.tm_year = 124;
        t.tm_mon = 6;
        t.tm_mday = 26;
        return t;
    });
    (void)tmpl->render(kMessages, true, kExtra);
    (void)tmpl->render(nlohmann::ordered_json::array(), false);
}

} // namespace cl::fuzz
