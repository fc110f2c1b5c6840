// See offload_plan.h.
#include "offload_plan.h"

#include <cstdio>
#include <cstring>
#include <string>

namespace swaa {

Status choose_device(const swaa_model_params & params, ggml_backend_dev_t & out) {
    out = nullptr;
    if (params.device_name && params.device_name[0]) {
        std::string names;
        for (size_t i = 0; i < ggml_backend_dev_count(); i++) {
            ggml_backend_dev_t dev = ggml_backend_dev_get(i);
            if (std::strcmp(ggml_backend_dev_name(dev), params.device_name) == 0) {
                out = ggml_backend_dev_type(dev) == GGML_BACKEND_DEVICE_TYPE_CPU ? nullptr : dev;
                return Status::ok();
            }
            names += (names.empty() ? "" : ", ") + std::string(ggml_backend_dev_name(dev));
        }
        return error(SWAA_ERR_BACKEND, std::string("no device named '") + params.device_name + "' (devices: " + names + ")");
    }
    if (params.device == SWAA_DEVICE_CPU) return Status::ok();
    for (size_t i = 0; i < ggml_backend_dev_count(); i++) {
        ggml_backend_dev_t dev = ggml_backend_dev_get(i);
        const auto t = ggml_backend_dev_type(dev);
        if (t == GGML_BACKEND_DEVICE_TYPE_GPU || t == GGML_BACKEND_DEVICE_TYPE_IGPU) {
            out = dev;
            return Status::ok();
        }
    }
    if (params.device == SWAA_DEVICE_GPU) {
        return error(SWAA_ERR_BACKEND, "a GPU was requested but no loaded backend offers one (see swaa_backend_library_get for why)");
    }
    return Status::ok();
}

int32_t fit_device_layers(const OffloadNeeds & needs, uint64_t free_bytes, int32_t requested) {
    const int32_t n_layer = (int32_t) needs.layer_bytes.size();
    if (requested >= 0) return requested < n_layer ? requested : n_layer;
    uint64_t used = needs.output_bytes + needs.compute_bytes + needs.margin_bytes;
    if (used > free_bytes) return 0;
    int32_t n = 0;
    for (int32_t il = n_layer - 1; il >= 0; il--) {
        if (used + needs.layer_bytes[il] > free_bytes) break;
        used += needs.layer_bytes[il];
        n++;
    }
    return n;
}

bool tensor_on_device(const char * name, int32_t first_device_layer, int32_t n_layer) {
    if (first_device_layer >= n_layer) return false;
    int layer = -1;
    if (std::sscanf(name, "blk.%d.", &layer) == 1) return layer >= first_device_layer;
    if (std::strcmp(name, "token_embd.weight") == 0) return false;
    // output_norm, output, rope_freqs: used by the last layer's side (rope_freqs by every layer; it
    // is tiny and follows the majority only when every layer is on the device).
    if (std::strcmp(name, "rope_freqs.weight") == 0) return first_device_layer == 0;
    return true;
}

uint64_t estimate_compute_bytes(int32_t n_chunk, int32_t n_ctx, int32_t n_embd, int32_t n_ff, int32_t n_vocab) {
    const uint64_t c = (uint64_t) n_chunk;
    return 4 * c * ((uint64_t) n_vocab + 3 * (uint64_t) n_ff + 6 * (uint64_t) n_embd) + 2 * c * (uint64_t) n_ctx;
}

}  // namespace swaa
