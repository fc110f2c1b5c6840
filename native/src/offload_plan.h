// Where a model's layers run: the device chosen from swaa_model_params, and how many of the last
// layers go to it (weights and KV cache of a layer live on the same device). Pure functions over
// sizes, so the fit is tested without a device.
#pragma once

#include "status.h"
#include "swaa.h"

#include "ggml-backend.h"

#include <cstdint>
#include <vector>

namespace swaa {

// The device named by params (device_name, else device kind); null means the CPU.
Status choose_device(const swaa_model_params & params, ggml_backend_dev_t & out);

struct OffloadNeeds {
    std::vector<uint64_t> layer_bytes;  // per layer: weights + KV that would move to the device
    uint64_t output_bytes = 0;          // output norm + projection, which go with the last layer
    uint64_t compute_bytes = 0;         // the device's compute buffer (estimate)
    uint64_t margin_bytes = 0;          // left free for the driver and other programs
};

// requested >= 0: that many (at most every layer). requested < 0: the most of the last layers whose
// bytes, with the output, compute buffer and margin, fit in free_bytes (0 when not even one does).
int32_t fit_device_layers(const OffloadNeeds & needs, uint64_t free_bytes, int32_t requested);

// Whether a model tensor goes to the device when the layers from first_device_layer on do. The token
// embedding stays on the CPU (rows are looked up, as llama.cpp does); the output goes with the last layer.
bool tensor_on_device(const char * name, int32_t first_device_layer, int32_t n_layer);

// The device compute buffer of a chunk of n_chunk tokens attending to n_ctx rows (an estimate: the
// largest activations of one layer plus logits and the attention mask, in F32).
uint64_t estimate_compute_bytes(int32_t n_chunk, int32_t n_ctx, int32_t n_embd, int32_t n_ff, int32_t n_vocab);

}  // namespace swaa
