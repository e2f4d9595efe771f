#pragma once
// What the restricted unpickler allows a pickle to name and call: the allow-list of globals and
// the meaning of REDUCE and BINPERSID for PyTorch checkpoints (torch/_utils.py,
// torch/serialization.py). Internal to pickle_reader.cpp; torch-free.

#include "core/engine/pickle_reader.h"

#include <string>

namespace cl::pickle {

/// The unpickler's arena as the rules below see it.
class Arena {
public:
    virtual Ref make(Value v) = 0;
    virtual const Value& at(Ref r) const = 0;
    /// Throws one sentence naming the file and the pickle byte.
    [[noreturn]] virtual void fail(const std::string& message) const = 0;

protected:
    ~Arena() = default;
};

/// A value of the given kind, every other field empty.
Value valueOf(Kind kind);

/// The Global value for `module.name` when it is on the allow-list (collections.OrderedDict,
/// torch._utils._rebuild_tensor_v2 / _rebuild_parameter, torch.<T>Storage); otherwise throws
/// "<what>: the pickle calls 'module.name', which CreditLens never runs; ...".
Value allowedGlobal(const std::string& module, const std::string& name, const std::string& what);

/// REDUCE: `fn` must be an allowed function and `args` a tuple. OrderedDict() gives an empty
/// Dict, _rebuild_tensor_v2 a Tensor (shape and stride checked non-negative and of equal length),
/// _rebuild_parameter its tensor argument. A storage type is not callable.
Ref callAllowed(Arena& arena, Ref fn, Ref args);

/// BINPERSID: ('storage', torch.<T>Storage, key, location, numel[, None]) → a Storage value.
Ref persistentStorage(Arena& arena, Ref pid);

} // namespace cl::pickle
