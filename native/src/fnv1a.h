// FNV-1a, 64 bit: the runtime's one hash for identities and checksums (model hash, saved states).
#pragma once

#include <cstddef>
#include <cstdint>

namespace swaa {

constexpr uint64_t kFnv1aSeed = 1469598103934665603ull;

inline uint64_t fnv1a(uint64_t h, const void * data, size_t n) {
    const uint8_t * p = static_cast<const uint8_t *>(data);
    for (size_t i = 0; i < n; i++) {
        h ^= p[i];
        h *= 1099511628211ull;
    }
    return h;
}

}  // namespace swaa
