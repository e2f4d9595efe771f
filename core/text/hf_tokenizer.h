#pragma once
// A tokenizer.json tokenizer: added tokens -> normalizer -> pre-tokenizer -> BPE, the pipeline
// order of HF tokenizers (REFERENCE.md §6.1), with byte spans for every token.

#include "core/text/added_vocabulary.h"
#include "core/text/bpe_model.h"
#include "core/text/hf_decoder.h"
#include "core/text/hf_normalizer.h"
#include "core/text/hf_pre_tokenizer.h"
#include "core/text/tokenizer.h"

#include <memory>
#include <string>
#include <vector>

namespace cl {

class HfTokenizer final : public Tokenizer {
public:
    /// Parses the text of a tokenizer.json; `source` names it in errors. Throws
    /// std::invalid_argument with one sentence (field and expectation) on any problem.
    static std::unique_ptr<HfTokenizer> fromJson(const std::string& jsonText,
                                                 const std::string& source);

    Result<Encoding> encode(const std::string& utf8, bool addSpecial) const override;
    std::string decode(const std::vector<int32_t>& ids, bool skipSpecial = false) const override;
    std::string idToPiece(int32_t id) const override;
    std::optional<int32_t> pieceToId(const std::string& piece) const override;
    int32_t vocabSize() const override { return m_vocabSize; }
    const SpecialTokens& special() const override { return m_special; }
    std::string kind() const override { return m_kind; }
    std::string fingerprint() const override { return m_fingerprint; }
    void setSpecial(const SpecialTokens& special) override;

    /// transformers' clean_up_tokenization_spaces, applied by decode() when enabled.
    void setCleanUpTokenizationSpaces(bool on) { m_cleanUp = on; }
    /// transformers' clean_up_tokenization (" ." -> ".", " n't" -> "n't", ...).
    static std::string cleanUpTokenizationSpaces(const std::string& text);

private:
    HfTokenizer() = default;
    void appendPiece(Encoding& enc, int32_t id, std::pair<int64_t, int64_t> span) const;

    AddedVocabulary m_added;
    HfNormalizer m_normalizer;
    HfPreTokenizer m_preTokenizer;
    std::unique_ptr<BpeModel> m_model;
    HfDecoder m_decoder;
    SpecialTokens m_special;
    int32_t m_vocabSize = 0;
    std::string m_kind;
    std::string m_fingerprint;
    bool m_cleanUp = false;
};

} // namespace cl
