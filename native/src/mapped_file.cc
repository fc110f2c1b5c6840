// Memory mapping for POSIX and Windows.
#include "mapped_file.h"

#ifdef _WIN32
#define WIN32_LEAN_AND_MEAN
#include <windows.h>
#else
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <algorithm>
#include <cerrno>
#include <cstring>
#endif

namespace swaa {

#ifdef _WIN32
Status MappedFile::open(const std::string & path, std::unique_ptr<MappedFile> & out) {
    std::unique_ptr<MappedFile> f(new MappedFile());
    int wlen = MultiByteToWideChar(CP_UTF8, 0, path.c_str(), -1, nullptr, 0);
    std::wstring wpath(wlen, L'\0');
    MultiByteToWideChar(CP_UTF8, 0, path.c_str(), -1, wpath.data(), wlen);
    HANDLE h = CreateFileW(wpath.c_str(), GENERIC_READ, FILE_SHARE_READ, nullptr, OPEN_EXISTING, FILE_ATTRIBUTE_NORMAL, nullptr);
    if (h == INVALID_HANDLE_VALUE) return error(SWAA_ERR_IO, "cannot open " + path);
    f->file_ = h;
    LARGE_INTEGER size;
    GetFileSizeEx(h, &size);
    f->size_ = (size_t) size.QuadPart;
    if (f->size_ == 0) return error(SWAA_ERR_NOT_GGUF, path + " is empty");
    HANDLE m = CreateFileMappingW(h, nullptr, PAGE_READONLY, 0, 0, nullptr);
    if (!m) return error(SWAA_ERR_IO, "cannot map " + path);
    f->mapping_ = m;
    f->addr_ = MapViewOfFile(m, FILE_MAP_READ, 0, 0, 0);
    if (!f->addr_) return error(SWAA_ERR_IO, "cannot map " + path);
    out = std::move(f);
    return Status::ok();
}

void MappedFile::release(size_t, size_t) const {
    // Windows trims a read-only view's pages from the working set under pressure by itself.
}

MappedFile::~MappedFile() {
    if (addr_) UnmapViewOfFile(addr_);
    if (mapping_) CloseHandle(mapping_);
    if (file_) CloseHandle(file_);
}
#else
Status MappedFile::open(const std::string & path, std::unique_ptr<MappedFile> & out) {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return error(SWAA_ERR_IO, "cannot open " + path + ": " + std::strerror(errno));
    struct stat st {};
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        ::close(fd);
        return error(SWAA_ERR_IO, path + " is not a regular file");
    }
    std::unique_ptr<MappedFile> f(new MappedFile());
    f->size_ = (size_t) st.st_size;
    if (f->size_ == 0) {
        ::close(fd);
        return error(SWAA_ERR_NOT_GGUF, path + " is empty, not a GGUF model");
    }
    void * addr = mmap(nullptr, f->size_, PROT_READ, MAP_SHARED, fd, 0);
    ::close(fd);
    if (addr == MAP_FAILED) return error(SWAA_ERR_IO, "cannot map " + path + ": " + std::strerror(errno));
    f->addr_ = addr;
    out = std::move(f);
    return Status::ok();
}

void MappedFile::release(size_t offset, size_t length) const {
    const size_t page = (size_t) sysconf(_SC_PAGESIZE);
    const size_t begin = (offset + page - 1) / page * page;
    const size_t end = std::min(offset + length, size_) / page * page;
    if (end > begin) madvise(static_cast<uint8_t *>(addr_) + begin, end - begin, MADV_DONTNEED);
}

MappedFile::~MappedFile() {
    if (addr_) munmap(addr_, size_);
}
#endif

}  // namespace swaa
