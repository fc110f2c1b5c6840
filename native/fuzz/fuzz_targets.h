// One input of each fuzz target (see fuzz_targets.cc); a crash is the only failure.
#pragma once

#include <cstddef>
#include <cstdint>

void fuzz_one_model(const uint8_t * data, size_t size);  // a GGUF model file
void fuzz_one_state(const uint8_t * data, size_t size);  // a saved document state (hashes resealed)
void fuzz_one_lora(const uint8_t * data, size_t size);   // a LoRA adapter for fuzz_base_model()
