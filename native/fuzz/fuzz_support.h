// Shared pieces of the libFuzzer harnesses: inputs go through files (the runtime maps models and
// reads states from paths, as the app does), a tiny base model for the state and adapter targets,
// and the seed corpus each target writes when SWAA_FUZZ_WRITE_SEEDS names a folder.
#pragma once

#include "swaa.h"
#include "tiny_model.h"

#include <cstddef>
#include <cstdint>
#include <string>

// Silences the runtime's log (every rejected input would print) and, when SWAA_FUZZ_WRITE_SEEDS
// is set, calls write_seeds(folder) and exits: libFuzzer owns main, so seeding is a mode of it.
void fuzz_init(void (*write_seeds)(const std::string & dir));

// Writes the input to this process's scratch file for `name` and returns its path.
const std::string & fuzz_input_file(const uint8_t * data, size_t size, const char * name);

// The tiny model states and adapters are made for, loaded once (a small vocabulary with a real
// SentencePiece tokenizer, two layers, sinks and a window that fit in the seeds' contexts).
const TinySpec & fuzz_base_spec();
swaa_model * fuzz_base_model();

// Contexts the state target restores into; seeds are saved from the same configurations.
swaa_context_params fuzz_context_params(int which);  // which: 0 = full attention, 1 = windowed ring
constexpr int kFuzzContextKinds = 2;

// Exercises a loaded model or restored context the way a question would: a short eval and one
// generated token; every status is allowed, a crash is not.
void fuzz_use_context(swaa_context * ctx, swaa_model * model, bool fresh);

void fuzz_write_file(const std::string & path, const std::string & bytes);
std::string fuzz_read_file(const std::string & path);
