// The attention planner: for a chunk of queries at positions [s, s + n) it decides, per kind of
// layer, which KV rows the chunk reads and builds the mask over exactly those rows. This is where
// SWAA's saving happens: a windowed chunk reads the sinks and the window, never the whole cache.
#pragma once

#include "kv_cache.h"
#include "recipe.h"

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
    int32_t n_kv() const { return (int32_t) key_pos.size(); }
    // Additive mask [n_queries][n_kv]: 0 where visible, -inf elsewhere (row-major, query-major).
    std::vector<float> mask;
};

// Kind of attention layer il does in this phase.
AttnKind attn_kind(const ResolvedRecipe & recipe, const KvCache & cache, int il, swaa_phase phase);

// Plans a chunk at positions [s, s + n) for one kind. The ring's slot table must already include
// the chunk's own positions (they are written before attention reads them).
void plan_chunk(AttnKind kind, const ResolvedRecipe & recipe, const KvCache & cache, int32_t s, int32_t n, AttnPlan & out);

}  // namespace swaa
