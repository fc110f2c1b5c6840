// KV cache allocation, ring bookkeeping and host copies.
#include "kv_cache.h"

#include <algorithm>

namespace swaa {

KvCache::~KvCache() {
    for (ggml_backend_buffer_t b : bufs_) ggml_backend_buffer_free(b);
    for (ggml_context * c : ctxs_) ggml_free(c);
}

void KvCache::plan_rows(const ResolvedRecipe & recipe, int32_t n_ctx, int32_t n_chunk, std::vector<int32_t> & rows,
                        std::vector<bool> & full, RingGeometry & ring) {
    const int n_layer = (int) recipe.layers.size();
    rows.assign(n_layer, n_ctx);
    full.assign(n_layer, true);
    ring = RingGeometry{};
    if (!recipe.windowed) return;
    // A ring must hold the window before a chunk's first query plus the chunk itself.
    ring.sinks = recipe.sinks;
    ring.ring = recipe.window + std::max(n_chunk, 1);
    if ((int64_t) ring.sinks + ring.ring >= n_ctx) return;  // no saving possible: keep it simple
    for (int il = 0; il < n_layer; il++) {
        if (!recipe.layers[il].full_cache()) {
            full[il] = false;
            rows[il] = ring.rows();
        }
    }
}

uint64_t KvCache::estimate_bytes(const ResolvedRecipe & recipe, int32_t n_ctx, int32_t n_chunk, int32_t n_embd_k,
                                 int32_t n_embd_v, ggml_type type) {
    std::vector<int32_t> rows;
    std::vector<bool> full;
    RingGeometry ring;
    plan_rows(recipe, n_ctx, n_chunk, rows, full, ring);
    uint64_t total = 0;
    for (int32_t r : rows) total += ggml_row_size(type, n_embd_k) * r + ggml_row_size(type, n_embd_v) * r;
    return total;
}

Status KvCache::init(const ResolvedRecipe & recipe, int32_t n_ctx, int32_t n_chunk, int32_t n_embd_k,
                     int32_t n_embd_v, ggml_type type, ggml_backend_buffer_type_t buft) {
    return init(recipe, n_ctx, n_chunk, n_embd_k, n_embd_v, type,
                std::vector<ggml_backend_buffer_type_t>(recipe.layers.size(), buft));
}

Status KvCache::init(const ResolvedRecipe & recipe, int32_t n_ctx, int32_t n_chunk, int32_t n_embd_k,
                     int32_t n_embd_v, ggml_type type, const std::vector<ggml_backend_buffer_type_t> & buft_per_layer) {
    plan_rows(recipe, n_ctx, n_chunk, rows_, full_, ring_);
    n_ctx_ = n_ctx;
    const int n_layer = (int) rows_.size();
    if ((int) buft_per_layer.size() != n_layer) return error(SWAA_ERR_INTERNAL, "KV cache: one buffer type per layer expected");
    has_ring_ = std::find(full_.begin(), full_.end(), false) != full_.end();
    k_.assign(n_layer, nullptr);
    v_.assign(n_layer, nullptr);
    std::vector<ggml_backend_buffer_type_t> types;
    for (ggml_backend_buffer_type_t b : buft_per_layer) {
        if (std::find(types.begin(), types.end(), b) == types.end()) types.push_back(b);
    }
    for (ggml_backend_buffer_type_t buft : types) {
        ggml_init_params ip{};
        ip.mem_size = ggml_tensor_overhead() * (size_t) (2 * n_layer + 2);
        ip.no_alloc = true;
        ggml_context * ctx = ggml_init(ip);
        if (!ctx) return error(SWAA_ERR_OUT_OF_MEMORY, "could not create the KV cache context");
        ctxs_.push_back(ctx);
        for (int il = 0; il < n_layer; il++) {
            if (buft_per_layer[il] != buft) continue;
            k_[il] = ggml_new_tensor_2d(ctx, type, n_embd_k, rows_[il]);
            v_[il] = ggml_new_tensor_2d(ctx, type, n_embd_v, rows_[il]);
            ggml_format_name(k_[il], "cache_k_l%d", il);
            ggml_format_name(v_[il], "cache_v_l%d", il);
        }
        ggml_backend_buffer_t buf = ggml_backend_alloc_ctx_tensors_from_buft(ctx, buft);
        if (!buf) {
            return error(SWAA_ERR_OUT_OF_MEMORY, "not enough memory for a KV cache of " +
                                                     std::to_string(estimate_bytes(recipe, n_ctx, n_chunk, n_embd_k, n_embd_v, type)) +
                                                     " bytes (" + ggml_backend_buft_name(buft) + ")");
        }
        ggml_backend_buffer_set_usage(buf, GGML_BACKEND_BUFFER_USAGE_COMPUTE);
        ggml_backend_buffer_clear(buf, 0);
        bufs_.push_back(buf);
    }
    reset();
    return Status::ok();
}

uint64_t KvCache::bytes() const {
    uint64_t n = 0;
    for (ggml_backend_buffer_t b : bufs_) n += ggml_backend_buffer_get_size(b);
    return n;
}

uint64_t KvCache::device_bytes() const {
    uint64_t n = 0;
    for (ggml_backend_buffer_t b : bufs_) {
        if (!ggml_backend_buffer_is_host(b)) n += ggml_backend_buffer_get_size(b);
    }
    return n;
}

void KvCache::reset() {
    ring_slot_pos.assign(has_ring_ ? ring_.rows() : 0, -1);
    ring_filled = 0;
}

void KvCache::note_written(int32_t pos0, int32_t n) {
    if (!has_ring_) return;
    for (int32_t p = pos0; p < pos0 + n; p++) {
        const int32_t s = ring_.slot_of(p);
        ring_slot_pos[s] = p;
        ring_filled = std::max(ring_filled, s + 1);
    }
}

bool KvCache::ring_table_is_for(const std::vector<int32_t> & slot_pos, int32_t filled, int32_t n_past) const {
    if (!has_ring_) return slot_pos.empty() && filled == 0;
    if (slot_pos.size() != (size_t) ring_.rows() || n_past < 0) return false;
    // Sinks hold their own positions; each ring slot the last position written to it, so only
    // the final ring's worth of positions after the sinks matters (n_past can be large).
    std::vector<int32_t> want(slot_pos.size(), -1);
    int32_t want_filled = 0;
    auto write = [&](int32_t p) {
        const int32_t s = ring_.slot_of(p);
        want[s] = p;
        want_filled = std::max(want_filled, s + 1);
    };
    for (int32_t p = 0; p < std::min(n_past, ring_.sinks); p++) write(p);
    for (int32_t p = std::max(ring_.sinks, n_past - ring_.ring); p < n_past; p++) write(p);
    return want == slot_pos && want_filled == filled;
}

size_t KvCache::ring_bytes() const {
    size_t total = 0;
    for (size_t il = 0; il < k_.size(); il++) {
        if (!full_[il]) total += ggml_nbytes(k_[il]) + ggml_nbytes(v_[il]);
    }
    return total;
}

void KvCache::read_ring(std::vector<uint8_t> & out) const {
    out.resize(ring_bytes());
    size_t off = 0;
    for (size_t il = 0; il < k_.size(); il++) {
        if (full_[il]) continue;
        for (ggml_tensor * t : {k_[il], v_[il]}) {
            ggml_backend_tensor_get(t, out.data() + off, 0, ggml_nbytes(t));
            off += ggml_nbytes(t);
        }
    }
}

void KvCache::write_ring(const std::vector<uint8_t> & in) {
    size_t off = 0;
    for (size_t il = 0; il < k_.size(); il++) {
        if (full_[il]) continue;
        for (ggml_tensor * t : {k_[il], v_[il]}) {
            ggml_backend_tensor_set(t, in.data() + off, 0, ggml_nbytes(t));
            off += ggml_nbytes(t);
        }
    }
}

}  // namespace swaa
