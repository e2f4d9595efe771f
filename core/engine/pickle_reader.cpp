#include "core/engine/pickle_reader.h"

#include "core/engine/pickle_torch.h"

#include <cstring>
#include <stdexcept>
#include <unordered_map>

namespace cl::pickle {

namespace {

// Opcodes (CPython Lib/pickletools.py).
enum Op : uint8_t {
    MARK = '(', STOP = '.', POP = '0', POP_MARK = '1', DUP = '2', BINFLOAT = 'G',
    BININT = 'J', BININT1 = 'K', BININT2 = 'M', NONE = 'N', BINPERSID = 'Q', REDUCE = 'R',
    BINSTRING = 'T', SHORT_BINSTRING = 'U', BINUNICODE = 'X', APPEND = 'a', BUILD = 'b',
    GLOBAL = 'c', APPENDS = 'e', BINGET = 'h', LONG_BINGET = 'j', EMPTY_LIST = ']',
    BINPUT = 'q', LONG_BINPUT = 'r', SETITEM = 's', TUPLE = 't', EMPTY_TUPLE = ')',
    SETITEMS = 'u', EMPTY_DICT = '}', BINBYTES = 'B', SHORT_BINBYTES = 'C',
    PROTO = 0x80, TUPLE1 = 0x85, TUPLE2 = 0x86, TUPLE3 = 0x87, NEWTRUE = 0x88, NEWFALSE = 0x89,
    LONG1 = 0x8a, LONG4 = 0x8b, SHORT_BINUNICODE = 0x8c, BINUNICODE8 = 0x8d,
    STACK_GLOBAL = 0x93, MEMOIZE = 0x94, FRAME = 0x95,
};

class Reader final : public Arena {
public:
    Reader(const uint8_t* data, size_t size, const std::string& what, const Limits& limits)
        : m_p(data), m_size(size), m_what(what), m_limits(limits) {}

    Unpickled run() {
        while (true) {
            m_opStart = m_pos;
            const uint8_t op = u8();
            if (op == STOP) {
                if (m_stack.size() != 1 || !m_marks.empty()) {
                    fail("STOP with " + std::to_string(m_stack.size()) +
                         " values on the stack (malformed pickle)");
                }
                m_out.root = m_stack.back();
                m_out.end = m_pos;
                return std::move(m_out);
            }
            step(op);
        }
    }

private:
    [[noreturn]] void fail(const std::string& msg) const override {
        throw std::runtime_error(m_what + ": " + msg + " (pickle byte " +
                                 std::to_string(m_opStart) + ")");
    }

    // --- reading bytes, each bounded by what is left -------------------------------------
    const uint8_t* take(uint64_t n) {
        if (n > m_size - m_pos) {
            fail("truncated: needs " + std::to_string(n) + " more bytes but " +
                 std::to_string(m_size - m_pos) + " are left");
        }
        const uint8_t* p = m_p + m_pos;
        m_pos += n;
        return p;
    }
    uint8_t u8() { return *take(1); }
    uint64_t le(int n) {
        const uint8_t* p = take(n);
        uint64_t v = 0;
        for (int i = n - 1; i >= 0; --i) {
            v = (v << 8) | p[i];
        }
        return v;
    }
    std::string bytes(uint64_t n) {
        const uint8_t* p = take(n); // checked before anything is allocated
        return std::string(reinterpret_cast<const char*>(p), n);
    }
    std::string line() {
        for (size_t i = m_pos; i < m_size && i - m_pos < 256; ++i) {
            if (m_p[i] == '\n') {
                std::string s = bytes(i - m_pos);
                ++m_pos;
                return s;
            }
        }
        fail("GLOBAL name is not a newline-terminated line of at most 256 bytes");
    }

