// Entries for the two Qt Core-only readers of ui/: preference JSONL and session files. They are
// compiled here from their sources (fuzz/CMakeLists.txt), without the rest of ui/ or torch.
#include "fuzz/fuzz_entries.h"

#include "ui/editor/preference_set.h"
#include "ui/session.h"

namespace cl::fuzz {

void preferenceJsonl(const uint8_t* data, size_t size) {
    const QByteArray bytes(reinterpret_cast<const char*>(data), static_cast<qsizetype>(size));
    auto set = PreferenceSet::parse(bytes, QStringLiteral("pairs.jsonl"));
    if (set.ok()) {
        (void)set->size();
    }
}

void session(const uint8_t* data, size_t size) {
    const QByteArray bytes(reinterpret_cast<const char*>(data), static_cast<qsizetype>(size));
    auto parsed = Session::fromJson(bytes, QStringLiteral("session.creditlens"));
    if (parsed.ok()) {
        // What autosave does next: write it back and read it again; it must round-trip.
        auto again = Session::fromJson(parsed->toJson(), QStringLiteral("round trip"));
        if (!again.ok() || !(*again == *parsed)) {
            __builtin_trap();
        }
    }
}

} // namespace cl::fuzz
