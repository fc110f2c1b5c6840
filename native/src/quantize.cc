// swaa_quantize_file: rewrites a GGUF with its 2-D weight matrices in another type (like
// llama-quantize, without importance matrices). Norms, biases and other 1-D tensors stay F32.
#include "api_guard.h"
#include "status.h"
#include "swaa.h"

#include "ggml-cpu.h"
#include "ggml.h"
#include "gguf.h"

#include <algorithm>
#include <cstring>
#include <memory>
#include <string>
#include <thread>
#include <vector>

namespace swaa {
namespace {

bool parse_type(const std::string & name, ggml_type & out) {
    static const std::pair<const char *, ggml_type> types[] = {
        {"F32", GGML_TYPE_F32}, {"F16", GGML_TYPE_F16}, {"BF16", GGML_TYPE_BF16}, {"Q8_0", GGML_TYPE_Q8_0},
        {"Q4_0", GGML_TYPE_Q4_0}, {"Q4_1", GGML_TYPE_Q4_1}, {"Q5_0", GGML_TYPE_Q5_0}, {"Q5_1", GGML_TYPE_Q5_1},
        {"Q2_K", GGML_TYPE_Q2_K}, {"Q3_K", GGML_TYPE_Q3_K}, {"Q4_K", GGML_TYPE_Q4_K}, {"Q5_K", GGML_TYPE_Q5_K},
        {"Q6_K", GGML_TYPE_Q6_K},
    };
    for (auto & t : types) {
        if (name == t.first) { out = t.second; return true; }
    }
    return false;
}

// general.file_type (llama_ftype) for a whole-model type.
int file_type_of(ggml_type t) {
    switch (t) {
        case GGML_TYPE_F32: return 0;
        case GGML_TYPE_F16: return 1;
        case GGML_TYPE_Q4_0: return 2;
        case GGML_TYPE_Q4_1: return 3;
        case GGML_TYPE_Q8_0: return 7;
        case GGML_TYPE_Q5_0: return 8;
        case GGML_TYPE_Q5_1: return 9;
        case GGML_TYPE_Q2_K: return 10;
        case GGML_TYPE_Q3_K: return 12;
        case GGML_TYPE_Q4_K: return 15;
        case GGML_TYPE_Q5_K: return 17;
        case GGML_TYPE_Q6_K: return 18;
        case GGML_TYPE_BF16: return 32;
        default: return 0;
    }
}

struct GgufFree { void operator()(gguf_context * g) const { gguf_free(g); } };
struct GgmlFree { void operator()(ggml_context * c) const { ggml_free(c); } };

// Quantizes n_rows rows of src into dst, the rows split evenly over up to n_threads threads
// (ggml_quantize_chunk converts independent row ranges, so the result does not depend on the split).
void quantize_rows(ggml_type t, const float * src, uint8_t * dst, int64_t n_rows, int64_t n_per_row, int n_threads) {
    const int64_t workers = std::max<int64_t>(1, std::min<int64_t>(n_threads, n_rows));
    const int64_t per = (n_rows + workers - 1) / workers;
    std::vector<std::thread> pool;
    for (int64_t w = 1; w < workers; w++) {
        const int64_t r0 = w * per, r1 = std::min(n_rows, r0 + per);
        if (r0 >= r1) break;
        pool.emplace_back([=] { ggml_quantize_chunk(t, src, dst, r0 * n_per_row, r1 - r0, n_per_row, nullptr); });
    }
    ggml_quantize_chunk(t, src, dst, 0, std::min(per, n_rows), n_per_row, nullptr);
    for (std::thread & th : pool) th.join();
}

Status quantize(const std::string & in_path, const std::string & out_path, const std::string & type_name, int n_threads) {
    ggml_type target;
    if (!parse_type(type_name, target)) return error(SWAA_ERR_INVALID_ARGUMENT, "unknown weight type '" + type_name + "'");
    ggml_context * data_ctx_raw = nullptr;
    gguf_init_params gp{};
    gp.no_alloc = false;
    gp.ctx = &data_ctx_raw;
    std::unique_ptr<gguf_context, GgufFree> in(gguf_init_from_file(in_path.c_str(), gp));
    if (!in) return error(SWAA_ERR_NOT_GGUF, in_path + " could not be read as GGUF");
    std::unique_ptr<ggml_context, GgmlFree> data_ctx(data_ctx_raw);

    std::unique_ptr<gguf_context, GgufFree> out(gguf_init_empty());
    gguf_set_kv(out.get(), in.get());
    gguf_set_val_u32(out.get(), "general.file_type", (uint32_t) file_type_of(target));

    const int64_t n_tensors = gguf_get_n_tensors(in.get());
    ggml_init_params ip{};
    ip.mem_size = ggml_tensor_overhead() * (size_t) (n_tensors + 1);
    ip.no_alloc = true;
    std::unique_ptr<ggml_context, GgmlFree> out_ctx(ggml_init(ip));
    std::vector<std::vector<uint8_t>> buffers(n_tensors);
    std::vector<float> f32;
    if (n_threads <= 0) n_threads = (int) std::max(1u, std::thread::hardware_concurrency());
    for (int64_t i = 0; i < n_tensors; i++) {
        const char * name = gguf_get_tensor_name(in.get(), i);
        ggml_tensor * src = ggml_get_tensor(data_ctx.get(), name);
        const bool matrix = ggml_n_dims(src) >= 2 && std::strstr(name, "norm") == nullptr;
        ggml_type t = matrix ? target : GGML_TYPE_F32;
        // Block types need whole blocks per row; fall back like llama-quantize does.
        if (src->ne[0] % ggml_blck_size(t) != 0) t = src->ne[0] % 32 == 0 ? GGML_TYPE_Q8_0 : GGML_TYPE_F16;
        const int64_t n_per_row = src->ne[0];
        const int64_t n_rows = ggml_nelements(src) / n_per_row;
        f32.resize((size_t) ggml_nelements(src));
        if (src->type == GGML_TYPE_F32) {
            std::memcpy(f32.data(), src->data, f32.size() * sizeof(float));
        } else {
            const auto * traits = ggml_get_type_traits(src->type);
            if (!traits->to_float) return error(SWAA_ERR_UNSUPPORTED_TYPE, std::string("cannot read tensor ") + name);
            traits->to_float(src->data, f32.data(), (int64_t) f32.size());
        }
        ggml_tensor * dst = ggml_new_tensor(out_ctx.get(), t, ggml_n_dims(src), src->ne);
        ggml_set_name(dst, name);
        buffers[i].resize(ggml_nbytes(dst));
        ggml_quantize_init(t);  // lookup tables some types need, built once before threads use them
        quantize_rows(t, f32.data(), buffers[i].data(), n_rows, n_per_row, n_threads);
        gguf_add_tensor(out.get(), dst);
        gguf_set_tensor_data(out.get(), name, buffers[i].data());
    }
    if (!gguf_write_to_file(out.get(), out_path.c_str(), false)) return error(SWAA_ERR_IO, "cannot write " + out_path);
    return Status::ok();
}

}  // namespace
}  // namespace swaa

extern "C" swaa_status swaa_quantize_file(const char * in_path, const char * out_path, const char * type_name, int32_t n_threads) {
    return swaa::guarded([&] {
        if (!in_path || !out_path || !type_name) return swaa::error(SWAA_ERR_INVALID_ARGUMENT, "paths and type must not be NULL");
        ggml_quantize_init(GGML_TYPE_COUNT);
        return swaa::quantize(in_path, out_path, type_name, n_threads);
    });
}
