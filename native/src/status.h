// Errors inside the runtime: a Status carries a swaa_status code and a message; the C API turns it
// into a return code plus the thread-local text that swaa_last_error() returns.
#pragma once

#include "swaa.h"

#include <string>
#include <utility>

namespace swaa {

struct Status {
    swaa_status code = SWAA_OK;
    std::string message;

    static Status ok() { return {}; }
    bool is_ok() const { return code == SWAA_OK; }
};

inline Status error(swaa_status code, std::string message) { return Status{code, std::move(message)}; }

// Records a failure for swaa_last_error() on this thread and returns its code.
swaa_status report(const Status & status);
void set_last_error(const std::string & message);

// Logging through the sink set by swaa_log_set.
void log(int level, const char * fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

}  // namespace swaa

#define SWAA_TRY(expr)                      \
    do {                                    \
        ::swaa::Status _st = (expr);        \
        if (!_st.is_ok()) return _st;       \
    } while (0)
