#pragma once
// A sentencepiece .model tokenizer, run by libsentencepiece inside the dlopen'ed bridge. Ids and
// byte spans are the library's own (EncodeAsImmutableProto).

#include "core/text/spm_library.h"
#include "core/text/tokenizer.h"

#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace cl {

class SpmTokenizer final : public Tokenizer {
public:
    /// Loads a .model file. Error when the bridge is missing or the file is not a model.
    static Result<std::unique_ptr<SpmTokenizer>> loadFile(const std::string& path);
    /// Loads a serialized ModelProto; `source` names it in errors.
    static Result<std::unique_ptr<SpmTokenizer>> loadSerialized(const std::string& bytes,
                                                                const std::string& source);
    ~SpmTokenizer() override;

    Result<Encoding> encode(const std::string& utf8, bool addSpecial) const override;
    std::string decode(const std::vector<int32_t>& ids, bool skipSpecial = false) const override;
    std::string idToPiece(int32_t id) const override;
    std::optional<int32_t> pieceToId(const std::string& piece) const override;
    int32_t vocabSize() const override { return int32_t(m_pieces.size()); }
    const SpecialTokens& special() const override { return m_special; }
    std::string kind() const override { return "sentencepiece"; }
    std::string fingerprint() const override { return m_fingerprint; }
    void setSpecial(const SpecialTokens& special) override;

    /// Long texts are encoded in chunks of about this many bytes, cut at a space between two
    /// ASCII letters/digits (sentencepiece slows down superlinearly on long inputs: 0.4 MB/s
    /// for 1 MB of prose with Llama 2's model). No piece can cross such a space, so the result
    /// is identical; a probe at load checks that on sample text and turns chunking off (0)
    /// when it is not. Set 0 to always encode in one call.
    static constexpr size_t kDefaultChunkBytes = 2048;
    void setChunkBytes(size_t bytes) { m_chunkBytes = bytes; }
    size_t chunkBytes() const { return m_chunkBytes; }

    bool isControl(int32_t id) const;
    bool isByte(int32_t id) const;
    float score(int32_t id) const;

private:
    SpmTokenizer(const SpmLibrary* lib, clspm_processor* p, std::string source);
    static Result<std::unique_ptr<SpmTokenizer>> finish(const SpmLibrary* lib, clspm_processor* p,
                                                        int rc, const std::string& source);

    /// Encodes text (the input's bytes [base, base + size)) and appends to enc. continuation:
    /// text follows a space at base - 1 that sentencepiece's dummy prefix stands for.
    Status encodeRange(std::string_view text, int64_t base, bool continuation, Encoding& enc) const;
    bool probeChunking();

    const SpmLibrary* m_lib;
    clspm_processor* m_processor;
    std::vector<std::string> m_pieces;
    std::unordered_map<std::string, int32_t> m_ids;
    SpecialTokens m_special;
    std::string m_fingerprint;
    size_t m_chunkBytes = 0;
};

} // namespace cl
