// A GGUF file opened for computing: mapped read-only, header and tensor table parsed, every tensor
// checked to lie inside the file, and its tensors placed in a backend buffer (pointing into the
// mapping on the CPU, uploaded to a GPU). Models and LoRA adapters both load through it.
#pragma once

#include "mapped_file.h"
#include "status.h"

#include "ggml-backend.h"

#include <functional>
#include <memory>
#include <string>

struct gguf_context;
struct ggml_context;

namespace swaa {

class GgufFile {
public:
    // what: "model" or "LoRA adapter", used in error messages.
    static Status open(const std::string & path, const char * what, std::unique_ptr<GgufFile> & out);
    ~GgufFile();
    GgufFile(const GgufFile &) = delete;
    GgufFile & operator=(const GgufFile &) = delete;

    // Called with the fraction of bytes placed; returning false cancels the placement.
    using Progress = bool (*)(float fraction, void * user_data);
    // Whether a tensor may be repacked: it must only ever be the weight of a matrix multiplication.
    using RepackFilter = bool (*)(const ggml_tensor * tensor);

    // Which tensors go to the device (the others stay on the CPU).
    using OnDevice = std::function<bool(const ggml_tensor * tensor)>;

    // Places every tensor: those `on_device` picks are copied into a buffer of `device` (when it is
    // not null); the rest, on the CPU, point into the mapping with use_mmap (no copy), else are copied
    // into CPU memory. On the
    // CPU, tensors passing `repack` whose type ggml has a faster interleaved layout for on this CPU
    // (e.g. Q4_0/Q4_K on AVX2) are converted into it, as llama.cpp does; their mapped pages are
    // released, so memory is not doubled.
    Status place_tensors(ggml_backend_dev_t device, const OnDevice & on_device, bool use_mmap, RepackFilter repack = nullptr,
                         Progress progress = nullptr, void * progress_user_data = nullptr);

    // Bytes of tensor data on the device / in host memory, once placed.
    size_t device_bytes() const { return device_bytes_; }
    size_t host_bytes() const;

    // Bytes of tensor data held in a repacked layout (0 when none).
    size_t repacked_bytes() const { return repacked_bytes_; }

    gguf_context * gguf() const { return gguf_; }
    ggml_context * meta() const { return meta_; }  // tensor descriptors (no data until placed)
    const MappedFile & file() const { return *file_; }
    const std::string & path() const { return path_; }

private:
    GgufFile() = default;
    std::string path_;
    std::string what_;
    std::unique_ptr<MappedFile> file_;
    gguf_context * gguf_ = nullptr;
    ggml_context * meta_ = nullptr;
    ggml_backend_buffer_t buf_ = nullptr;
    ggml_backend_buffer_t repack_buf_ = nullptr;
    ggml_backend_buffer_t device_buf_ = nullptr;
    size_t repacked_bytes_ = 0;
    size_t device_bytes_ = 0;
    size_t placed_bytes_ = 0;  // progress so far, over every placement step

    Status place_repacked(RepackFilter repack, Progress progress, void * progress_user_data);
    Status place_on_device(ggml_backend_dev_t device, const OnDevice & on_device, Progress progress, void * progress_user_data);
    bool is_repacked(const ggml_tensor * t) const;
};

}  // namespace swaa
