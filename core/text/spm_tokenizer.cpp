#include "core/text/spm_tokenizer.h"

#include "core/text/utf8.h"

#include <stdexcept>

namespace cl {

namespace {

std::optional<int32_t> idOrNone(int32_t id) {
    return id >= 0 ? std::optional<int32_t>(id) : std::nullopt;
}

} // namespace

SpmTokenizer::SpmTokenizer(const SpmLibrary* lib, clspm_processor* p, std::string source)
    : m_lib(lib), m_processor(p) {
    m_source = std::move(source);
}

SpmTokenizer::~SpmTokenizer() {
    m_lib->free(m_processor);
}

Result<std::unique_ptr<SpmTokenizer>>
SpmTokenizer::finish(const SpmLibrary* lib, clspm_processor* p, int rc, const std::string& source) {
    std::unique_ptr<SpmTokenizer> t(new SpmTokenizer(lib, p, source));
    if (rc != 0) {
        return Error{"the sentencepiece model " + source +
                     " could not be loaded; expected a complete sentencepiece .model file "
                     "(sentencepiece says: " +
                     lib->lastError(p) + ")"};
    }
    const int32_t n = lib->pieceSize(p);
    if (n <= 0) {
        return Error{"the sentencepiece model " + source + " has no pieces"};
    }
    t->m_pieces.resize(size_t(n));
    for (int32_t id = 0; id < n; ++id) {
        size_t size = 0;
        const char* piece = lib->idToPiece(p, id, &size);
        t->m_pieces[size_t(id)] = piece ? std::string(piece, size) : std::string();
        t->m_ids.emplace(t->m_pieces[size_t(id)], id);
    }
    SpecialTokens s;
    s.bos = idOrNone(lib->bosId(p));
    s.eos = idOrNone(lib->eosId(p));
    s.unk = idOrNone(lib->unkId(p));
    s.pad = idOrNone(lib->padId(p));
    s.addBos = s.bos.has_value(); // LlamaTokenizer's default (add_bos_token=True)
    s.addEos = false;
    t->setSpecial(s);
    t->m_chunkBytes = t->probeChunking() ? kDefaultChunkBytes : 0;
    return t;
}

Result<std::unique_ptr<SpmTokenizer>> SpmTokenizer::loadFile(const std::string& path) {
    const auto lib = SpmLibrary::instance();
    if (!lib) {
        return Error{lib.error()};
    }
    clspm_processor* p = lib.value()->create();
    if (p == nullptr) {
        return Error{"out of memory while loading " + path};
    }
    return finish(lib.value(), p, lib.value()->loadFile(p, path.c_str()), path);
}

Result<std::unique_ptr<SpmTokenizer>> SpmTokenizer::loadSerialized(const std::string& bytes,
                                                                   const std::string& source) {
    const auto lib = SpmLibrary::instance();
    if (!lib) {
        return Error{lib.error()};
    }
    clspm_processor* p = lib.value()->create();
    if (p == nullptr) {
        return Error{"out of memory while loading " + source};
    }
    return finish(lib.value(), p, lib.value()->loadSerialized(p, bytes.data(), bytes.size()),
                  source);
}

void SpmTokenizer::setSpecial(const SpecialTokens& special) {
    m_special = special;
    m_fingerprint = computeFingerprint(*this);
}

std::string SpmTokenizer::decode(const std::vector<int32_t>& ids, bool skipSpecial) const {
    // sentencepiece never prints control pieces (BOS/EOS/PAD); drop ids it does not know, and
    // with skipSpecial also the configured special ids.
    std::vector<int32_t> kept;
    kept.reserve(ids.size());
    for (const int32_t id : ids) {
        if (id < 0 || id >= vocabSize()) {
            continue;
        }
        if (skipSpecial && (id == m_special.bos || id == m_special.eos || id == m_special.pad)) {
            continue;
        }
        kept.push_back(id);
    }
    char* out = nullptr;
    size_t size = 0;
    if (m_lib->decode(m_processor, kept.data(), kept.size(), &out, &size) != 0) {
        // Issue #18: this returned "" and the text silently vanished.
        throw std::runtime_error("sentencepiece could not decode " + std::to_string(kept.size()) +
                                 " ids with " + m_source + " (sentencepiece says: " +
                                 m_lib->lastError(m_processor) + ")");
    }
    std::string text(out, size);
    m_lib->freeString(out);
    return text;
}

std::string SpmTokenizer::idToPiece(int32_t id) const {
    return id >= 0 && id < vocabSize() ? m_pieces[size_t(id)] : std::string();
}

std::optional<int32_t> SpmTokenizer::pieceToId(const std::string& piece) const {
    const auto it = m_ids.find(piece);
    if (it == m_ids.end()) {
        return std::nullopt;
    }
    return it->second;
}

bool SpmTokenizer::isControl(int32_t id) const {
    return m_lib->isControl(m_processor, id) != 0;
}

bool SpmTokenizer::isByte(int32_t id) const {
    return m_lib->isByte(m_processor, id) != 0;
}

float SpmTokenizer::score(int32_t id) const {
    return m_lib->score(m_processor, id);
}

} // namespace cl
