#pragma once
// A sentencepiece .model tokenizer, run by libsentencepiece inside the dlopen'ed bridge. Ids and
// byte spans are the library's own (EncodeAsImmutableProto).

#include "core/text/spm_library.h"
#include "core/text/tokenizer.h"

#include <memory>
#include <string>
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

    bool isControl(int32_t id) const;
    bool isByte(int32_t id) const;
    float score(int32_t id) const;

private:
    SpmTokenizer(const SpmLibrary* lib, clspm_processor* p, std::string source);
    static Result<std::unique_ptr<SpmTokenizer>> finish(const SpmLibrary* lib, clspm_processor* p,
                                                        int rc, const std::string& source);

    const SpmLibrary* m_lib;
    clspm_processor* m_processor;
    std::vector<std::string> m_pieces;
    std::unordered_map<std::string, int32_t> m_ids;
    SpecialTokens m_special;
    std::string m_fingerprint;
};

} // namespace cl
