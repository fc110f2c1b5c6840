// Model::place_weights: picks the device, fits the number of layers it takes (the last ones, as
// llama.cpp's n_gpu_layers) and places the weights; a layer's KV cache follows it (context.cc).
#include "model.h"

#include "offload_plan.h"

#include "gguf.h"

#include <algorithm>
#include <cstring>

namespace swaa {

bool Model::on_device(const ggml_tensor * t) const {
    return gpu_device && tensor_on_device(t->name, first_device_layer(), hparams.n_layer);
}

Status Model::place_weights(const swaa_model_params & params) {
    ggml_backend_dev_t dev = nullptr;
    SWAA_TRY(choose_device(params, dev));
    const HParams & hp = hparams;
    n_layer_device = 0;
    if (dev) {
        OffloadNeeds needs;
        needs.layer_bytes.assign(hp.n_layer, 0);
        const int32_t fit_ctx = params.fit_n_ctx > 0 ? params.fit_n_ctx : 4096;
        for (int64_t i = 0; i < gguf_get_n_tensors(gguf()); i++) {
            const ggml_tensor * t = ggml_get_tensor(meta(), gguf_get_tensor_name(gguf(), i));
            int layer = -1;
            if (std::sscanf(t->name, "blk.%d.", &layer) == 1 && layer >= 0 && layer < hp.n_layer) {
                needs.layer_bytes[layer] += ggml_nbytes(t);
            } else if (tensor_on_device(t->name, hp.n_layer - 1, hp.n_layer)) {
                needs.output_bytes += ggml_nbytes(t);
            }
        }
        // A full-attention F16 cache of fit_ctx rows: the most any recipe keeps (ring layers keep less).
        const uint64_t kv_layer = 2ull * (uint64_t) (hp.n_embd_k_gqa() + hp.n_embd_v_gqa()) * (uint64_t) fit_ctx;
        for (uint64_t & b : needs.layer_bytes) b += kv_layer;
        needs.compute_bytes = estimate_compute_bytes(512, fit_ctx, hp.n_embd, hp.n_ff, hp.n_vocab);
        size_t free = 0, total = 0;
        ggml_backend_dev_memory(dev, &free, &total);
        needs.margin_bytes = std::max<uint64_t>(256ull << 20, total / 20);
        n_layer_device = fit_device_layers(needs, free, params.n_gpu_layers);
        log(1, "offload: %d of %d layers on %s (free %zu MiB; %s)", n_layer_device, hp.n_layer, ggml_backend_dev_name(dev),
            free >> 20, params.n_gpu_layers < 0 ? "fitted" : "requested");
    }
    gpu_device = n_layer_device > 0 ? dev : nullptr;
    // Load progress: 0.05 after the header, 0.95 once every byte is placed (CPU mmap: at once).
    struct Scaled {
        const swaa_model_params & p;
        static bool call(float fraction, void * self) {
            const swaa_model_params & mp = static_cast<Scaled *>(self)->p;
            return mp.progress(0.05f + 0.9f * fraction, mp.progress_user_data);
        }
    } scaled{params};
    // Every 2-D weight is only ever multiplied, except the token embedding (rows are looked up; when
    // the output projection is tied to it, it is that same tensor).
    struct Repack {
        static bool matmul_only(const ggml_tensor * t) {
            return ggml_n_dims(t) == 2 && std::strcmp(t->name, "token_embd.weight") != 0;
        }
    };
    return file_->place_tensors(gpu_device, [this](const ggml_tensor * t) { return on_device(t); }, params.use_mmap,
                                params.cpu_repack ? &Repack::matmul_only : nullptr, params.progress ? &Scaled::call : nullptr,
                                &scaled);
}

}  // namespace swaa
