// Encoding and decoding of tokenizer.json tokenizers. Parsing lives in hf_tokenizer_json.cpp.

#include "core/text/hf_tokenizer.h"

#include "core/text/utf8.h"

namespace cl {

void HfTokenizer::setSpecial(const SpecialTokens& special) {
    m_special = special;
    m_fingerprint = computeFingerprint(*this);
}

std::string HfTokenizer::idToPiece(int32_t id) const {
    if (const AddedToken* t = m_added.byId(id)) {
        return t->content;
    }
    const std::string* token = m_model->idToToken(id);
    return token ? *token : std::string();
}

std::optional<int32_t> HfTokenizer::pieceToId(const std::string& piece) const {
    if (const auto id = m_added.idOf(piece)) {
        return id;
    }
    return m_model->tokenToId(piece);
}

void HfTokenizer::appendPiece(Encoding& enc, int32_t id, std::pair<int64_t, int64_t> span) const {
    enc.ids.push_back(id);
    enc.pieces.push_back(idToPiece(id));
    enc.offsets.push_back(span);
}

std::pair<int64_t, int64_t> HfTokenizer::span(const NormalizedText& text, size_t b,
                                              size_t e) const {
    return m_exactByteSpans ? text.coveredRange(b, e) : text.originalRange(b, e);
}

Result<Encoding> HfTokenizer::encode(const std::string& utf8, bool addSpecial) const {
    const size_t bad = utf8::firstInvalid(utf8);
    if (bad != std::string::npos) {
        return Error{"the text to tokenize is not valid UTF-8 (first bad byte at offset " +
                     std::to_string(bad) + ")"};
    }
    return catchAll([&]() -> Result<Encoding> {
        Encoding enc;
        const auto n = int64_t(utf8.size());
        if (addSpecial && m_special.addBos && m_special.bos) {
            if (!m_postBefore.empty() && m_postBefore.front() == *m_special.bos) {
                for (const int32_t id : m_postBefore) {
                    appendPiece(enc, id, {0, 0});
                }
            } else {
                appendPiece(enc, *m_special.bos, {0, 0});
            }
        }
        std::vector<BpePiece> pieces;
        // 1. added tokens that match the raw text (normalized: false)
        for (const AddedSplit& raw : m_added.split(utf8, false)) {
            if (raw.id >= 0) {
                appendPiece(enc, raw.id, {int64_t(raw.begin), int64_t(raw.end)});
                continue;
            }
            // 2. normalizer, then added tokens that match the normalized text
            NormalizedText normalized(std::string_view(utf8).substr(raw.begin, raw.end - raw.begin),
                                      int64_t(raw.begin));
            m_normalizer.apply(normalized);
            for (const AddedSplit& split : m_added.split(normalized.text(), true)) {
                if (split.id >= 0) {
                    appendPiece(enc, split.id, span(normalized, split.begin, split.end));
                    continue;
                }
                NormalizedText piece = normalized.slice(split.begin, split.end);
                if (piece.empty()) {
                    continue;
                }
                // 3. pre-tokenizer, 4. model
                for (const NormalizedText& word : m_preTokenizer.apply(std::move(piece))) {
                    if (word.empty()) {
                        continue;
                    }
                    pieces.clear();
                    m_model->tokenize(word.text(), pieces);
                    for (const BpePiece& p : pieces) {
                        appendPiece(enc, p.id, span(word, p.begin, p.end));
                    }
                }
            }
        }
        // 5. post-processor (BOS above, EOS here)
        if (addSpecial && m_special.addEos && m_special.eos) {
            if (!m_postAfter.empty() && m_postAfter.back() == *m_special.eos) {
                for (const int32_t id : m_postAfter) {
                    appendPiece(enc, id, {n, n});
                }
            } else {
                appendPiece(enc, *m_special.eos, {n, n});
            }
        }
        return enc;
    });
}

std::string HfTokenizer::decode(const std::vector<int32_t>& ids, bool skipSpecial) const {
    std::vector<std::string> tokens;
    tokens.reserve(ids.size());
    for (const int32_t id : ids) {
        if (const AddedToken* t = m_added.byId(id)) {
            if (!(skipSpecial && t->special)) {
                tokens.push_back(t->content);
            }
        } else if (const std::string* token = m_model->idToToken(id)) {
            tokens.push_back(*token);
        }
    }
    std::string text = m_decoder.decode(std::move(tokens));
    return m_cleanUp ? cleanUpTokenizationSpaces(text) : text;
}

std::string HfTokenizer::cleanUpTokenizationSpaces(const std::string& text) {
    // transformers tokenization_utils_base.py, clean_up_tokenization().
    static const std::pair<const char*, const char*> kRules[] = {
        {" .", "."},     {" ?", "?"},   {" !", "!"},   {" ,", ","},     {" ' ", "'"},
        {" n't", "n't"}, {" 'm", "'m"}, {" 's", "'s"}, {" 've", "'ve"}, {" 're", "'re"}};
    std::string out = text;
    for (const auto& [from, to] : kRules) {
        const std::string f(from), t(to);
        std::string next;
        size_t pos = 0;
        for (size_t hit = out.find(f); hit != std::string::npos; hit = out.find(f, pos)) {
            next.append(out, pos, hit - pos).append(t);
            pos = hit + f.size();
        }
        out = next.append(out, pos, std::string::npos);
    }
    return out;
}

} // namespace cl
