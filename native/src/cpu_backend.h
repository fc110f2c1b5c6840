// The CPU backend reached through ggml's registry, so the same code serves a build with ggml-cpu
// compiled in and one where the CPU variant is a loaded library (whose functions cannot be linked).
#pragma once

#include "status.h"

#include "ggml-backend.h"

namespace swaa {

ggml_backend_dev_t cpu_device();  // null when no CPU backend is registered
Status start_cpu_backend(int n_threads, ggml_backend_t & out);
void set_cpu_threads(ggml_backend_t cpu, int n_threads);

}  // namespace swaa
