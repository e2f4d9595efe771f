#pragma once
// A whole file mapped read-only (MAP_PRIVATE), as the checkpoint readers use it: weights of the
// right dtype alias these bytes instead of being copied. Torch-free.

#include <cstdint>
#include <string>

namespace cl {

class MappedFile {
public:
    /// Maps `path`; throws std::runtime_error "<path>: <reason>" when it cannot be opened, is not
    /// a regular file, or is shorter than `minSize` bytes (`tooShort` then says what it needs).
    MappedFile(const std::string& path, uint64_t minSize, const std::string& tooShort);
    ~MappedFile();
    MappedFile(const MappedFile&) = delete;
    MappedFile& operator=(const MappedFile&) = delete;

    const uint8_t* data() const { return static_cast<const uint8_t*>(m_map); }
    uint64_t size() const { return m_size; }

private:
    void* m_map = nullptr;
    uint64_t m_size = 0;
};

} // namespace cl
