// Caps on the counts a GGUF header declares, checked on the raw bytes before ggml parses them:
// ggml's GGUF parser compares every tensor name and key with every earlier one (quadratic), and
// the loaders look tensors up by name in a list, so an unbounded count costs time, not only memory.
#pragma once

#include "status.h"

#include "swaa.h"

#include <cstddef>
#include <cstdint>
#include <string>

namespace swaa {

// A supported layout has at most 14 tensors per block plus 4 global ones (a LoRA adapter at most
// two per adapted weight, 7 per block): the cap leaves room without letting a header pay
// quadratic parsing on tens of thousands of names.
constexpr int64_t kMaxGgufTensors = 16 * SWAA_MAX_LAYERS + 64;
// Real models carry a few dozen metadata keys.
constexpr int64_t kMaxGgufKeys = 1024;

// Reads the tensor and key counts of a GGUF v2/v3 header (magic already checked) and refuses counts
// above the caps. `what` names the kind of file in the message ("model", "LoRA adapter").
Status check_gguf_counts(const uint8_t * data, size_t size, const std::string & path, const char * what);

}  // namespace swaa
