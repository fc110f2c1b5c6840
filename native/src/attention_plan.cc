// Key-row selection and masks per chunk (docs/swaa.md semantics: key j visible to query i in an SWA
// layer iff j <= i and (i - j <= W or j < k)).
#include "attention_plan.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace swaa {

AttnKind attn_kind(const ResolvedRecipe & recipe, const KvCache & cache, int il, swaa_phase phase) {
    if (recipe.layer_full_in(il, phase)) return AttnKind::Full;
    return cache.is_full(il) ? AttnKind::SwaFull : AttnKind::SwaRing;
}

void plan_chunk(AttnKind kind, const ResolvedRecipe & recipe, const KvCache & cache, int32_t s, int32_t n, AttnPlan & out) {
    out.kind = kind;
    out.ranges.clear();
    out.key_pos.clear();
    out.padding = 0;
    const int32_t end = s + n;
    switch (kind) {
        case AttnKind::Full: {
            const int32_t aligned = (end + kFullRowAlign - 1) / kFullRowAlign * kFullRowAlign;
            const int32_t rows = std::max(end, std::min(aligned, cache.full_rows()));
            out.ranges.push_back({0, rows});
            out.padding = rows - end;
            break;
        }
        case AttnKind::SwaFull: {
            const int32_t sink_end = std::min(recipe.sinks, end);
            const int32_t win_begin = std::max(sink_end, s - recipe.window);
            if (win_begin <= sink_end) {
                out.ranges.push_back({0, end});
            } else {
                if (sink_end > 0) out.ranges.push_back({0, sink_end});
                out.ranges.push_back({win_begin, end});
            }
            break;
        }
        case AttnKind::SwaRing:
            out.ranges.push_back({0, cache.ring_filled});
            break;
    }
    for (const RowRange & r : out.ranges) {
        for (int32_t row = r.begin; row < r.end; row++) {
            const bool empty = kind == AttnKind::Full && row >= end;
            out.key_pos.push_back(empty ? -1 : kind == AttnKind::SwaRing ? cache.ring_slot_pos[row] : row);
        }
    }
}

void fill_mask(const AttnPlan & plan, const ResolvedRecipe & recipe, int32_t s, int32_t n, ggml_fp16_t * out) {
    const int32_t n_kv = plan.n_kv();
    const ggml_fp16_t visible = ggml_fp32_to_fp16(0.0f);
    const ggml_fp16_t hidden = ggml_fp32_to_fp16(-std::numeric_limits<float>::infinity());
    if (plan.kind == AttnKind::Full) {
        // Row c holds position c: query i sees the prefix [0, i].
        for (int32_t q = 0; q < n; q++) {
            ggml_fp16_t * row = out + (size_t) q * n_kv;
            std::fill(row, row + s + q + 1, visible);
            std::fill(row + s + q + 1, row + n_kv, hidden);
        }
        return;
    }
    for (int32_t q = 0; q < n; q++) {
        const int32_t i = s + q;
        ggml_fp16_t * row = out + (size_t) q * n_kv;
        for (int32_t c = 0; c < n_kv; c++) {
            const int32_t j = plan.key_pos[c];
            row[c] = j >= 0 && swa_visible(i, j, recipe.window, recipe.sinks) ? visible : hidden;
        }
    }
}

}  // namespace swaa
