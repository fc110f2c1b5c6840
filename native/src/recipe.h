// A SWAA recipe resolved against a model: for every layer, whether it attends fully in each phase
// and whether it must keep the full KV cache (it ever attends fully) or only sinks + a ring.
#pragma once

#include "status.h"

#include <cstdint>
#include <vector>

namespace swaa {

struct LayerAttention {
    bool fa_document = false;  // full attention while reading the document
    bool fa_question = false;  // ... while reading the question
    bool fa_decode = false;    // ... while generating
    bool full_cache() const { return fa_document || fa_question || fa_decode; }
};

struct ResolvedRecipe {
    swaa_recipe recipe{};
    bool windowed = false;       // window != NONE
    int32_t window = 0;          // W
    int32_t sinks = 0;           // k
    std::vector<LayerAttention> layers;

    bool layer_full_in(int il, swaa_phase phase) const;
};

// Validates and expands a recipe for a model with n_layer layers.
Status resolve_recipe(const swaa_recipe & recipe, int32_t n_layer, ResolvedRecipe & out);

// True if key position j is visible to query position i in an SWA layer (docs/swaa.md semantics).
inline bool swa_visible(int64_t i, int64_t j, int64_t window, int64_t sinks) {
    return j <= i && (i - j <= window || j < sinks);
}

}  // namespace swaa
