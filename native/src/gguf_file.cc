// Opening a GGUF for computing: magic, header, tensor bounds, and tensor placement.
#include "gguf_file.h"

#include "runtime_init.h"

#include "ggml-cpu.h"
#include "gguf.h"

#include <algorithm>
#include <cstring>

namespace swaa {

GgufFile::~GgufFile() {
    if (buf_) ggml_backend_buffer_free(buf_);
    if (meta_) ggml_free(meta_);
    if (gguf_) gguf_free(gguf_);
}

Status GgufFile::open(const std::string & path, const char * what, std::unique_ptr<GgufFile> & out) {
    std::unique_ptr<GgufFile> g(new GgufFile());
    g->path_ = path;
    g->what_ = what;
    SWAA_TRY(MappedFile::open(path, g->file_));
    const MappedFile & f = *g->file_;
    if (f.size() < 24 || std::memcmp(f.data(), "GGUF", 4) != 0) {
        return error(SWAA_ERR_NOT_GGUF, path + " is not a GGUF " + what + " (the file does not start with 'GGUF')");
    }
    gguf_init_params gp{};
    gp.no_alloc = true;
    gp.ctx = &g->meta_;
    g->gguf_ = gguf_init_from_buffer(f.data(), f.size(), gp);
    if (!g->gguf_) {
        std::string why = last_ggml_error();
        return error(SWAA_ERR_TRUNCATED, path + ": the GGUF header or tensor table is truncated or malformed" +
                                             (why.empty() ? std::string() : " (" + why + ")"));
    }
    const size_t data_offset = gguf_get_data_offset(g->gguf_);
    const int64_t n_tensors = gguf_get_n_tensors(g->gguf_);
    for (int64_t i = 0; i < n_tensors; i++) {
        const size_t end = data_offset + gguf_get_tensor_offset(g->gguf_, i) + gguf_get_tensor_size(g->gguf_, i);
        if (end > f.size()) {
            return error(SWAA_ERR_TRUNCATED, path + " is truncated: tensor '" + gguf_get_tensor_name(g->gguf_, i) +
                                                 "' ends at byte " + std::to_string(end) + " but the file has " +
                                                 std::to_string(f.size()) + " bytes");
        }
    }
    out = std::move(g);
    return Status::ok();
}

Status GgufFile::place_tensors(ggml_backend_dev_t gpu_device, bool use_mmap, Progress progress, void * progress_user_data) {
    const size_t data_offset = gguf_get_data_offset(gguf_);
    const uint8_t * base = file_->data() + data_offset;
    const size_t total = file_->size() - data_offset;
    const int64_t n_tensors = gguf_get_n_tensors(gguf_);

    if (!gpu_device && use_mmap) {
        // Tensors point into the mapping: no copy. The buffer spans the whole tensor data region.
        buf_ = ggml_backend_cpu_buffer_from_ptr(const_cast<uint8_t *>(base), total);
        if (!buf_) return error(SWAA_ERR_OUT_OF_MEMORY, "could not wrap the mapped tensors of " + path_);
        for (int64_t i = 0; i < n_tensors; i++) {
            ggml_tensor * t = ggml_get_tensor(meta_, gguf_get_tensor_name(gguf_, i));
            void * addr = const_cast<uint8_t *>(base + gguf_get_tensor_offset(gguf_, i));
            if (ggml_backend_tensor_alloc(buf_, t, addr) != GGML_STATUS_SUCCESS) {
                return error(SWAA_ERR_INTERNAL, std::string("could not place tensor ") + t->name);
            }
        }
        ggml_backend_buffer_set_usage(buf_, GGML_BACKEND_BUFFER_USAGE_WEIGHTS);
        return Status::ok();
    }
    ggml_backend_buffer_type_t buft = gpu_device ? ggml_backend_dev_buffer_type(gpu_device) : ggml_backend_cpu_buffer_type();
    buf_ = ggml_backend_alloc_ctx_tensors_from_buft(meta_, buft);
    if (!buf_) {
        return error(SWAA_ERR_OUT_OF_MEMORY, std::string("not enough memory on ") +
                                                 (gpu_device ? ggml_backend_dev_name(gpu_device) : "the CPU") + " for " + path_);
    }
    ggml_backend_buffer_set_usage(buf_, GGML_BACKEND_BUFFER_USAGE_WEIGHTS);
    size_t done = 0;
    for (int64_t i = 0; i < n_tensors; i++) {
        ggml_tensor * t = ggml_get_tensor(meta_, gguf_get_tensor_name(gguf_, i));
        const size_t n = ggml_nbytes(t);
        ggml_backend_tensor_set(t, base + gguf_get_tensor_offset(gguf_, i), 0, n);
        done += n;
        if (progress && !progress((float) done / (float) std::max<size_t>(total, 1), progress_user_data)) {
            return error(SWAA_ERR_CANCELLED, what_ + " load cancelled");
        }
    }
    return Status::ok();
}

}  // namespace swaa
