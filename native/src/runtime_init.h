// Process-wide setup of ggml/libllama (logging, backends) and the last error ggml or libllama logged
// on this thread, which loaders append to their own messages.
#pragma once

#include <string>

namespace swaa {

// Initialises ggml/libllama logging and backends once per process.
void runtime_init();

// The errors ggml/libllama logged on this thread since clear_ggml_error(), trailing whitespace trimmed.
std::string last_ggml_error();
void clear_ggml_error();

}  // namespace swaa
