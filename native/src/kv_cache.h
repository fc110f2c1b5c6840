// The KV cache of one context. Two geometries:
//   full layers  — one row per position, rows = n_ctx (a layer that ever attends fully);
//   ring layers  — k sink rows, then a ring of R = W + chunk rows holding the most recent tokens
//                  (a layer that never attends fully: docs/swaa.md, "what the runtime adds").
// Every ring layer uses the same slot mapping, so one host-side table of slot positions serves all.
#pragma once

#include "recipe.h"
#include "status.h"

#include "ggml-backend.h"
#include "ggml.h"

#include <cstdint>
#include <vector>

namespace swaa {

struct RingGeometry {
    int32_t sinks = 0;     // k
    int32_t ring = 0;      // R
    int32_t rows() const { return sinks + ring; }
    int32_t slot_of(int32_t pos) const { return pos < sinks ? pos : sinks + (pos - sinks) % ring; }
};

class KvCache {
public:
    ~KvCache();
    KvCache() = default;
    KvCache(const KvCache &) = delete;
    KvCache & operator=(const KvCache &) = delete;

    // Rows per layer for a context; used both to allocate and to estimate.
    static void plan_rows(const ResolvedRecipe & recipe, int32_t n_ctx, int32_t n_chunk,
                          std::vector<int32_t> & rows, std::vector<bool> & full, RingGeometry & ring);
    static uint64_t estimate_bytes(const ResolvedRecipe & recipe, int32_t n_ctx, int32_t n_chunk,
                                   int32_t n_embd_k, int32_t n_embd_v, ggml_type type);

    Status init(const ResolvedRecipe & recipe, int32_t n_ctx, int32_t n_chunk, int32_t n_embd_k, int32_t n_embd_v,
                ggml_type type, ggml_backend_buffer_type_t buft);
    // The same with each layer's rows in a buffer of its own layer's type (partial offload: the KV of
    // a layer lives on the device that computes the layer).
    Status init(const ResolvedRecipe & recipe, int32_t n_ctx, int32_t n_chunk, int32_t n_embd_k, int32_t n_embd_v,
                ggml_type type, const std::vector<ggml_backend_buffer_type_t> & buft_per_layer);

    int32_t n_layer() const { return (int32_t) k_.size(); }
    bool is_full(int il) const { return full_[il]; }
    int32_t rows(int il) const { return rows_[il]; }
    // Rows of a full-cache layer (the context size).
    int32_t full_rows() const { return n_ctx_; }
    ggml_tensor * k(int il) const { return k_[il]; }
    ggml_tensor * v(int il) const { return v_[il]; }
    const RingGeometry & ring() const { return ring_; }
    bool has_ring_layers() const { return has_ring_; }
    uint64_t bytes() const;
    uint64_t device_bytes() const;  // of bytes(), those in buffers that are not host memory

    // Ring slot bookkeeping (host side): position held by each ring slot, -1 when empty.
    std::vector<int32_t> ring_slot_pos;
    // Rows of the ring currently written (slots fill in order, so [0, ring_filled)).
    int32_t ring_filled = 0;

    void reset();
    // Records that positions [pos0, pos0 + n) were written into the ring.
    void note_written(int32_t pos0, int32_t n);
    // Whether a slot table and fill level are the ones writing positions [0, n_past) in order
    // leaves. Every path that changes the cache (eval, rewind to a checkpoint, clear) keeps them so,
    // which makes this the check for a table read from a file.
    bool ring_table_is_for(const std::vector<int32_t> & slot_pos, int32_t filled, int32_t n_past) const;

    // Host copies of ring layers (for checkpoints and saved states).
    void read_ring(std::vector<uint8_t> & out) const;
    void write_ring(const std::vector<uint8_t> & in);
    size_t ring_bytes() const;

private:
    std::vector<ggml_tensor *> k_, v_;
    std::vector<int32_t> rows_;
    int32_t n_ctx_ = 0;
    std::vector<bool> full_;
    RingGeometry ring_;
    bool has_ring_ = false;
    std::vector<ggml_context *> ctxs_;         // one per buffer type in use
    std::vector<ggml_backend_buffer_t> bufs_;
};

}  // namespace swaa
