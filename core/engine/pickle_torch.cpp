#include "core/engine/pickle_torch.h"

#include <stdexcept>

namespace cl::pickle {

namespace {

/// torch.<T>Storage → safetensors dtype name.
const char* storageDtype(const std::string& name) {
    static const std::pair<const char*, const char*> kTable[] = {
        {"torch.FloatStorage", "F32"},   {"torch.HalfStorage", "F16"},
        {"torch.BFloat16Storage", "BF16"}, {"torch.DoubleStorage", "F64"},
        {"torch.LongStorage", "I64"},    {"torch.IntStorage", "I32"},
        {"torch.ShortStorage", "I16"},   {"torch.CharStorage", "I8"},
        {"torch.ByteStorage", "U8"},     {"torch.BoolStorage", "BOOL"},
    };
    for (const auto& [n, d] : kTable) {
        if (name == n) {
            return d;
        }
    }
    return nullptr;
}

constexpr const char* kOrderedDict = "collections.OrderedDict";
constexpr const char* kRebuildTensor = "torch._utils._rebuild_tensor_v2";
constexpr const char* kRebuildParameter = "torch._utils._rebuild_parameter";

int64_t intArg(const Arena& a, Ref r, const char* what) {
    const Value& v = a.at(r);
    if (v.kind != Kind::Int) {
        a.fail(std::string("_rebuild_tensor_v2: ") + what + " is not an integer");
    }
    return v.i;
}

std::vector<int64_t> intTuple(const Arena& a, Ref r, const char* what) {
    const Value& v = a.at(r);
    if (v.kind != Kind::Tuple || v.items.size() > 64) {
        a.fail(std::string("_rebuild_tensor_v2: ") + what + " is not a tuple of integers");
    }
    std::vector<int64_t> out;
    for (Ref x : v.items) {
        out.push_back(intArg(a, x, what));
    }
    return out;
}

} // namespace

Value valueOf(Kind kind) {
    Value v;
    v.kind = kind;
    return v;
}

Value allowedGlobal(const std::string& module, const std::string& name, const std::string& what) {
    const std::string full = module + "." + name;
    Value g = valueOf(Kind::Global);
    g.s = full;
    if (const char* d = storageDtype(full)) {
        g.dtype = d;
    } else if (full != kOrderedDict && full != kRebuildTensor && full != kRebuildParameter) {
        throw std::runtime_error(what + ": the pickle calls '" + full +
                                 "', which CreditLens never runs; only tensors and dicts are read");
    }
    return g;
}

Ref callAllowed(Arena& arena, Ref fn, Ref args) {
    const Value& f = arena.at(fn);
    const Value& a = arena.at(args);
    if (f.kind != Kind::Global || !f.dtype.empty()) {
        arena.fail("REDUCE calls something that is not an allowed function");
    }
    if (a.kind != Kind::Tuple) {
        arena.fail("REDUCE arguments are not a tuple");
    }
    if (f.s == kOrderedDict) {
        if (!a.items.empty()) {
            arena.fail("OrderedDict(...) with arguments is not supported (expected OrderedDict())");
        }
        return arena.make(valueOf(Kind::Dict));
    }
    if (f.s == kRebuildParameter) {
        // _rebuild_parameter(data, requires_grad, backward_hooks): the tensor itself.
        if (a.items.empty() || arena.at(a.items[0]).kind != Kind::Tensor) {
            arena.fail("_rebuild_parameter without a tensor");
        }
        return a.items[0];
    }
    // _rebuild_tensor_v2(storage, storage_offset, size, stride, requires_grad, backward_hooks
    // [, metadata]) — torch/_utils.py.
    if (a.items.size() < 4 || arena.at(a.items[0]).kind != Kind::Storage) {
        arena.fail("_rebuild_tensor_v2 needs (storage, offset, size, stride, ...)");
    }
    Value t = valueOf(Kind::Tensor);
    t.items = {a.items[0]};
    t.dtype = arena.at(a.items[0]).dtype;
    t.i = intArg(arena, a.items[1], "storage offset");
    t.shape = intTuple(arena, a.items[2], "size");
    t.stride = intTuple(arena, a.items[3], "stride");
    if (t.i < 0 || t.shape.size() != t.stride.size()) {
        arena.fail("_rebuild_tensor_v2: negative offset, or size and stride of different lengths");
    }
    for (int64_t d : t.shape) {
        if (d < 0) {
            arena.fail("_rebuild_tensor_v2: negative dimension");
        }
    }
    return arena.make(std::move(t));
}

Ref persistentStorage(Arena& arena, Ref pid) {
    // ('storage', torch.<T>Storage, key, location, numel[, view_metadata]) —
    // torch/serialization.py (persistent_id of _save and _legacy_save).
    const Value& p = arena.at(pid);
    if (p.kind != Kind::Tuple || (p.items.size() != 5 && p.items.size() != 6) ||
        arena.at(p.items[0]).kind != Kind::String || arena.at(p.items[0]).s != "storage") {
        arena.fail("persistent id is not ('storage', type, key, location, numel)");
    }
    const Value& type = arena.at(p.items[1]);
    if (type.kind != Kind::Global || type.dtype.empty()) {
        arena.fail("persistent id names no torch storage type");
    }
    const Value& key = arena.at(p.items[2]);
    const Value& numel = arena.at(p.items[4]);
    if ((key.kind != Kind::String && key.kind != Kind::Int) || numel.kind != Kind::Int ||
        numel.i < 0) {
        arena.fail("persistent id has a malformed key or element count");
    }
    if (p.items.size() == 6 && arena.at(p.items[5]).kind != Kind::None) {
        arena.fail("storage views (legacy view metadata) are not supported");
    }
    Value s = valueOf(Kind::Storage);
    s.s = key.kind == Kind::String ? key.s : std::to_string(key.i);
    s.dtype = type.dtype;
    s.i = numel.i;
    return arena.make(std::move(s));
}

} // namespace cl::pickle
