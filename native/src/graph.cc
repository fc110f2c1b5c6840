// The transformer forward graph (llama, qwen2, qwen3).
#include "graph.h"

#include <cmath>

namespace swaa {

namespace {

ggml_tensor * rms_norm(ggml_context * ctx, ggml_tensor * x, ggml_tensor * weight, float eps) {
    return ggml_mul(ctx, ggml_rms_norm(ctx, x, eps), weight);
}

// View of cache rows [begin, end) as [head_dim, rows, n_head_kv] (the layout flash attention reads).
ggml_tensor * cache_rows(ggml_context * ctx, ggml_tensor * cache, int32_t head_dim, int32_t n_head_kv, RowRange r) {
    return ggml_view_3d(ctx, cache, head_dim, r.end - r.begin, n_head_kv, cache->nb[1],
                        ggml_row_size(cache->type, head_dim), (size_t) r.begin * cache->nb[1]);
}

ggml_tensor * gather_rows(ggml_context * ctx, ggml_tensor * cache, int32_t head_dim, int32_t n_head_kv, const AttnPlan & plan) {
    ggml_tensor * out = cache_rows(ctx, cache, head_dim, n_head_kv, plan.ranges[0]);
    for (size_t i = 1; i < plan.ranges.size(); i++) {
        // Sinks and window are disjoint row ranges: one copy of (k + W + n) rows, not of the cache.
        out = ggml_concat(ctx, out, cache_rows(ctx, cache, head_dim, n_head_kv, plan.ranges[i]), 1);
    }
    return out;
}

// W x, plus scale * B (A x) when a LoRA adapter adapts W.
ggml_tensor * matmul(ggml_context * ctx, const ChunkShape & shape, ggml_tensor * w, ggml_tensor * x) {
    ggml_tensor * y = ggml_mul_mat(ctx, w, x);
    if (!shape.lora) return y;
    const LoraPair * p = shape.lora->find(w);
    if (!p) return y;
    const float rank = (float) p->b->ne[0];
    const float scale = shape.lora->alpha() != 0.0f ? shape.lora_scale * shape.lora->alpha() / rank : shape.lora_scale;
    ggml_tensor * ab = ggml_mul_mat(ctx, p->b, ggml_mul_mat(ctx, p->a, x));
    return ggml_add(ctx, y, ggml_scale(ctx, ab, scale));
}

}  // namespace

ChunkInputs build_chunk_graph(ggml_context * ctx, ggml_cgraph * gf, const Model & model, const KvCache & cache,
                              const ChunkShape & shape) {
    const HParams & hp = model.hparams;
    const Weights & w = model.weights;
    const int32_t n = shape.n;
    ChunkInputs in;

    in.tokens = ggml_new_tensor_1d(ctx, GGML_TYPE_I32, n);
    ggml_set_name(in.tokens, "inp_tokens");
    ggml_set_input(in.tokens);
    in.positions = ggml_new_tensor_1d(ctx, GGML_TYPE_I32, n);
    ggml_set_name(in.positions, "inp_pos");
    ggml_set_input(in.positions);
    in.slots_full = ggml_new_tensor_1d(ctx, GGML_TYPE_I64, n);
    ggml_set_name(in.slots_full, "inp_slots_full");
    ggml_set_input(in.slots_full);
    if (cache.has_ring_layers()) {
        in.slots_ring = ggml_new_tensor_1d(ctx, GGML_TYPE_I64, n);
        ggml_set_name(in.slots_ring, "inp_slots_ring");
        ggml_set_input(in.slots_ring);
    }
    for (int k = 0; k < 3; k++) {
        if (!shape.plans[k]) continue;
        in.masks[k] = ggml_new_tensor_2d(ctx, GGML_TYPE_F16, shape.plans[k]->n_kv(), n);
        ggml_format_name(in.masks[k], "inp_mask_%d", k);
        ggml_set_input(in.masks[k]);
    }

    if (shape.n_out > 0 && shape.n_out < n) {
        in.out_ids = ggml_new_tensor_1d(ctx, GGML_TYPE_I32, shape.n_out);
        ggml_set_name(in.out_ids, "inp_out_ids");
        ggml_set_input(in.out_ids);
    }

    const float kq_scale = 1.0f / std::sqrt((float) hp.head_dim);
    ggml_tensor * cur = ggml_get_rows(ctx, w.tok_embd, in.tokens);  // [n_embd, n]

    for (int il = 0; il < hp.n_layer; il++) {
        const LayerWeights & L = w.layers[il];
        ggml_tensor * residual = cur;
        cur = rms_norm(ctx, cur, L.attn_norm, hp.rms_eps);

        ggml_tensor * q = matmul(ctx, shape, L.wq, cur);
        ggml_tensor * k = matmul(ctx, shape, L.wk, cur);
        ggml_tensor * v = matmul(ctx, shape, L.wv, cur);
        if (L.bq) q = ggml_add(ctx, q, L.bq);
        if (L.bk) k = ggml_add(ctx, k, L.bk);
        if (L.bv) v = ggml_add(ctx, v, L.bv);
        q = ggml_reshape_3d(ctx, q, hp.head_dim, hp.n_head, n);
        k = ggml_reshape_3d(ctx, k, hp.head_dim, hp.n_head_kv, n);
        if (L.q_norm) q = rms_norm(ctx, q, L.q_norm, hp.rms_eps);
        if (L.k_norm) k = rms_norm(ctx, k, L.k_norm, hp.rms_eps);
        q = ggml_rope_ext(ctx, q, in.positions, w.rope_freqs, hp.n_rot, hp.rope_mode, hp.rope_ctx_orig,
                          hp.rope_freq_base, hp.rope_freq_scale, hp.yarn_ext_factor, hp.yarn_attn_factor,
                          hp.yarn_beta_fast, hp.yarn_beta_slow);
        k = ggml_rope_ext(ctx, k, in.positions, w.rope_freqs, hp.n_rot, hp.rope_mode, hp.rope_ctx_orig,
                          hp.rope_freq_base, hp.rope_freq_scale, hp.yarn_ext_factor, hp.yarn_attn_factor,
                          hp.yarn_beta_fast, hp.yarn_beta_slow);

        // Write this chunk's keys and values into the cache before attention reads them.
        ggml_tensor * slots = cache.is_full(il) ? in.slots_full : in.slots_ring;
        ggml_tensor * k_cache = cache.k(il);
        ggml_tensor * v_cache = cache.v(il);
        ggml_build_forward_expand(gf, ggml_set_rows(ctx, k_cache, ggml_reshape_2d(ctx, k, hp.n_embd_k_gqa(), n), slots));
        ggml_build_forward_expand(gf, ggml_set_rows(ctx, v_cache, ggml_reshape_2d(ctx, v, hp.n_embd_v_gqa(), n), slots));
        if (shape.n_out == 0 && il == hp.n_layer - 1) return in;  // keys and values are all this chunk leaves

        const AttnKind kind = shape.layer_kind[il];
        const AttnPlan & plan = *shape.plans[(int) kind];
        ggml_tensor * keys = gather_rows(ctx, k_cache, hp.head_dim, hp.n_head_kv, plan);
        ggml_tensor * values = gather_rows(ctx, v_cache, hp.head_dim_v, hp.n_head_kv, plan);
        q = ggml_permute(ctx, q, 0, 2, 1, 3);  // [head_dim, n, n_head]
        ggml_tensor * attn = ggml_flash_attn_ext(ctx, q, keys, values, in.masks[(int) kind], kq_scale, 0.0f, 0.0f);
        ggml_prec_set_acc(attn, GGML_PREC_F32);
        cur = ggml_reshape_2d(ctx, attn, hp.head_dim_v * hp.n_head, n);  // attn is [head_dim, n_head, n]
        cur = matmul(ctx, shape, L.wo, cur);
        if (in.out_ids && il == hp.n_layer - 1) {
            // Past the last layer's attention only the rows whose logits are wanted matter (every
            // row's key and value are already in the cache): its FFN runs on those rows alone.
            cur = ggml_get_rows(ctx, cur, in.out_ids);
            residual = ggml_get_rows(ctx, residual, in.out_ids);
        }
        cur = ggml_add(ctx, cur, residual);

        residual = cur;
        cur = rms_norm(ctx, cur, L.ffn_norm, hp.rms_eps);
        ggml_tensor * gate = matmul(ctx, shape, L.ffn_gate, cur);
        ggml_tensor * up = matmul(ctx, shape, L.ffn_up, cur);
        cur = matmul(ctx, shape, L.ffn_down, ggml_swiglu_split(ctx, gate, up));
        cur = ggml_add(ctx, cur, residual);
    }

    cur = rms_norm(ctx, cur, w.output_norm, hp.rms_eps);
    in.logits = ggml_mul_mat(ctx, w.output, cur);
    ggml_set_name(in.logits, "logits");
    ggml_set_output(in.logits);
    ggml_build_forward_expand(gf, in.logits);
    return in;
}

}  // namespace swaa