    // --- arena and stack -----------------------------------------------------------------
    const Value& at(Ref r) const override { return m_out.values[r]; }
    Ref make(Value v) override {
        if (m_out.values.size() >= m_limits.maxValues) {
            fail("more than " + std::to_string(m_limits.maxValues) +
                 " values; a state dict never has that many");
        }
        m_out.values.push_back(std::move(v));
        m_depth.push_back(0);
        return static_cast<Ref>(m_out.values.size() - 1);
    }
    Value& val(Ref r) { return m_out.values[r]; }
    void push(Ref r) {
        if (m_stack.size() >= m_limits.maxStack) {
            fail("more than " + std::to_string(m_limits.maxStack) + " values on the stack");
        }
        m_stack.push_back(r);
    }
    Ref pop() {
        if (m_stack.size() <= (m_marks.empty() ? 0 : m_marks.back())) {
            fail("stack underflow (malformed pickle)");
        }
        Ref r = m_stack.back();
        m_stack.pop_back();
        return r;
    }
    Ref& top() {
        if (m_stack.size() <= (m_marks.empty() ? 0 : m_marks.back())) {
            fail("stack underflow (malformed pickle)");
        }
        return m_stack.back();
    }
    std::vector<Ref> popMark() {
        if (m_marks.empty()) {
            fail("no MARK on the stack (malformed pickle)");
        }
        const size_t at = m_marks.back();
        m_marks.pop_back();
        std::vector<Ref> items(m_stack.begin() + static_cast<std::ptrdiff_t>(at), m_stack.end());
        m_stack.resize(at);
        return items;
    }
    /// Records that `child` now sits inside `parent`, refusing absurd nesting.
    void nest(Ref parent, Ref child) {
        const uint32_t d = m_depth[child] + 1;
        if (d > m_limits.maxDepth) {
            fail("containers nested deeper than " + std::to_string(m_limits.maxDepth) +
                 " levels; a checkpoint never is");
        }
        m_depth[parent] = std::max(m_depth[parent], d);
    }
    Ref tuple(std::vector<Ref> items) {
        Ref t = make(valueOf(Kind::Tuple));
        for (Ref r : items) {
            nest(t, r);
        }
        val(t).items = std::move(items);
        return t;
    }
    Ref integer(int64_t v) {
        Value x = valueOf(Kind::Int);
        x.i = v;
        return make(std::move(x));
    }
    Ref string(Kind k, std::string s) {
        Value x = valueOf(k);
        x.s = std::move(s);
        return make(std::move(x));
    }
    void memoPut(uint64_t key) {
        if (m_memo.size() >= m_limits.maxMemo && !m_memo.count(key)) {
            fail("more than " + std::to_string(m_limits.maxMemo) + " memo entries");
        }
        m_memo[key] = top();
    }
    void memoGet(uint64_t key) {
        auto it = m_memo.find(key);
        if (it == m_memo.end()) {
            fail("memo key " + std::to_string(key) + " was never stored (malformed pickle)");
        }
        push(it->second);
    }
    void setItems(Ref dict, const std::vector<Ref>& kv) {
        if (val(dict).kind != Kind::Dict) {
            fail("SETITEM(S) on something that is not a dict");
        }
        if (kv.size() % 2 != 0) {
            fail("SETITEMS with an odd number of values");
        }
        for (size_t i = 0; i < kv.size(); i += 2) {
            nest(dict, kv[i + 1]);
            val(dict).dict.emplace_back(kv[i], kv[i + 1]);
        }
    }
    void append(Ref list, const std::vector<Ref>& items) {
        if (val(list).kind != Kind::List) {
            fail("APPEND(S) on something that is not a list");
        }
        for (Ref r : items) {
            nest(list, r);
            val(list).items.push_back(r);
        }
    }

    Ref longInt(uint64_t n) {
        const uint8_t* b = take(n);
        if (n > 8) {
            return string(Kind::BigInt, std::string(reinterpret_cast<const char*>(b), n));
        }
        uint64_t v = 0;
        for (int i = static_cast<int>(n) - 1; i >= 0; --i) {
            v = (v << 8) | b[i];
        }
        if (n > 0 && n < 8 && (b[n - 1] & 0x80)) {
            v |= ~uint64_t(0) << (8 * n); // sign-extend
        }
        return integer(static_cast<int64_t>(v));
    }

