// GgufFile::place_on_device: the tensors a partial or full offload puts on a device, in one buffer
// of that device, uploaded from the mapping.
#include "gguf_file.h"

#include "gguf.h"

#include <algorithm>
#include <vector>

namespace swaa {

Status GgufFile::place_on_device(ggml_backend_dev_t device, const OnDevice & on_device, Progress progress,
                                 void * progress_user_data) {
    ggml_backend_buffer_type_t buft = ggml_backend_dev_buffer_type(device);
    if (!buft) return error(SWAA_ERR_BACKEND, std::string(ggml_backend_dev_name(device)) + " offers no buffer type");
    const size_t data_offset = gguf_get_data_offset(gguf_);
    const size_t total = file_->size() - data_offset;
    const size_t align = ggml_backend_buft_get_alignment(buft);
    struct Chosen {
        ggml_tensor * tensor;
        size_t file_offset;
        size_t slot;
    };
    std::vector<Chosen> chosen;
    size_t size = 0;
    for (int64_t i = 0; i < gguf_get_n_tensors(gguf_); i++) {
        ggml_tensor * t = ggml_get_tensor(meta_, gguf_get_tensor_name(gguf_, i));
        if (t->buffer || !on_device(t)) continue;
        const size_t slot = (ggml_backend_buft_get_alloc_size(buft, t) + align - 1) / align * align;
        chosen.push_back({t, data_offset + gguf_get_tensor_offset(gguf_, i), slot});
        size += slot;
    }
    if (chosen.empty()) return Status::ok();
    const size_t max_size = ggml_backend_buft_get_max_size(buft);
    if (size > max_size) {
        // One buffer keeps this simple; backends whose largest allocation is smaller (some Vulkan
        // drivers) need the weights split over several, which this runtime does not do yet.
        return error(SWAA_ERR_OUT_OF_MEMORY, std::string(ggml_backend_dev_name(device)) + " allocates at most " +
                                                 std::to_string(max_size) + " bytes at once; the offloaded weights of " + path_ +
                                                 " need " + std::to_string(size) + ": offload fewer layers");
    }
    device_buf_ = ggml_backend_buft_alloc_buffer(buft, size);
    if (!device_buf_) {
        return error(SWAA_ERR_OUT_OF_MEMORY, "not enough memory on " + std::string(ggml_backend_dev_name(device)) + " for " +
                                                 std::to_string(size) + " bytes of weights of " + path_ + ": offload fewer layers");
    }
    ggml_backend_buffer_set_usage(device_buf_, GGML_BACKEND_BUFFER_USAGE_WEIGHTS);
    uint8_t * at = static_cast<uint8_t *>(ggml_backend_buffer_get_base(device_buf_));
    for (const Chosen & c : chosen) {
        ggml_tensor * t = c.tensor;
        if (ggml_backend_tensor_alloc(device_buf_, t, at) != GGML_STATUS_SUCCESS) {
            return error(SWAA_ERR_INTERNAL, std::string("could not place tensor ") + t->name + " on " + ggml_backend_dev_name(device));
        }
        at += c.slot;
        const size_t n = ggml_nbytes(t);
        ggml_backend_tensor_set(t, file_->data() + c.file_offset, 0, n);
        device_bytes_ += n;
        placed_bytes_ += n;
        if (progress && !progress((float) placed_bytes_ / (float) std::max<size_t>(total, 1), progress_user_data)) {
            return error(SWAA_ERR_CANCELLED, what_ + " load cancelled");
        }
    }
    return Status::ok();
}

}  // namespace swaa
