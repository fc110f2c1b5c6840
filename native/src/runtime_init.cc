// ggml/libllama logging goes to the runtime's log; errors are also kept per thread so that a failed
// load can say what the library reported.
#include "runtime_init.h"

#include "backend_loader.h"
#include "status.h"

#include "ggml-backend.h"
#include "llama.h"

#include <mutex>

namespace swaa {

namespace {

thread_local std::string g_last_error;

void log_sink(enum ggml_log_level level, const char * text, void *) {
    if (level == GGML_LOG_LEVEL_ERROR) {
        g_last_error += text;
        log(0, "ggml: %s", text);
    }
}

}  // namespace

void runtime_init() {
    static std::once_flag once;
    std::call_once(once, [] {
        ggml_log_set(log_sink, nullptr);
        llama_log_set(log_sink, nullptr);
        // Backends come from the runtime's own folder only (ggml_backend_load_all would also search
        // the current directory); a static build has its backends registered already.
        load_backends();
        llama_backend_init();
    });
}

std::string last_ggml_error() {
    std::string why = g_last_error;
    while (!why.empty() && (why.back() == '\n' || why.back() == ' ')) why.pop_back();
    return why;
}

void clear_ggml_error() { g_last_error.clear(); }

}  // namespace swaa
