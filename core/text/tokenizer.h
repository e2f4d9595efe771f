#pragma once
// The tokenizer facade (issue #4): HF tokenizer.json (byte-level BPE, Llama-style BPE with byte
// fallback) and sentencepiece .model files (through the dlopen'ed bridge), with exact ids and
// the byte span of the input behind every token. Torch-free and Qt-free.

#include "core/common/result.h"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace cl {

/// The result of encoding one text.
///
/// Span contract: offsets[i] is the byte range [begin, end) of the input that token i came
/// from. Spans are in order and never overlap. A token that holds only part of a multi-byte
/// character (a byte-level piece, a <0xNN> byte-fallback piece) gets an empty span at that
/// character's start, and the token that completes the character carries the character's whole
/// range (sentencepiece's own convention). Characters changed by a normalizer (NFC) are handled
/// the same way per grapheme cluster. Special tokens added by encode(addSpecial) get empty spans
/// at 0 (BOS) and at the end (EOS). Where the tokenizer is lossless the spans cover the text
/// exactly; where it drops text (sentencepiece's remove_extra_whitespaces) there are gaps.
/// Byte-level BPE spans keep the leading space of a token (no trim_offsets).
struct Encoding {
    std::vector<int32_t> ids;
    std::vector<std::string> pieces;                  ///< vocab piece strings
    std::vector<std::pair<int64_t, int64_t>> offsets; ///< byte [begin,end) into the input text
};

/// Special token ids and whether encode(text, true) adds BOS / EOS.
struct SpecialTokens {
    std::optional<int32_t> bos, eos, pad, unk;
    bool addBos = false, addEos = false;
};

/// A loaded tokenizer. All const methods are thread-safe.
class Tokenizer {
public:
    virtual ~Tokenizer();

    /// Loads a tokenizer.json, a .model, or a model folder (tokenizer.json preferred, else
    /// tokenizer.model). Reads tokenizer_config.json (add_bos_token, add_eos_token, bos/eos/
    /// pad/unk tokens, clean_up_tokenization_spaces) and config.json (bos/eos/pad ids, as a
    /// fallback) from the folder, or from the file's own folder. Errors name the file and what
    /// is wrong: bad JSON, a missing field, an unsupported model/normalizer/pre-tokenizer/
    /// decoder type, a merge naming an unknown token, a broken .model, a missing bridge.
    static Result<std::unique_ptr<Tokenizer>> load(const std::string& path);

    /// Encodes UTF-8 text; addSpecial adds BOS/EOS per special(). Invalid UTF-8 -> Error naming
    /// the first bad byte offset.
    virtual Result<Encoding> encode(const std::string& utf8, bool addSpecial) const = 0;
    /// Decodes ids to text (unknown ids are skipped); skipSpecial leaves out special tokens.
    /// Throws std::runtime_error with a sentence when the backend fails (sentencepiece's
    /// decoder), never returns a silently empty text; facades turn it into an Error.
    virtual std::string decode(const std::vector<int32_t>& ids, bool skipSpecial = false) const = 0;
    /// The vocab piece of id, or "" when id is out of range.
    virtual std::string idToPiece(int32_t id) const = 0;
    virtual std::optional<int32_t> pieceToId(const std::string& piece) const = 0;
    /// Number of ids (largest id + 1; model configs may pad their embedding beyond it).
    virtual int32_t vocabSize() const = 0;
    virtual const SpecialTokens& special() const = 0;
    /// "bpe-bytelevel", "bpe-llama" or "sentencepiece".
    virtual std::string kind() const = 0;
    /// Stable fingerprint of vocab + specials, so two models can be checked to share a
    /// tokenizer (32 hex digits).
    virtual std::string fingerprint() const = 0;

    /// Where the tokenizer was loaded from.
    const std::string& source() const { return m_source; }
    /// Replaces the special tokens (used by the loader after reading the configs).
    virtual void setSpecial(const SpecialTokens& special) = 0;

protected:
    /// Fingerprint of pieces 0..vocabSize()-1 and the specials (call after loading).
    static std::string computeFingerprint(const Tokenizer& t);
    std::string m_source;
};

/// Converts a byte offset in valid UTF-8 to a UTF-16 code-unit index (for Qt editors). An
/// offset inside a character maps to that character's start; offsets are clamped to the text.
int64_t utf8ByteToUtf16Index(const std::string& utf8, int64_t byteOffset);

} // namespace cl
