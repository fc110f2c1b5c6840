// A read-only memory mapping of a whole file (RAII). Weights on the CPU backend point straight into
// it, so a model costs page cache, not a second copy.
#pragma once

#include "status.h"

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

namespace swaa {

class MappedFile {
public:
    static Status open(const std::string & path, std::unique_ptr<MappedFile> & out);
    ~MappedFile();
    MappedFile(const MappedFile &) = delete;
    MappedFile & operator=(const MappedFile &) = delete;

    const uint8_t * data() const { return static_cast<const uint8_t *>(addr_); }
    size_t size() const { return size_; }

    // Drops the resident pages of [offset, offset + length) from this process (whole pages inside
    // the range only). The mapping stays valid: a later read pages the bytes in again.
    void release(size_t offset, size_t length) const;

private:
    MappedFile() = default;
    void * addr_ = nullptr;
    size_t size_ = 0;
#ifdef _WIN32
    void * file_ = nullptr;
    void * mapping_ = nullptr;
#endif
};

}  // namespace swaa
