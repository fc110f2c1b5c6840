// The planner's full-attention view: aligned like llama.cpp's, padding masked and not counted.
#include "attention_plan.h"
#include "check.h"

#include "ggml-cpu.h"

#include <cmath>
#include <vector>

namespace {

// A full-attention recipe over two layers (windowed = false: every layer keeps the full cache).
swaa::ResolvedRecipe full_recipe() {
    swaa::ResolvedRecipe r;
    r.layers.resize(2);
    return r;
}

}  // namespace

TEST_CASE("plan", "full attention reads a 256-row-aligned view; padding rows are masked and not counted") {
    const swaa::ResolvedRecipe recipe = full_recipe();
    swaa::KvCache cache;
    REQUIRE(cache.init(recipe, 1000, 64, 8, 8, GGML_TYPE_F16, ggml_backend_cpu_buffer_type()).is_ok());

    swaa::AttnPlan plan;
    swaa::plan_chunk(swaa::AttnKind::Full, recipe, cache, 300, 20, plan);  // queries 300..319
    CHECK(plan.n_kv() == 512);
    CHECK(plan.padding == 192);
    CHECK(plan.n_attended() == 320);
    std::vector<ggml_fp16_t> mask((size_t) 20 * plan.n_kv());
    swaa::fill_mask(plan, recipe, 300, 20, mask.data());
    for (int q = 0; q < 20; q++) {
        const ggml_fp16_t * row = mask.data() + (size_t) q * plan.n_kv();
        for (int c = 0; c < plan.n_kv(); c++) {
            const bool visible = c <= 300 + q;
            const float v = ggml_fp16_to_fp32(row[c]);
            CHECK_MSG(visible ? v == 0.0f : std::isinf(v) && v < 0, "query " + std::to_string(300 + q) + ", row " + std::to_string(c));
        }
    }
    for (int c = 320; c < plan.n_kv(); c++) CHECK(plan.key_pos[c] == -1);

    // The first token still reads a whole aligned block; the last chunk is cut at the cache's end.
    swaa::plan_chunk(swaa::AttnKind::Full, recipe, cache, 0, 1, plan);
    CHECK(plan.n_kv() == 256);
    CHECK(plan.n_attended() == 1);
    swaa::plan_chunk(swaa::AttnKind::Full, recipe, cache, 900, 100, plan);
    CHECK(plan.n_kv() == 1000);
    CHECK(plan.padding == 0);
    swaa::plan_chunk(swaa::AttnKind::Full, recipe, cache, 512, 256, plan);  // already aligned
    CHECK(plan.n_kv() == 768);
    CHECK(plan.padding == 0);
}
