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
    /// Off (default): offsets follow Encoding's span contract (a token holding part of a
    /// character gets an empty span at its start). On: offsets are the exact bytes each token
    /// stands for, as HF reference tokenizations give them (issue #15 fixtures: byte pieces
    /// split a character; a character the normalizer changed is covered whole by every token
    /// touching it, so such spans may overlap).
    void setExactByteSpans(bool on) { m_exactByteSpans = on; }
    /// transformers' clean_up_tokenization (" ." -> ".", " n't" -> "n't", ...).
    static std::string cleanUpTokenizationSpaces(const std::string& text);

private:
    HfTokenizer() = default;
    void appendPiece(Encoding& enc, int32_t id, std::pair<int64_t, int64_t> span) const;
    std::pair<int64_t, int64_t> span(const NormalizedText& text, size_t b, size_t e) const;

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
    bool m_exactByteSpans = false;
    /// TemplateProcessing's single template: ids before and after $A. BOS/EOS in m_special
    /// are their first/last; encode() adds the whole lists when they still agree.
    std::vector<int32_t> m_postBefore, m_postAfter;
};

} // namespace cl
