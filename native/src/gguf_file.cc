// Opening a GGUF for computing: magic, header, tensor bounds, and tensor placement.
#include "gguf_file.h"

#include "gguf_limits.h"
#include "runtime_init.h"

#include "ggml-cpu.h"
#include "gguf.h"

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <vector>

namespace swaa {

namespace {

// ggml's TENSOR_ALIGNMENT (ggml-impl.h, not a public header): what ggml_backend_cpu_buffer_from_ptr
// asserts of the pointer it wraps.
constexpr size_t kCpuTensorAlignment = 32;

// ggml's CPU buffer type that stores weights interleaved for its faster kernels ("CPU_REPACK"),
// or null when this build has none.
ggml_backend_buffer_type_t cpu_repack_buffer_type(ggml_backend_dev_t cpu) {
    ggml_backend_reg_t reg = ggml_backend_dev_backend_reg(cpu);
    auto get_extra = (ggml_backend_dev_get_extra_bufts_t) ggml_backend_reg_get_proc_address(reg, "ggml_backend_dev_get_extra_bufts");
    if (!get_extra) return nullptr;
    for (ggml_backend_buffer_type_t * b = get_extra(cpu); b && *b; b++) {
        if (std::strcmp(ggml_backend_buft_name(*b), "CPU_REPACK") == 0) return *b;
    }
    return nullptr;
}

// Whether the CPU multiplies activations by this weight when it lives in `buft` (a repack layout
// exists for its type and shape on this CPU). Asked with a sample matmul, as llama.cpp does.
bool cpu_multiplies_from(ggml_backend_dev_t cpu, ggml_backend_buffer_type_t buft, const ggml_tensor * weight) {
    ggml_init_params ip{};
    ip.mem_size = ggml_tensor_overhead() * 4;
    ip.no_alloc = true;
    ggml_context * ctx = ggml_init(ip);
    if (!ctx) return false;
    ggml_tensor * w = ggml_new_tensor(ctx, weight->type, GGML_MAX_DIMS, weight->ne);
    ggml_tensor * x = ggml_new_tensor_2d(ctx, GGML_TYPE_F32, weight->ne[0], 512);
    ggml_tensor * y = ggml_mul_mat(ctx, w, x);
    ggml_backend_buffer_t probe = ggml_backend_buft_alloc_buffer(buft, 0);  // a zero-size buffer of that type
    w->buffer = probe;
    const bool ok = probe && ggml_backend_dev_supports_op(cpu, y);
    if (probe) ggml_backend_buffer_free(probe);
    ggml_free(ctx);
    return ok;
}

}  // namespace

GgufFile::~GgufFile() {
    if (repack_buf_) ggml_backend_buffer_free(repack_buf_);
    if (device_buf_) ggml_backend_buffer_free(device_buf_);
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
    SWAA_TRY(check_gguf_counts(f.data(), f.size(), path, what));
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
        const size_t offset = gguf_get_tensor_offset(g->gguf_, i), size = gguf_get_tensor_size(g->gguf_, i);
        // Compared piece by piece: offsets and sizes come from the file and their sum may wrap.
        const bool inside = data_offset <= f.size() && offset <= f.size() - data_offset && size <= f.size() - data_offset - offset;
        if (!inside) {
            const bool wraps = offset > SIZE_MAX - data_offset || size > SIZE_MAX - data_offset - offset;
            const size_t end = wraps ? SIZE_MAX : data_offset + offset + size;
            return error(SWAA_ERR_TRUNCATED, path + " is truncated: tensor '" + gguf_get_tensor_name(g->gguf_, i) +
                                                 "' ends at byte " + std::to_string(end) + " but the file has " +
                                                 std::to_string(f.size()) + " bytes");
        }
    }
    out = std::move(g);
    return Status::ok();
}

