// Thread-local last error and the log sink of the C API.
#include "status.h"

#include <cstdarg>
#include <cstdio>
#include <mutex>

namespace swaa {

namespace {
thread_local std::string g_last_error;
std::mutex g_log_mutex;
swaa_log_callback g_log_callback = nullptr;
void * g_log_user_data = nullptr;
}  // namespace

void set_last_error(const std::string & message) { g_last_error = message; }

swaa_status report(const Status & status) {
    if (!status.is_ok()) g_last_error = status.message;
    return status.code;
}

void log(int level, const char * fmt, ...) {
    char buf[2048];
    va_list args;
    va_start(args, fmt);
    vsnprintf(buf, sizeof(buf), fmt, args);
    va_end(args);
    std::lock_guard<std::mutex> lock(g_log_mutex);
    if (g_log_callback) {
        g_log_callback(level, buf, g_log_user_data);
    } else if (level >= 2) {
        fprintf(stderr, "swaa: %s\n", buf);
    }
}

}  // namespace swaa

extern "C" {

const char * swaa_last_error(void) { return swaa::g_last_error.c_str(); }

void swaa_log_set(swaa_log_callback callback, void * user_data) {
    std::lock_guard<std::mutex> lock(swaa::g_log_mutex);
    swaa::g_log_callback = callback;
    swaa::g_log_user_data = user_data;
}

const char * swaa_status_name(swaa_status status) {
    switch (status) {
        case SWAA_OK: return "SWAA_OK";
        case SWAA_ERR_INVALID_ARGUMENT: return "SWAA_ERR_INVALID_ARGUMENT";
        case SWAA_ERR_IO: return "SWAA_ERR_IO";
        case SWAA_ERR_NOT_GGUF: return "SWAA_ERR_NOT_GGUF";
        case SWAA_ERR_TRUNCATED: return "SWAA_ERR_TRUNCATED";
        case SWAA_ERR_UNSUPPORTED_ARCH: return "SWAA_ERR_UNSUPPORTED_ARCH";
        case SWAA_ERR_MISSING_TENSOR: return "SWAA_ERR_MISSING_TENSOR";
        case SWAA_ERR_SHAPE_MISMATCH: return "SWAA_ERR_SHAPE_MISMATCH";
        case SWAA_ERR_UNSUPPORTED_TYPE: return "SWAA_ERR_UNSUPPORTED_TYPE";
        case SWAA_ERR_BAD_METADATA: return "SWAA_ERR_BAD_METADATA";
        case SWAA_ERR_OUT_OF_MEMORY: return "SWAA_ERR_OUT_OF_MEMORY";
        case SWAA_ERR_CONTEXT_OVERFLOW: return "SWAA_ERR_CONTEXT_OVERFLOW";
        case SWAA_ERR_CANCELLED: return "SWAA_ERR_CANCELLED";
        case SWAA_ERR_BACKEND: return "SWAA_ERR_BACKEND";
        case SWAA_ERR_INVALID_RECIPE: return "SWAA_ERR_INVALID_RECIPE";
        case SWAA_ERR_PHASE: return "SWAA_ERR_PHASE";
        case SWAA_ERR_STATE_MISMATCH: return "SWAA_ERR_STATE_MISMATCH";
        case SWAA_ERR_STATE_CORRUPT: return "SWAA_ERR_STATE_CORRUPT";
        case SWAA_ERR_TOKENIZER: return "SWAA_ERR_TOKENIZER";
        case SWAA_ERR_INTERNAL: return "SWAA_ERR_INTERNAL";
    }
    return "SWAA_ERR_UNKNOWN";
}

}  // extern "C"
