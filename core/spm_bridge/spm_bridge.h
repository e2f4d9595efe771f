#pragma once
/*
 * The sentencepiece bridge: a plain C API over Debian's libsentencepiece, built as a MODULE
 * library (libcreditlens_spm_bridge.so) that is only ever loaded with
 * dlopen(path, RTLD_NOW | RTLD_LOCAL | RTLD_DEEPBIND).
 *
 * Why (DESIGN.md platform fact 2, REFERENCE.md §7.3): libsentencepiece.so.0 exports its own
 * protobuf-lite 3.14, and libtorch links libprotobuf 3.21; a process that links both crashes
 * during static initialisation. Behind DEEPBIND the bridge's copy binds to itself only.
 *
 * Contract: C only across this boundary (no exceptions, no STL). Every function catches
 * everything. Strings are UTF-8 with explicit lengths, not NUL-terminated unless stated.
 * A processor is not thread-safe for loading; encode/decode on a loaded processor may run
 * concurrently (sentencepiece's processor is const for those calls).
 */

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(CLSPM_BUILDING)
#define CLSPM_API __attribute__((visibility("default")))
#else
#define CLSPM_API
#endif

/** Bumped whenever a signature below changes; the loader refuses other versions. */
#define CLSPM_API_VERSION 1

typedef struct clspm_processor clspm_processor;

/** One encoded piece: vocab id and the byte range [begin, end) of the input it came from. */
typedef struct clspm_piece {
    int32_t id;
    int64_t begin;
    int64_t end;
} clspm_piece;

/** Returns CLSPM_API_VERSION of the built bridge. */
CLSPM_API int clspm_api_version(void);

/** A new, empty processor (NULL only when out of memory). Free with clspm_free. */
CLSPM_API clspm_processor* clspm_create(void);
CLSPM_API void clspm_free(clspm_processor* p);

/** The last error of p as a NUL-terminated sentence ("" when none); valid until the next call. */
CLSPM_API const char* clspm_last_error(const clspm_processor* p);

/** Loads a .model file. Returns 0 on success, -1 on error (see clspm_last_error). */
CLSPM_API int clspm_load_file(clspm_processor* p, const char* path);
/** Loads a serialized ModelProto from memory. Returns 0 on success, -1 on error. */
CLSPM_API int clspm_load_serialized(clspm_processor* p, const char* data, size_t size);

/**
 * Encodes text (no BOS/EOS) through EncodeAsImmutableProto. On success returns 0 and sets
 * *out to a malloc'ed array of *count pieces (free with clspm_free_pieces; NULL when empty).
 * Offsets come from the library: with byte fallback, the last byte piece of a character carries
 * its span and the others are empty at its start.
 */
CLSPM_API int clspm_encode(const clspm_processor* p, const char* text, size_t size,
                           clspm_piece** out, size_t* count);
CLSPM_API void clspm_free_pieces(clspm_piece* pieces);

/** Decodes ids; *out is malloc'ed (free with clspm_free_string), *size its length. */
CLSPM_API int clspm_decode(const clspm_processor* p, const int32_t* ids, size_t n, char** out,
                           size_t* size);
CLSPM_API void clspm_free_string(char* s);

/** Vocab size (0 when not loaded). */
CLSPM_API int32_t clspm_piece_size(const clspm_processor* p);
/** The piece of id, owned by p (valid while p is loaded), or NULL when id is out of range. */
CLSPM_API const char* clspm_id_to_piece(const clspm_processor* p, int32_t id, size_t* size);
/** The id of piece, or -1 when it is not in the vocab. */
CLSPM_API int32_t clspm_piece_to_id(const clspm_processor* p, const char* piece, size_t size);
CLSPM_API float clspm_score(const clspm_processor* p, int32_t id);

/** Special ids; -1 when the model has none. */
CLSPM_API int32_t clspm_bos_id(const clspm_processor* p);
CLSPM_API int32_t clspm_eos_id(const clspm_processor* p);
CLSPM_API int32_t clspm_unk_id(const clspm_processor* p);
CLSPM_API int32_t clspm_pad_id(const clspm_processor* p);

/** Piece types; 0 for ids out of range. */
CLSPM_API int clspm_is_control(const clspm_processor* p, int32_t id);
CLSPM_API int clspm_is_byte(const clspm_processor* p, int32_t id);
CLSPM_API int clspm_is_unknown(const clspm_processor* p, int32_t id);
CLSPM_API int clspm_is_unused(const clspm_processor* p, int32_t id);

/**
 * Trains a model with SentencePieceTrainer (args as for spm_train, e.g. "--input=c.txt
 * --model_prefix=/tmp/m --vocab_size=300"). Returns 0 on success; on error -1 and copies a
 * NUL-terminated sentence into err (when errCapacity > 0). Returns -2 when this bridge was
 * built without the trainer.
 */
CLSPM_API int clspm_train(const char* args, char* err, size_t errCapacity);

#ifdef __cplusplus
}
#endif