Status GgufFile::place_repacked(RepackFilter repack, Progress progress, void * progress_user_data) {
    ggml_backend_dev_t cpu = ggml_backend_dev_by_type(GGML_BACKEND_DEVICE_TYPE_CPU);
    ggml_backend_buffer_type_t buft = cpu ? cpu_repack_buffer_type(cpu) : nullptr;
    if (!buft) return Status::ok();
    const size_t data_offset = gguf_get_data_offset(gguf_);
    const size_t align = ggml_backend_buft_get_alignment(buft);
    struct Chosen {
        ggml_tensor * tensor;
        size_t file_offset;  // of its data
        size_t slot;         // bytes it takes in the repack buffer, aligned
    };
    std::vector<Chosen> chosen;
    size_t size = 0;
    for (int64_t i = 0; i < gguf_get_n_tensors(gguf_); i++) {
        ggml_tensor * t = ggml_get_tensor(meta_, gguf_get_tensor_name(gguf_, i));
        if (t->buffer || !repack(t) || !cpu_multiplies_from(cpu, buft, t)) continue;
        const size_t slot = (ggml_backend_buft_get_alloc_size(buft, t) + align - 1) / align * align;
        chosen.push_back({t, data_offset + gguf_get_tensor_offset(gguf_, i), slot});
        size += slot;
    }
    if (chosen.empty()) return Status::ok();
    repack_buf_ = ggml_backend_buft_alloc_buffer(buft, size);
    if (!repack_buf_) return error(SWAA_ERR_OUT_OF_MEMORY, "not enough memory to repack the weights of " + path_);
    ggml_backend_buffer_set_usage(repack_buf_, GGML_BACKEND_BUFFER_USAGE_WEIGHTS);
    uint8_t * at = static_cast<uint8_t *>(ggml_backend_buffer_get_base(repack_buf_));
    size_t done = 0;
    for (const Chosen & c : chosen) {
        ggml_tensor * t = c.tensor;
        if (ggml_backend_tensor_alloc(repack_buf_, t, at) != GGML_STATUS_SUCCESS) {
            return error(SWAA_ERR_INTERNAL, std::string("could not place tensor ") + t->name);
        }
        at += c.slot;
        const size_t n = ggml_nbytes(t);
        ggml_backend_tensor_set(t, file_->data() + c.file_offset, 0, n);  // converts to the interleaved layout
        file_->release(c.file_offset, n);  // the original bytes are no longer read
        done += n;
        repacked_bytes_ += n;
        if (progress && !progress((float) done / (float) size, progress_user_data)) {
            return error(SWAA_ERR_CANCELLED, what_ + " load cancelled");
        }
    }
    return Status::ok();
}

bool GgufFile::is_repacked(const ggml_tensor * t) const { return repack_buf_ && t->buffer == repack_buf_; }

size_t GgufFile::host_bytes() const {
    size_t n = 0;
    for (int64_t i = 0; i < gguf_get_n_tensors(gguf_); i++) {
        const ggml_tensor * t = ggml_get_tensor(meta_, gguf_get_tensor_name(gguf_, i));
        if (t->buffer && t->buffer != device_buf_) n += ggml_nbytes(t);
    }
    return n;
}

Status GgufFile::place_tensors(ggml_backend_dev_t device, const OnDevice & on_device, bool use_mmap, RepackFilter repack,
                               Progress progress, void * progress_user_data) {
    const size_t data_offset = gguf_get_data_offset(gguf_);
    const uint8_t * base = file_->data() + data_offset;
    const size_t total = file_->size() - data_offset;
    const int64_t n_tensors = gguf_get_n_tensors(gguf_);

    // Device tensors first, then repacked ones; the steps below place every tensor still without data.
    // ggml's CPU buffers need 32-byte aligned tensors; a file with a smaller (legal) general.alignment
    // is copied into an allocated buffer instead of being used in place (and not repacked from the mapping).
    const bool in_place_ok = gguf_get_alignment(gguf_) % kCpuTensorAlignment == 0;
    if (device && on_device) SWAA_TRY(place_on_device(device, on_device, progress, progress_user_data));
    if (repack && in_place_ok) SWAA_TRY(place_repacked(repack, progress, progress_user_data));

    if (use_mmap && in_place_ok) {
        // Tensors point into the mapping: no copy. The buffer spans the whole tensor data region.
        buf_ = ggml_backend_cpu_buffer_from_ptr(const_cast<uint8_t *>(base), total);
        if (!buf_) return error(SWAA_ERR_OUT_OF_MEMORY, "could not wrap the mapped tensors of " + path_);
        for (int64_t i = 0; i < n_tensors; i++) {
            ggml_tensor * t = ggml_get_tensor(meta_, gguf_get_tensor_name(gguf_, i));
            if (t->buffer) continue;  // on the device or repacked
            void * addr = const_cast<uint8_t *>(base + gguf_get_tensor_offset(gguf_, i));
            if (ggml_backend_tensor_alloc(buf_, t, addr) != GGML_STATUS_SUCCESS) {
                return error(SWAA_ERR_INTERNAL, std::string("could not place tensor ") + t->name);
            }
        }
        ggml_backend_buffer_set_usage(buf_, GGML_BACKEND_BUFFER_USAGE_WEIGHTS);
        return Status::ok();
    }
    bool any_left = false;
    for (int64_t i = 0; i < n_tensors && !any_left; i++) any_left = !ggml_get_tensor(meta_, gguf_get_tensor_name(gguf_, i))->buffer;
    if (!any_left) return Status::ok();
    // Allocates only the tensors still without data (ggml skips placed ones).
    buf_ = ggml_backend_alloc_ctx_tensors_from_buft(meta_, ggml_backend_cpu_buffer_type());
    if (!buf_) return error(SWAA_ERR_OUT_OF_MEMORY, "not enough memory on the CPU for " + path_);
    ggml_backend_buffer_set_usage(buf_, GGML_BACKEND_BUFFER_USAGE_WEIGHTS);
    size_t done = placed_bytes_;
    for (int64_t i = 0; i < n_tensors; i++) {
        ggml_tensor * t = ggml_get_tensor(meta_, gguf_get_tensor_name(gguf_, i));
        if (t->buffer != buf_) continue;
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