    void step(uint8_t op) {
        switch (op) {
        case PROTO: {
            const uint8_t v = u8();
            if (v > 5) {
                fail("pickle protocol " + std::to_string(v) + " is newer than 5");
            }
            break;
        }
        case FRAME: le(8); break; // a length hint only
        case MARK:
            if (m_marks.size() >= m_limits.maxMarks) {
                fail("more than " + std::to_string(m_limits.maxMarks) + " nested MARKs");
            }
            m_marks.push_back(m_stack.size());
            break;
        case POP: pop(); break;
        case POP_MARK: popMark(); break;
        case DUP: push(top()); break;
        case NONE: push(make(valueOf(Kind::None))); break;
        case NEWTRUE:
        case NEWFALSE: {
            Value b = valueOf(Kind::Bool);
            b.i = op == NEWTRUE;
            push(make(std::move(b)));
            break;
        }
        case BININT: push(integer(static_cast<int32_t>(le(4)))); break;
        case BININT1: push(integer(u8())); break;
        case BININT2: push(integer(static_cast<int64_t>(le(2)))); break;
        case LONG1: push(longInt(u8())); break;
        case LONG4: {
            const int64_t n = static_cast<int32_t>(le(4));
            if (n < 0) {
                fail("LONG4 with a negative length");
            }
            push(longInt(static_cast<uint64_t>(n)));
            break;
        }
        case BINFLOAT: {
            const uint8_t* b = take(8);
            uint64_t bits = 0;
            for (int i = 0; i < 8; ++i) {
                bits = (bits << 8) | b[i]; // big-endian
            }
            Value f = valueOf(Kind::Float);
            std::memcpy(&f.f, &bits, 8);
            push(make(std::move(f)));
            break;
        }
        case BINUNICODE: push(string(Kind::String, bytes(le(4)))); break;
        case SHORT_BINUNICODE: push(string(Kind::String, bytes(u8()))); break;
        case BINUNICODE8: push(string(Kind::String, bytes(le(8)))); break;
        case BINSTRING: push(string(Kind::String, bytes(le(4)))); break;
        case SHORT_BINSTRING: push(string(Kind::String, bytes(u8()))); break;
        case BINBYTES: push(string(Kind::Bytes, bytes(le(4)))); break;
        case SHORT_BINBYTES: push(string(Kind::Bytes, bytes(u8()))); break;
        case EMPTY_TUPLE: push(tuple({})); break;
        case TUPLE1: {
            Ref a = pop();
            push(tuple({a}));
            break;
        }
        case TUPLE2: {
            Ref b = pop(), a = pop();
            push(tuple({a, b}));
            break;
        }
        case TUPLE3: {
            Ref c = pop(), b = pop(), a = pop();
            push(tuple({a, b, c}));
            break;
        }
        case TUPLE: push(tuple(popMark())); break;
        case EMPTY_LIST: push(make(valueOf(Kind::List))); break;
        case EMPTY_DICT: push(make(valueOf(Kind::Dict))); break;
        case APPEND: {
            Ref v = pop();
            append(top(), {v});
            break;
        }
        case APPENDS: {
            std::vector<Ref> items = popMark();
            append(top(), items);
            break;
        }
        case SETITEM: {
            Ref v = pop(), k = pop();
            setItems(top(), {k, v});
            break;
        }
        case SETITEMS: {
            std::vector<Ref> kv = popMark();
            setItems(top(), kv);
            break;
        }
        case BINPUT: memoPut(u8()); break;
        case LONG_BINPUT: memoPut(le(4)); break;
        case MEMOIZE: memoPut(m_memo.size()); break;
        case BINGET: memoGet(u8()); break;
        case LONG_BINGET: memoGet(le(4)); break;
        case GLOBAL: {
            std::string module = line();
            std::string name = line();
            push(make(allowedGlobal(module, name, m_what)));
            break;
        }
        case STACK_GLOBAL: {
            Ref name = pop(), module = pop();
            if (val(name).kind != Kind::String || val(module).kind != Kind::String) {
                fail("STACK_GLOBAL needs two strings");
            }
            push(make(allowedGlobal(val(module).s, val(name).s, m_what)));
            break;
        }
        case REDUCE: {
            Ref args = pop(), fn = pop();
            push(callAllowed(*this, fn, args));
            break;
        }
        case BUILD: {
            // Only OrderedDict's state (its _metadata attribute) is ever built; it is ignored.
            pop();
            if (val(top()).kind != Kind::Dict) {
                fail("BUILD on something that is not a dict (only OrderedDict state is read)");
            }
            break;
        }
        case BINPERSID: push(persistentStorage(*this, pop())); break;
        default: {
            char hex[8];
            std::snprintf(hex, sizeof hex, "0x%02x", op);
            fail(std::string("unsupported pickle opcode ") + hex +
                 " (a checkpoint holds only tensors, dicts, lists and numbers)");
        }
        }
    }

    const uint8_t* m_p;
    size_t m_size;
    size_t m_pos = 0;
    size_t m_opStart = 0;
    std::string m_what;
    Limits m_limits;
    Unpickled m_out;
    std::vector<uint32_t> m_depth; // parallel to m_out.values
    std::vector<Ref> m_stack;
    std::vector<size_t> m_marks;
    std::unordered_map<uint64_t, Ref> m_memo;
};

} // namespace

const Value* Unpickled::get(const Value& dict, const std::string& key) const {
    if (dict.kind != Kind::Dict) {
        return nullptr;
    }
    for (const auto& [k, v] : dict.dict) {
        if (at(k).kind == Kind::String && at(k).s == key) {
            return &at(v);
        }
    }
    return nullptr;
}

Unpickled unpickle(const uint8_t* data, size_t size, const std::string& what,
                   const Limits& limits) {
    return Reader(data, size, what, limits).run();
}

} // namespace cl::pickle
