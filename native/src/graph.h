// Builds the ggml forward graph of one chunk for llama / qwen2 / qwen3: embeddings, per layer
// RMSNorm → Q/K/V (+bias, +q/k norm) → RoPE → KV write → attention over the planned rows → FFN,
// then the final norm and the output projection for the rows whose logits are wanted.
#pragma once

#include "attention_plan.h"
#include "kv_cache.h"
#include "lora_adapter.h"
#include "model.h"

#include <array>

namespace swaa {

struct ChunkInputs {
    ggml_tensor * tokens = nullptr;      // I32 [n]
    ggml_tensor * positions = nullptr;   // I32 [n]
    ggml_tensor * slots_full = nullptr;  // I64 [n]: rows written in full layers
    ggml_tensor * slots_ring = nullptr;  // I64 [n]: rows written in ring layers
    std::array<ggml_tensor *, 3> masks{};  // F16 [n_kv, n] per AttnKind (null when unused)
    ggml_tensor * out_ids = nullptr;     // I32 [n_out]: rows whose logits are computed
    ggml_tensor * logits = nullptr;      // F32 [n_vocab, n_out]
};

struct ChunkShape {
    int32_t n = 0;        // tokens in the chunk
    int32_t n_out = 0;    // rows with logits (0: the chunk only fills the KV cache)
    std::array<const AttnPlan *, 3> plans{};  // per AttnKind, null when no layer uses it
    std::vector<AttnKind> layer_kind;         // per layer
    const LoraAdapter * lora = nullptr;       // applied to every weight it adapts, when set
    float lora_scale = 1.0f;
};

// Adds the chunk's nodes to gf (ctx must be no_alloc). Returns the input/output tensors.
ChunkInputs build_chunk_graph(ggml_context * ctx, ggml_cgraph * gf, const Model & model, const KvCache & cache,
                              const ChunkShape & shape);

constexpr int kGraphMaxNodes = 16384;

}  // namespace swaa
