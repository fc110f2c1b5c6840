/**
 * The FLOP model of a prefill: what a recipe can save at best. Matrix multiplications cost the same
 * for every recipe; attention costs 4·n_head·head_dim FLOPs per (query, key row, layer) — 2·head_dim
 * for the q·k dot product and 2·head_dim for the weighted sum of v, per query head. The runtime
 * reports the attention work it scheduled as attnRows (queries × key rows read, summed over layers and
 * chunks), so the limit of a recipe's speed-up over full attention is
 *
 *   limit = (matmul + 4·H·d·rows_full) / (matmul + 4·H·d·rows_recipe)
 *
 * The runtime skips work no logit depends on: a chunk before a prefill call's last stops after the
 * last layer's keys and values are written (no q/o projection, attention or FFN there), and the last
 * layer's FFN runs only on the rows whose logits are kept. The matmul term counts exactly that.
 *
 * Norms, RoPE, softmax exponentials and the SwiGLU product are left out (O(n_embd) per token, < 1%).
 */

/** The layer shape that sets the FLOPs of a dense llama/qwen-style transformer. */
export interface ModelShape {
  nLayer: number;
  nEmbd: number;
  nHead: number;
  nHeadKv: number;
  headDim: number;
  nFf: number;
  nVocab: number;
}

/** Weights multiplied per token in one layer: q, k, v, o projections and the gated FFN (gate, up, down). */
export function layerMatmulParams(s: ModelShape): number {
  const q = s.nEmbd * s.nHead * s.headDim;
  const kv = 2 * s.nEmbd * s.nHeadKv * s.headDim;
  const o = s.nHead * s.headDim * s.nEmbd;
  const ffn = 3 * s.nEmbd * s.nFf;
  return q + kv + o + ffn;
}

/** Matmul FLOPs for one token through every layer (2 FLOPs per weight: multiply and add). */
export function matmulFlopsPerToken(s: ModelShape): number {
  return 2 * s.nLayer * layerMatmulParams(s);
}

/** FLOPs of the output projection for one row of logits. */
export function lmHeadFlopsPerRow(s: ModelShape): number {
  return 2 * s.nEmbd * s.nVocab;
}

/** FLOPs per (query, key row) in one layer: QKᵀ and PV over every query head. */
export function attnFlopsPerRow(s: ModelShape): number {
  return 4 * s.nHead * s.headDim;
}

export interface PrefillWork {
  /** Prompt tokens run through the layers. */
  tokens: number;
  /** Tokens in the final chunk of each prefill call: the only ones the last layer attends for. */
  finalChunkTokens: number;
  /** Rows of logits computed (1 per prefill call when only the last is kept). */
  logitRows: number;
  /** Queries × key rows read, summed over layers and chunks (the runtime's attnRows*). */
  attnRows: number;
}

export interface FlopBreakdown {
  matmul: number;
  lmHead: number;
  attention: number;
  total: number;
}

export function prefillFlops(s: ModelShape, w: PrefillWork): FlopBreakdown {
  const qo = 2 * s.nEmbd * s.nHead * s.headDim;
  const kv = 2 * s.nEmbd * s.nHeadKv * s.headDim;
  const ffn = 3 * s.nEmbd * s.nFf;
  const earlierLayers = (s.nLayer - 1) * layerMatmulParams(s);
  const matmul = 2 * (w.tokens * (earlierLayers + kv) + w.finalChunkTokens * qo + w.logitRows * ffn);
  const lmHead = w.logitRows * lmHeadFlopsPerRow(s);
  const attention = w.attnRows * attnFlopsPerRow(s);
  return { matmul, lmHead, attention, total: matmul + lmHead + attention };
}

/** The FLOP-model limit of a recipe's prefill speed-up over full attention on the same prompt. */
export function speedupLimit(s: ModelShape, full: PrefillWork, recipe: PrefillWork): number {
  return prefillFlops(s, full).total / prefillFlops(s, recipe).total;
}

/** One prefill call: `tokens` tokens appended at position `start`. */
export interface Segment { start: number; tokens: number }

/** Tokens in the final chunk of each call. */
export function finalChunkTokens(segments: readonly Segment[], chunk: number): number {
  return segments.reduce((sum, seg) => sum + (seg.tokens > 0 ? seg.tokens - chunk * Math.floor((seg.tokens - 1) / chunk) : 0), 0);
}

/** How one layer attends while prefilling: full attention, or window W (previous tokens) + k sinks. */
export type LayerAttention = { window: null } | { window: number; sinks: number };

/**
 * Key rows the chunked planner reads for one layer, as DESIGN.md specifies it: a chunk of queries
 * [s, s+C) reads rows [0, s+C) under full attention, and [0, k) ∪ [max(k, s−W), s+C) under a
 * window (sinks and window are a union; a sink range past the chunk's end is cut there).
 * Returns Σ over chunks of C × rows — the count the runtime reports, masked cells included.
 * `finalChunkOnly` counts only each call's last chunk (the model's last layer, see prefillFlops).
 */
export function plannedLayerRows(segments: readonly Segment[], chunk: number, attn: LayerAttention,
                                 finalChunkOnly = false): number {
  let rows = 0;
  for (const seg of segments) {
    for (let s = seg.start; s < seg.start + seg.tokens; s += chunk) {
      const c = Math.min(chunk, seg.start + seg.tokens - s);
      if (finalChunkOnly && s + c < seg.start + seg.tokens) continue;
      const end = s + c;
      let read: number;
      if (attn.window === null) {
        read = end;
      } else {
        const sinkEnd = Math.min(attn.sinks, end);
        const lo = Math.max(sinkEnd, s - attn.window);
        read = sinkEnd + (end - lo);
      }
      rows += c * read;
    }
  }
  return rows;
}
