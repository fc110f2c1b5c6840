// GGUF header counts, read before ggml's parser sees them (see gguf_limits.h).
#include "gguf_limits.h"

#include <cstring>

namespace swaa {

Status check_gguf_counts(const uint8_t * data, size_t size, const std::string & path, const char * what) {
    // magic (4) | u32 version | i64 n_tensors | i64 n_kv, little-endian (v1 files, with 32-bit
    // counts, are refused by ggml itself).
    if (size < 24) return error(SWAA_ERR_TRUNCATED, path + ": the GGUF header is truncated");
    int64_t n_tensors = 0, n_kv = 0;
    std::memcpy(&n_tensors, data + 8, sizeof(n_tensors));
    std::memcpy(&n_kv, data + 16, sizeof(n_kv));
    if (n_tensors < 0 || n_tensors > kMaxGgufTensors) {
        return error(SWAA_ERR_BAD_METADATA, path + " declares " + std::to_string(n_tensors) + " tensors; a " + what +
                                                " this runtime reads has at most " + std::to_string(kMaxGgufTensors));
    }
    if (n_kv < 0 || n_kv > kMaxGgufKeys) {
        return error(SWAA_ERR_BAD_METADATA, path + " declares " + std::to_string(n_kv) + " metadata keys; at most " +
                                                std::to_string(kMaxGgufKeys) + " are read");
    }
    return Status::ok();
}

}  // namespace swaa
