#pragma once
// Finds and dlopen()s the sentencepiece bridge (core/spm_bridge) with RTLD_DEEPBIND, so that a
// process which also loads libtorch never links libsentencepiece (DESIGN.md platform fact 2).

#include "core/common/result.h"
#include "core/spm_bridge/spm_bridge.h"

#include <string>
#include <vector>

namespace cl {

/// The bridge's entry points. Loaded once per process and never unloaded.
/// Caveats of RTLD_DEEPBIND (REFERENCE.md §7.4): glibc only, and not usable under
/// AddressSanitizer (ASan refuses DEEPBIND libraries), so sanitizer builds cannot read .model
/// files; tokenizer.json needs no bridge.
class SpmLibrary {
public:
    /// The loaded bridge, or an Error that lists every path tried. Thread-safe; the first
    /// call loads, later calls return the same answer.
    static Result<const SpmLibrary*> instance();

    /// Where the bridge is looked for, in order: $CREDITLENS_SPM_BRIDGE, then
    /// <exe dir>/../<libdir>/creditlens/, <exe dir>/../lib/<multiarch>/creditlens/,
    /// <exe dir>/../lib/creditlens/, then the build tree's copy.
    static std::vector<std::string> candidatePaths();

    /// Tries exactly these paths, in order (instance() uses candidatePaths()). Error lists
    /// each path with why it failed. A successful load is never unloaded.
    static Result<const SpmLibrary*> loadFrom(const std::vector<std::string>& paths);

    const std::string& path() const { return m_path; }

    decltype(&clspm_api_version) apiVersion = nullptr;
    decltype(&clspm_create) create = nullptr;
    decltype(&clspm_free) free = nullptr;
    decltype(&clspm_last_error) lastError = nullptr;
    decltype(&clspm_load_file) loadFile = nullptr;
    decltype(&clspm_load_serialized) loadSerialized = nullptr;
    decltype(&clspm_encode) encode = nullptr;
    decltype(&clspm_free_pieces) freePieces = nullptr;
    decltype(&clspm_decode) decode = nullptr;
    decltype(&clspm_free_string) freeString = nullptr;
    decltype(&clspm_piece_size) pieceSize = nullptr;
    decltype(&clspm_id_to_piece) idToPiece = nullptr;
    decltype(&clspm_piece_to_id) pieceToId = nullptr;
    decltype(&clspm_score) score = nullptr;
    decltype(&clspm_bos_id) bosId = nullptr;
    decltype(&clspm_eos_id) eosId = nullptr;
    decltype(&clspm_unk_id) unkId = nullptr;
    decltype(&clspm_pad_id) padId = nullptr;
    decltype(&clspm_is_control) isControl = nullptr;
    decltype(&clspm_is_byte) isByte = nullptr;
    decltype(&clspm_is_unknown) isUnknown = nullptr;
    decltype(&clspm_is_unused) isUnused = nullptr;
    decltype(&clspm_train) train = nullptr;

private:
    SpmLibrary() = default;
    std::string m_path;
};

} // namespace cl
