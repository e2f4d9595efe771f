// The C side of the sentencepiece bridge (see spm_bridge.h for why it exists). Everything here
// catches every exception: nothing but plain C values crosses the boundary.

#include "core/spm_bridge/spm_bridge.h"

#include <sentencepiece_processor.h>
#ifdef CLSPM_HAVE_TRAINER
#include <sentencepiece_trainer.h>
#endif

#include <cstdlib>
#include <cstring>
#include <exception>
#include <new>
#include <string>
#include <vector>

struct clspm_processor {
    sentencepiece::SentencePieceProcessor sp;
    std::string error;
    bool loaded = false;
};

namespace {

int fail(const clspm_processor* p, const std::string& message) {
    const_cast<clspm_processor*>(p)->error = message;
    return -1;
}

bool validId(const clspm_processor* p, int32_t id) {
    return p != nullptr && p->loaded && id >= 0 && id < p->sp.GetPieceSize();
}

template <class Fn> int guarded(const clspm_processor* p, Fn&& fn) {
    try {
        return fn();
    } catch (const std::exception& e) {
        return fail(p, std::string("sentencepiece bridge: ") + e.what());
    } catch (...) {
        return fail(p, "sentencepiece bridge: unknown error");
    }
}

} // namespace

extern "C" {

int clspm_api_version(void) {
    return CLSPM_API_VERSION;
}

clspm_processor* clspm_create(void) {
    try {
        return new clspm_processor();
    } catch (...) {
        return nullptr;
    }
}

void clspm_free(clspm_processor* p) {
    delete p;
}

const char* clspm_last_error(const clspm_processor* p) {
    return p == nullptr ? "no processor" : p->error.c_str();
}

int clspm_load_file(clspm_processor* p, const char* path) {
    if (p == nullptr || path == nullptr) {
        return -1;
    }
    return guarded(p, [&] {
        p->loaded = false;
        const auto status = p->sp.Load(path);
        if (!status.ok()) {
            return fail(p, status.ToString());
        }
        p->loaded = true;
        p->error.clear();
        return 0;
    });
}

int clspm_load_serialized(clspm_processor* p, const char* data, size_t size) {
    if (p == nullptr || (data == nullptr && size > 0)) {
        return -1;
    }
    return guarded(p, [&] {
        p->loaded = false;
        const auto status = p->sp.LoadFromSerializedProto(std::string(data, size));
        if (!status.ok()) {
            return fail(p, status.ToString());
        }
        p->loaded = true;
        p->error.clear();
        return 0;
    });
}

int clspm_encode(const clspm_processor* p, const char* text, size_t size, clspm_piece** out,
                 size_t* count) {
    if (p == nullptr || out == nullptr || count == nullptr || (text == nullptr && size > 0)) {
        return -1;
    }
    *out = nullptr;
    *count = 0;
    if (!p->loaded) {
        return fail(p, "no model loaded");
    }
    return guarded(p, [&] {
        const auto spt = p->sp.EncodeAsImmutableProto(std::string(text, size));
        const size_t n = spt.pieces_size();
        if (n == 0) {
            return 0;
        }
        auto* pieces = static_cast<clspm_piece*>(std::malloc(n * sizeof(clspm_piece)));
        if (pieces == nullptr) {
            return fail(p, "out of memory");
        }
        for (size_t i = 0; i < n; ++i) {
            const auto piece = spt.pieces(static_cast<int>(i));
            pieces[i].id = static_cast<int32_t>(piece.id());
            pieces[i].begin = piece.begin();
            pieces[i].end = piece.end();
        }
        *out = pieces;
        *count = n;
        return 0;
    });
}

void clspm_free_pieces(clspm_piece* pieces) {
    std::free(pieces);
}

int clspm_decode(const clspm_processor* p, const int32_t* ids, size_t n, char** out, size_t* size) {
    if (p == nullptr || out == nullptr || size == nullptr || (ids == nullptr && n > 0)) {
        return -1;
    }
    *out = nullptr;
    *size = 0;
    if (!p->loaded) {
        return fail(p, "no model loaded");
    }
    return guarded(p, [&] {
        std::vector<int> v(ids, ids + n);
        std::string text;
        const auto status = p->sp.Decode(v, &text);
        if (!status.ok()) {
            return fail(p, status.ToString());
        }
        auto* buffer = static_cast<char*>(std::malloc(text.size() + 1));
        if (buffer == nullptr) {
            return fail(p, "out of memory");
        }
        std::memcpy(buffer, text.data(), text.size());
        buffer[text.size()] = '\0';
        *out = buffer;
        *size = text.size();
        return 0;
    });
}

void clspm_free_string(char* s) {
    std::free(s);
}

int32_t clspm_piece_size(const clspm_processor* p) {
    return p != nullptr && p->loaded ? p->sp.GetPieceSize() : 0;
}

const char* clspm_id_to_piece(const clspm_processor* p, int32_t id, size_t* size) {
    if (!validId(p, id)) {
        return nullptr;
    }
    try {
        const std::string& piece = p->sp.IdToPiece(id);
        if (size != nullptr) {
            *size = piece.size();
        }
        return piece.c_str();
    } catch (...) {
        return nullptr;
    }
}

int32_t clspm_piece_to_id(const clspm_processor* p, const char* piece, size_t size) {
    if (p == nullptr || !p->loaded || (piece == nullptr && size > 0)) {
        return -1;
    }
    try {
        const std::string key(piece, size);
        const int id = p->sp.PieceToId(key);
        // PieceToId answers unk_id for unknown pieces; only the real "<unk>" maps to it.
        if (id == p->sp.unk_id() && p->sp.IdToPiece(id) != key) {
            return -1;
        }
        return id;
    } catch (...) {
        return -1;
    }
}

float clspm_score(const clspm_processor* p, int32_t id) {
    return validId(p, id) ? p->sp.GetScore(id) : 0.0f;
}

int32_t clspm_bos_id(const clspm_processor* p) {
    return p != nullptr && p->loaded ? p->sp.bos_id() : -1;
}
int32_t clspm_eos_id(const clspm_processor* p) {
    return p != nullptr && p->loaded ? p->sp.eos_id() : -1;
}
int32_t clspm_unk_id(const clspm_processor* p) {
    return p != nullptr && p->loaded ? p->sp.unk_id() : -1;
}
int32_t clspm_pad_id(const clspm_processor* p) {
    return p != nullptr && p->loaded ? p->sp.pad_id() : -1;
}

int clspm_is_control(const clspm_processor* p, int32_t id) {
    return validId(p, id) && p->sp.IsControl(id) ? 1 : 0;
}
int clspm_is_byte(const clspm_processor* p, int32_t id) {
    return validId(p, id) && p->sp.IsByte(id) ? 1 : 0;
}
int clspm_is_unknown(const clspm_processor* p, int32_t id) {
    return validId(p, id) && p->sp.IsUnknown(id) ? 1 : 0;
}
int clspm_is_unused(const clspm_processor* p, int32_t id) {
    return validId(p, id) && p->sp.IsUnused(id) ? 1 : 0;
}

int clspm_train(const char* args, char* err, size_t errCapacity) {
    auto report = [&](const std::string& message) {
        if (err != nullptr && errCapacity > 0) {
            const size_t n = message.size() < errCapacity - 1 ? message.size() : errCapacity - 1;
            std::memcpy(err, message.data(), n);
            err[n] = '\0';
        }
    };
#ifdef CLSPM_HAVE_TRAINER
    try {
        const auto status = sentencepiece::SentencePieceTrainer::Train(args ? args : "");
        if (!status.ok()) {
            report(status.ToString());
            return -1;
        }
        report("");
        return 0;
    } catch (const std::exception& e) {
        report(e.what());
        return -1;
    } catch (...) {
        report("unknown error while training");
        return -1;
    }
#else
    report("this sentencepiece bridge was built without libsentencepiece_train");
    return -2;
#endif
}

} // extern "C"
