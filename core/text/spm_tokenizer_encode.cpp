// SpmTokenizer::encode, with chunking of long texts at spaces that no piece can cross.

#include "core/text/spm_tokenizer.h"

#include "core/text/utf8.h"

#include <algorithm>
#include <memory>

namespace cl {

namespace {

bool isAsciiAlnum(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

/// First p >= from with text[p] == ' ' between two ASCII letters/digits, else text.size().
size_t findCut(std::string_view text, size_t from) {
    for (size_t p = std::max<size_t>(from, 1); p + 1 < text.size(); ++p) {
        if (text[p] == ' ' && isAsciiAlnum(text[p - 1]) && isAsciiAlnum(text[p + 1])) {
            return p;
        }
    }
    return text.size();
}

} // namespace

Status SpmTokenizer::encodeRange(std::string_view text, int64_t base, bool continuation,
                                 Encoding& enc) const {
    clspm_piece* pieces = nullptr;
    size_t count = 0;
    if (m_lib->encode(m_processor, text.data(), text.size(), &pieces, &count) != 0) {
        return Error{"sentencepiece could not encode the text: " +
                     std::string(m_lib->lastError(m_processor))};
    }
    std::unique_ptr<clspm_piece, decltype(m_lib->freePieces)> guard(pieces, m_lib->freePieces);
    for (size_t i = 0; i < count; ++i) {
        int64_t b = pieces[i].begin + base;
        int64_t e = pieces[i].end + base;
        if (continuation && i == 0) {
            // The chunk's dummy-prefix "▁" is the space before it in the whole text.
            b = base - 1;
            e = pieces[i].end == 0 ? base : e;
        }
        enc.ids.push_back(pieces[i].id);
        enc.pieces.push_back(idToPiece(pieces[i].id));
        enc.offsets.emplace_back(b, e);
    }
    return Ok{};
}

Result<Encoding> SpmTokenizer::encode(const std::string& utf8, bool addSpecial) const {
    const size_t bad = utf8::firstInvalid(utf8);
    if (bad != std::string::npos) {
        return Error{"the text to tokenize is not valid UTF-8 (first bad byte at offset " +
                     std::to_string(bad) + ")"};
    }
    Encoding enc;
    enc.ids.reserve(utf8.size() / 3 + 2);
    enc.pieces.reserve(utf8.size() / 3 + 2);
    enc.offsets.reserve(utf8.size() / 3 + 2);
    if (addSpecial && m_special.addBos && m_special.bos) {
        enc.ids.push_back(*m_special.bos);
        enc.pieces.push_back(idToPiece(*m_special.bos));
        enc.offsets.emplace_back(0, 0);
    }
    const std::string_view text(utf8);
    size_t pos = 0;
    bool continuation = false;
    while (true) {
        const size_t cut = m_chunkBytes > 0 && text.size() - pos > 2 * m_chunkBytes
                               ? findCut(text, pos + m_chunkBytes)
                               : text.size();
        const Status s = encodeRange(text.substr(pos, cut - pos), int64_t(pos), continuation, enc);
        if (!s) {
            return Error{s.error()};
        }
        if (cut >= text.size()) {
            break;
        }
        pos = cut + 1;
        continuation = true;
    }
    if (addSpecial && m_special.addEos && m_special.eos) {
        enc.ids.push_back(*m_special.eos);
        enc.pieces.push_back(idToPiece(*m_special.eos));
        enc.offsets.emplace_back(int64_t(utf8.size()), int64_t(utf8.size()));
    }
    return enc;
}

bool SpmTokenizer::probeChunking() {
    // Cut at every eligible space of a sample and compare with one call (ids and spans).
    const std::string sample =
        "The quick brown fox jumps over the lazy dog, and 12 cats ran to the park. She said it "
        "was warm today so we played outside until 5 pm x y z";
    const size_t saved = m_chunkBytes;
    m_chunkBytes = 0;
    const auto whole = encode(sample, false);
    m_chunkBytes = 1; // with the "> 2 * chunk" rule this cuts at every eligible space
    const auto chunked = encode(sample, false);
    m_chunkBytes = saved;
    return whole.ok() && chunked.ok() && whole.value().ids == chunked.value().ids &&
           whole.value().offsets == chunked.value().offsets;
}

} // namespace cl
