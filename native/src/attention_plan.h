// The attention planner: for a chunk of queries at positions [s, s + n) it decides, per kind of
// layer, which KV rows the chunk reads and builds the mask over exactly those rows. This is where
// SWAA's saving happens: a windowed chunk reads the sinks and the window, never the whole cache.
#pragma once

#include "kv_cache.h"
#include "recipe.h"

#include "ggml.h"

#include <cstdint>
#include <vector>

namespace swaa {

enum class AttnKind {
    Full,       // every earlier key (full cache rows [0, s + n))
    SwaFull,    // windowed over a full cache: rows [0, k) ∪ [max(k, s − W), s + n)
    SwaRing,    // windowed over a ring cache: the filled ring rows
};

struct RowRange {
    int32_t begin = 0;
    int32_t end = 0;  // exclusive
};

struct AttnPlan {
    AttnKind kind = AttnKind::Full;
    std::vector<RowRange> ranges;   // cache rows read, in order (at most 2)
    std::vector<int32_t> key_pos;   // position held by each row read (-1 = empty)
    // Trailing rows read only to align the view (no key yet, masked); not counted as attended rows.
    int32_t padding = 0;
    int32_t n_kv() const { return (int32_t) key_pos.size(); }
    int32_t n_attended() const { return n_kv() - padding; }
};

// Kind of attention layer il does in this phase.
AttnKind attn_kind(const ResolvedRecipe & recipe, const KvCache & cache, int il, swaa_phase phase);

// Full attention reads a multiple of this many cache rows (the rows past the chunk are masked).
// llama.cpp pads its KV view the same way; matching it keeps ggml's CPU flash attention splitting
// a one-query decode step over the same key ranges per thread (it splits at >= 512 keys), so the
// partial sums are added in the same order and greedy decoding follows llama.cpp's near-ties.
constexpr int32_t kFullRowAlign = 256;

// Plans a chunk at positions [s, s + n) for one kind. The ring's slot table must already include
// the chunk's own positions (they are written before attention reads them).
void plan_chunk(AttnKind kind, const ResolvedRecipe & recipe, const KvCache & cache, int32_t s, int32_t n, AttnPlan & out);

// Writes the plan's additive attention mask for queries [s, s + n) as F16, [n][n_kv] row-major:
// 0 where the key is visible, -inf elsewhere. Written straight into the graph's input tensor on the
// CPU: at 32k keys a chunk's mask has 16M cells, and an F32 copy plus a conversion showed up in
// profiles of small models as serial time between graph runs.
void fill_mask(const AttnPlan & plan, const ResolvedRecipe & recipe, int32_t s, int32_t n, ggml_fp16_t * out);

}  // namespace swaa
