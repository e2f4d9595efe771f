#pragma once
// A restricted reader of Python pickles (protocol 2, plus the few protocol-4 opcodes torch.save
// may emit), for PyTorch checkpoints. It never executes code: GLOBAL is accepted only for an
// allow-list (collections.OrderedDict, torch._utils._rebuild_tensor_v2 / _rebuild_parameter and
// the torch.<T>Storage types), and REDUCE only calls those, into plain values built here.
// Anything else is refused with a sentence naming the global. Torch-free.
//
// Opcode and global inventory of real files: ../shared/fixtures/README.md, "Checkpoint formats";
// opcode meanings: CPython Lib/pickletools.py.

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace cl::pickle {

/// Index of a value in Unpickled::values. Values live in one flat arena, so neither deep nesting
/// nor a cycle built with memo gets can recurse in a destructor.
using Ref = uint32_t;

enum class Kind {
    None, Bool, Int, BigInt, Float, String, Bytes, Tuple, List, Dict,
    Global,  ///< an allowed global that is not called (a storage type, OrderedDict)
    Storage, ///< a persistent id ('storage', torch.<T>Storage, key, location, numel[, None])
    Tensor,  ///< the result of _rebuild_tensor_v2
};

struct Value {
    Kind kind = Kind::None;
    int64_t i = 0;              ///< Bool, Int; Storage: numel; Tensor: storage offset (elements)
    double f = 0;               ///< Float
    std::string s;              ///< String, Bytes, BigInt (raw little-endian bytes);
                                ///< Global: "module.name"; Storage: key
    std::string dtype;          ///< Global (storage types), Storage, Tensor: "F32", "BF16", ...
    std::vector<Ref> items;     ///< Tuple, List; Tensor: {storage}
    std::vector<std::pair<Ref, Ref>> dict; ///< Dict, in insertion order
    std::vector<int64_t> shape; ///< Tensor
    std::vector<int64_t> stride;///< Tensor
};

/// One parsed pickle: the arena and the object STOP returned.
struct Unpickled {
    std::vector<Value> values;
    Ref root = 0;
    size_t end = 0; ///< offset just past the STOP opcode (the legacy format concatenates pickles)

    const Value& at(Ref r) const { return values[r]; }
    /// Looks a string key up in a Dict value; nullptr when absent or not a dict.
    const Value* get(const Value& dict, const std::string& key) const;
};

/// Limits that keep a malformed or hostile pickle from taking unbounded memory or time.
struct Limits {
    size_t maxStack = 1'000'000;  ///< values on the stack (incl. those under marks)
    size_t maxMarks = 1'000;      ///< open MARKs (nesting of tuple/list/dict literals)
    size_t maxMemo = 2'000'000;   ///< distinct memo slots (a state dict uses ~10 per tensor)
    size_t maxValues = 4'000'000; ///< values built (~15 per tensor): bounds memory to ~1 GB
    size_t maxDepth = 100;        ///< nesting of containers built by TUPLE*/APPEND/SETITEM
};

/// Parses the pickle at data[0, size) (stops at STOP; trailing bytes are the caller's).
/// `what` names the file (and record) in error messages. Throws std::runtime_error with one
/// sentence on a refused global, an unsupported opcode, truncated or malformed data.
Unpickled unpickle(const uint8_t* data, size_t size, const std::string& what,
                   const Limits& limits = {});

} // namespace cl::pickle
