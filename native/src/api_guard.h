// The exception guard of the C API: every entry point runs its body through one of these, so no
// C++ exception (ours, the standard library's, or one libllama throws from its tokenizer) crosses
// the C boundary; it becomes a status or a failure value plus swaa_last_error().
#pragma once

#include "status.h"

#include <utility>

namespace swaa {

// The status for the exception being handled: call only inside a catch block.
Status current_exception_status();

// For entry points returning a swaa_status.
template <typename F>
swaa_status guarded(F && f) noexcept {
    try {
        return report(f());
    } catch (...) {
        return report(current_exception_status());
    }
}

// For entry points returning a value: `failed` when the body throws.
template <typename T, typename F>
T guarded_value(T failed, F && f) noexcept {
    try {
        return f();
    } catch (...) {
        report(current_exception_status());
        return failed;
    }
}

// For entry points returning nothing.
template <typename F>
void guarded_void(F && f) noexcept {
    try {
        f();
    } catch (...) {
        report(current_exception_status());
    }
}

}  // namespace swaa
