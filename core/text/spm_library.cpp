#include "core/text/spm_library.h"

#include <dlfcn.h>

#include <cstdlib>
#include <filesystem>
#include <mutex>

#ifndef CREDITLENS_SPM_BRIDGE_BUILD_PATH
#define CREDITLENS_SPM_BRIDGE_BUILD_PATH ""
#endif
#ifndef CREDITLENS_INSTALL_LIBDIR
#define CREDITLENS_INSTALL_LIBDIR "lib"
#endif
#ifndef CREDITLENS_MULTIARCH
#define CREDITLENS_MULTIARCH ""
#endif

namespace cl {

namespace {

constexpr const char* kBridgeName = "libcreditlens_spm_bridge.so";

template <class Fn> bool bind(void* handle, const char* name, Fn& fn) {
    fn = reinterpret_cast<Fn>(dlsym(handle, name));
    return fn != nullptr;
}

} // namespace

std::vector<std::string> SpmLibrary::candidatePaths() {
    namespace fs = std::filesystem;
    std::vector<std::string> paths;
    if (const char* env = std::getenv("CREDITLENS_SPM_BRIDGE"); env != nullptr && *env != '\0') {
        paths.emplace_back(env);
    }
    std::error_code ec;
    const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
    if (!ec) {
        const fs::path prefix = exe.parent_path().parent_path();
        std::vector<fs::path> dirs = {prefix / CREDITLENS_INSTALL_LIBDIR / "creditlens"};
        if (std::string(CREDITLENS_MULTIARCH).size() > 0) {
            dirs.push_back(prefix / "lib" / CREDITLENS_MULTIARCH / "creditlens");
        }
        dirs.push_back(prefix / "lib" / "creditlens");
        for (const fs::path& dir : dirs) {
            const std::string p = (dir / kBridgeName).lexically_normal().string();
            bool seen = false;
            for (const std::string& q : paths) {
                seen = seen || q == p;
            }
            if (!seen) {
                paths.push_back(p);
            }
        }
    }
    if (std::string(CREDITLENS_SPM_BRIDGE_BUILD_PATH).size() > 0) {
        paths.emplace_back(CREDITLENS_SPM_BRIDGE_BUILD_PATH);
    }
    return paths;
}

Result<const SpmLibrary*> SpmLibrary::instance() {
    static std::once_flag once;
    static Result<const SpmLibrary*> result{Error{"not loaded"}};
    std::call_once(once, [] { result = loadFrom(candidatePaths()); });
    return result;
}

namespace {
#if defined(__SANITIZE_ADDRESS__)
constexpr int kDeepBind = 0;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
constexpr int kDeepBind = 0;
#else
constexpr int kDeepBind = RTLD_DEEPBIND;
#endif
#else
constexpr int kDeepBind = RTLD_DEEPBIND;
#endif
} // namespace

Result<const SpmLibrary*> SpmLibrary::loadFrom(const std::vector<std::string>& paths) {
    std::string tried;
    for (const std::string& path : paths) {
        std::error_code ec;
        if (!std::filesystem::exists(path, ec)) {
            tried += "\n  " + path + " (not found)";
            continue;
        }
        // DEEPBIND: the bridge and its libsentencepiece resolve their own protobuf copy first.
        // ASan refuses DEEPBIND (google/sanitizers#611): sanitizer builds (the fuzzers, which
        // hold no torch and so no second protobuf) load without it (issue #18).
        void* handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL | kDeepBind);
        if (handle == nullptr) {
            const char* why = dlerror();
            tried += "\n  " + path + " (" + (why ? why : "dlopen failed") + ")";
            continue;
        }
        auto* lib = new SpmLibrary(); // lives for the whole process, like the mapping
        lib->m_path = path;
        const bool ok =
            bind(handle, "clspm_api_version", lib->apiVersion) &&
            bind(handle, "clspm_create", lib->create) && bind(handle, "clspm_free", lib->free) &&
            bind(handle, "clspm_last_error", lib->lastError) &&
            bind(handle, "clspm_load_file", lib->loadFile) &&
            bind(handle, "clspm_load_serialized", lib->loadSerialized) &&
            bind(handle, "clspm_encode", lib->encode) &&
            bind(handle, "clspm_free_pieces", lib->freePieces) &&
            bind(handle, "clspm_decode", lib->decode) &&
            bind(handle, "clspm_free_string", lib->freeString) &&
            bind(handle, "clspm_piece_size", lib->pieceSize) &&
            bind(handle, "clspm_id_to_piece", lib->idToPiece) &&
            bind(handle, "clspm_piece_to_id", lib->pieceToId) &&
            bind(handle, "clspm_score", lib->score) && bind(handle, "clspm_bos_id", lib->bosId) &&
            bind(handle, "clspm_eos_id", lib->eosId) && bind(handle, "clspm_unk_id", lib->unkId) &&
            bind(handle, "clspm_pad_id", lib->padId) &&
            bind(handle, "clspm_is_control", lib->isControl) &&
            bind(handle, "clspm_is_byte", lib->isByte) &&
            bind(handle, "clspm_is_unknown", lib->isUnknown) &&
            bind(handle, "clspm_is_unused", lib->isUnused) &&
            bind(handle, "clspm_train", lib->train);
        if (!ok) {
            tried += "\n  " + path + " (not a CreditLens sentencepiece bridge: symbols missing)";
            delete lib;
            dlclose(handle);
            continue;
        }
        if (lib->apiVersion() != CLSPM_API_VERSION) {
            tried += "\n  " + path + " (bridge API version " + std::to_string(lib->apiVersion()) +
                     ", expected " + std::to_string(CLSPM_API_VERSION) + ")";
            delete lib;
            dlclose(handle);
            continue;
        }
        return static_cast<const SpmLibrary*>(lib);
    }
    return Error{"the sentencepiece bridge (" + std::string(kBridgeName) +
                 ") could not be loaded; set CREDITLENS_SPM_BRIDGE to its path. Tried:" + tried};
}

} // namespace cl
