// Reading tokenizer.json (HF tokenizers' serialization, REFERENCE.md §6): model BPE with merges
// as "a b" strings (tokenizers < 0.20) or ["a", "b"] pairs (>= 0.20), added_tokens, normalizer,
// pre_tokenizer, post_processor and decoder.

#include "core/text/hf_tokenizer.h"
#include "core/text/tokenizer_json_scan.h"

#include <nlohmann/json.hpp>

#include <stdexcept>

namespace cl {

namespace {

using nlohmann::json;

[[noreturn]] void fail(const std::string& message) {
    throw std::invalid_argument(message);
}

bool flag(const json& j, const char* key, bool fallback = false) {
    return j.contains(key) && j.at(key).is_boolean() ? j.at(key).get<bool>() : fallback;
}

std::vector<std::pair<std::string, std::string>> readMerges(const json& merges) {
    std::vector<std::pair<std::string, std::string>> out;
    out.reserve(merges.size());
    for (size_t i = 0; i < merges.size(); ++i) {
        const json& m = merges[i];
        const std::string where = "model.merges[" + std::to_string(i) + "]";
        if (m.is_string()) {
            const std::string s = m.get<std::string>();
            if (s.rfind("#version", 0) == 0) {
                continue;
            }
            const size_t space = s.find(' ');
            if (space == std::string::npos || s.find(' ', space + 1) != std::string::npos) {
                fail(where + " is \"" + s + "\"; expected two tokens separated by one space");
            }
            out.emplace_back(s.substr(0, space), s.substr(space + 1));
        } else if (m.is_array() && m.size() == 2 && m[0].is_string() && m[1].is_string()) {
            out.emplace_back(m[0].get<std::string>(), m[1].get<std::string>());
        } else {
            fail(where + " is neither a \"a b\" string nor a [\"a\", \"b\"] pair");
        }
    }
    return out;
}

std::vector<AddedToken> readAddedTokens(const json& j) {
    std::vector<AddedToken> out;
    if (!j.contains("added_tokens") || j.at("added_tokens").is_null()) {
        return out;
    }
    const json& list = j.at("added_tokens");
    if (!list.is_array()) {
        fail("added_tokens must be a list");
    }
    for (size_t i = 0; i < list.size(); ++i) {
        const json& t = list[i];
        if (!t.is_object() || !t.contains("id") || !t.at("id").is_number_integer() ||
            !t.contains("content") || !t.at("content").is_string()) {
            fail("added_tokens[" + std::to_string(i) +
                 "] needs an integer id and a content string");
        }
        const json& id = t.at("id");
        if (id.is_number_unsigned() ? id.get<uint64_t>() > uint64_t(kMaxTokenId)
                                    : id.get<int64_t>() < 0 || id.get<int64_t>() > kMaxTokenId) {
            fail("added_tokens[" + std::to_string(i) + "] has the id " + id.dump() +
                 "; expected 0 to " + std::to_string(kMaxTokenId) +
                 " (2^24 - 1; larger ids are beyond any real vocabulary)");
        }
        AddedToken a;
        a.id = id.get<int32_t>();
        a.content = t.at("content").get<std::string>();
        a.special = flag(t, "special");
        a.singleWord = flag(t, "single_word");
        a.lstrip = flag(t, "lstrip");
        a.rstrip = flag(t, "rstrip");
        a.normalized = flag(t, "normalized", !a.special);
        out.push_back(std::move(a));
    }
    return out;
}

/// Special ids a post-processor adds before and after the sequence (single-sequence template).
struct PostIds {
    std::vector<int32_t> before, after;
};

void readPostProcessor(const json& p, PostIds& ids) {
    if (p.is_null()) {
        return;
    }
    const std::string type = p.value("type", std::string());
    if (type == "ByteLevel") {
        return; // offsets only
    }
    if (type == "Sequence") {
        for (const json& child : p.value("processors", json::array())) {
            readPostProcessor(child, ids);
        }
        return;
    }
    if (type == "BertProcessing" || type == "RobertaProcessing") {
        // {"cls": ["<s>", 0], "sep": ["</s>", 2]}
        ids.before = {p.at("cls").at(1).get<int32_t>()};
        ids.after = {p.at("sep").at(1).get<int32_t>()};
        return;
    }
    if (type != "TemplateProcessing") {
        fail("post_processor has type '" + type +
             "', which is not supported (supported: ByteLevel, TemplateProcessing, "
             "BertProcessing, RobertaProcessing, Sequence)");
    }
    const json specials = p.value("special_tokens", json::object());
    // Reads one template ("single" or "pair"): the ids of its SpecialTokens, split at the
    // first $A. "pair" is only checked (we encode single sequences).
    auto readTemplate = [&](const char* key, std::vector<int32_t>& before,
                            std::vector<int32_t>& after) {
        const std::string where = std::string("post_processor.") + key;
        const json items = p.value(key, json::array());
        if (!items.is_array()) {
            fail(where + " must be a list");
        }
        bool seenSequence = false;
        for (const json& item : items) {
            if (item.contains("Sequence")) {
                const std::string id = item.at("Sequence").value("id", std::string("A"));
                if (id != "A" && !(id == "B" && std::string(key) == "pair")) {
                    fail(where + " uses sequence $" + id + ", which is not supported");
                }
                seenSequence = true;
                continue;
            }
            if (!item.contains("SpecialToken")) {
                fail(where + " has an item that is neither SpecialToken nor Sequence");
            }
            const std::string name = item.at("SpecialToken").at("id").get<std::string>();
            if (!specials.contains(name)) {
                fail(where + " names special token '" + name +
                     "', which is not in post_processor.special_tokens");
            }
            for (const json& id : specials.at(name).at("ids")) {
                (seenSequence ? after : before).push_back(id.get<int32_t>());
            }
        }
        if (!seenSequence) {
            fail(where + " has no $A");
        }
    };
    ids.before.clear();
    ids.after.clear();
    readTemplate("single", ids.before, ids.after);
    if (p.contains("pair") && !p.at("pair").is_null() && !p.at("pair").empty()) {
        std::vector<int32_t> pairBefore, pairAfter;
        readTemplate("pair", pairBefore, pairAfter);
    }
}

} // namespace

std::unique_ptr<HfTokenizer> HfTokenizer::fromJson(const std::string& jsonText,
                                                   const std::string& source) {
    json j;
    std::optional<ScannedTokenizerJson> scanned = scanTokenizerJson(jsonText);
    if (scanned) {
        j = std::move(scanned->rest);
    } else {
        try {
            j = json::parse(jsonText);
        } catch (const json::parse_error& e) {
            fail(source + " is not valid JSON: " + e.what());
        }
    }
    auto tokenizer = std::unique_ptr<HfTokenizer>(new HfTokenizer());
    tokenizer->m_source = source;
    try {
        if (!j.is_object()) {
            fail("expected a JSON object at the top level");
        }
        if (!j.contains("model") || !j.at("model").is_object()) {
            fail("field \"model\" is missing; expected an object");
        }
        const json& model = j.at("model");
        const std::string type = model.value("type", std::string("BPE"));
        if (type != "BPE") {
            fail("model.type is '" + type + "', which is not supported (supported: BPE)");
        }
        if (!model.contains("vocab") || !model.at("vocab").is_object()) {
            fail("field model.vocab is missing; expected an object mapping tokens to ids");
        }
        if (!model.contains("merges") || !model.at("merges").is_array()) {
            fail("field model.merges is missing; expected a list of merges");
        }
        if (model.contains("dropout") && model.at("dropout").is_number() &&
            model.at("dropout").get<double>() > 0.0) {
            fail("model.dropout is set, which is not supported (BPE dropout is for training)");
        }
        if (j.contains("truncation") && !j.at("truncation").is_null()) {
            fail("truncation is set, which is not supported");
        }
        if (j.contains("padding") && !j.at("padding").is_null() &&
            j.at("padding").contains("strategy") && j.at("padding").at("strategy").is_object()) {
            fail("padding has a Fixed strategy, which is not supported");
        }
        for (const char* key : {"continuing_subword_prefix", "end_of_word_suffix"}) {
            if (model.contains(key) && model.at(key).is_string() &&
                !model.at(key).get<std::string>().empty()) {
                fail(std::string("model.") + key + " is set, which is not supported");
            }
        }
        std::vector<std::pair<std::string, int32_t>> vocab;
        std::vector<std::pair<std::string, std::string>> merges;
        if (scanned) {
            vocab = std::move(scanned->vocab);
            merges = std::move(scanned->merges);
        } else {
            vocab.reserve(model.at("vocab").size());
            for (const auto& [token, id] : model.at("vocab").items()) {
                if (!id.is_number_integer()) {
                    fail("model.vocab gives token '" + token + "' a non-integer id");
                }
                if (id.is_number_unsigned() ? id.get<uint64_t>() > uint64_t(kMaxTokenId)
                                            : id.get<int64_t>() > kMaxTokenId) {
                    fail("model.vocab gives token '" + token + "' the id " + id.dump() +
                         "; ids above " + std::to_string(kMaxTokenId) +
                         " (2^24 - 1) are beyond any real vocabulary");
                }
                vocab.emplace_back(token, id.get<int32_t>());
            }
            merges = readMerges(model.at("merges"));
        }
        tokenizer->m_normalizer = HfNormalizer::fromJson(j.value("normalizer", json()));
        tokenizer->m_preTokenizer = HfPreTokenizer::fromJson(j.value("pre_tokenizer", json()));
        tokenizer->m_decoder = HfDecoder::fromJson(j.value("decoder", json()));

        BpeOptions options;
        options.byteLevel = tokenizer->m_preTokenizer.byteLevel();
        options.byteFallback = flag(model, "byte_fallback");
        options.fuseUnk = flag(model, "fuse_unk");
        options.ignoreMerges = flag(model, "ignore_merges");
        if (model.contains("unk_token") && model.at("unk_token").is_string()) {
            options.unkToken = model.at("unk_token").get<std::string>();
        }
        tokenizer->m_model = std::make_unique<BpeModel>(std::move(vocab), merges, options);
        tokenizer->m_added = AddedVocabulary(readAddedTokens(j));

        PostIds post;
        readPostProcessor(j.value("post_processor", json()), post);

        int32_t maxId = tokenizer->m_model->maxId();
        for (const AddedToken& t : tokenizer->m_added.tokens()) {
            maxId = std::max(maxId, t.id);
        }
        tokenizer->m_vocabSize = maxId + 1;
        tokenizer->m_postBefore = post.before;
        tokenizer->m_postAfter = post.after;
        tokenizer->m_kind = options.byteLevel ? "bpe-bytelevel" : "bpe-llama";

        SpecialTokens special;
        if (options.unkToken) {
            special.unk = tokenizer->pieceToId(*options.unkToken);
        }
        if (!post.before.empty()) {
            special.bos = post.before.front();
            special.addBos = true;
        }
        if (!post.after.empty()) {
            special.eos = post.after.back();
            special.addEos = true;
        }
        tokenizer->setSpecial(special);
    } catch (const json::exception& e) {
        fail(source + ": unexpected structure: " + e.what());
    } catch (const std::invalid_argument& e) {
        fail(source + ": " + e.what());
    }
    return tokenizer;
}

} // namespace cl
