#include "core/engine/mapped_file.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <stdexcept>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

namespace cl {

MappedFile::MappedFile(const std::string& path, uint64_t minSize, const std::string& tooShort) {
    auto fail = [&path](const std::string& what) { throw std::runtime_error(path + ": " + what); };
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        fail(std::string("cannot open: ") + std::strerror(errno));
    }
    struct stat st {};
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        ::close(fd);
        fail("not a regular file");
    }
    const auto size = static_cast<uint64_t>(st.st_size);
    if (size < minSize) {
        ::close(fd);
        fail("truncated: " + std::to_string(size) + " bytes" + tooShort);
    }
    void* map = mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd, 0);
    ::close(fd);
    if (map == MAP_FAILED) {
        fail(std::string("cannot map: ") + std::strerror(errno));
    }
    m_map = map;
    m_size = size;
}

MappedFile::~MappedFile() {
    munmap(m_map, m_size);
}

} // namespace cl
