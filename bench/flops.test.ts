/**
 * The FLOP model (flops.ts) on a shape small enough to count by hand.
 * Run: node --import tsx --test bench/flops.test.ts
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  attnFlopsPerRow, finalChunkTokens, layerMatmulParams, lmHeadFlopsPerRow, matmulFlopsPerToken, plannedLayerRows, prefillFlops, speedupLimit,
  type ModelShape,
} from './flops.js';
import { plannedPrefillRows } from './summary.js';

/** 2 layers, hidden 8, 2 query heads / 1 KV head of size 4, FFN 16, 10-token vocabulary. */
const TINY: ModelShape = { nLayer: 2, nEmbd: 8, nHead: 2, nHeadKv: 1, headDim: 4, nFf: 16, nVocab: 10 };

test('matmul weights per layer: q 8·8 + k,v 2·8·4 + o 8·8 + FFN 3·8·16', () => {
  assert.equal(layerMatmulParams(TINY), 64 + 64 + 64 + 384);
  assert.equal(matmulFlopsPerToken(TINY), 2 * 2 * 576);
  assert.equal(lmHeadFlopsPerRow(TINY), 2 * 8 * 10);
  assert.equal(attnFlopsPerRow(TINY), 4 * 2 * 4);
});

test("Qwen3-0.6B's shape has its 0.44B non-embedding parameters", () => {
  const qwen3: ModelShape = { nLayer: 28, nEmbd: 1024, nHead: 16, nHeadKv: 8, headDim: 128, nFf: 3072, nVocab: 151936 };
  assert.equal(layerMatmulParams(qwen3) * 28, 440_401_920);
  assert.equal(matmulFlopsPerToken(qwen3), 880_803_840);
  assert.equal(attnFlopsPerRow(qwen3), 8192);
});

test('full attention reads every row up to the end of the chunk (masked cells of the chunk included)', () => {
  // chunks [0,4) [4,8) [8,10): 4·4 + 4·8 + 2·10
  assert.equal(plannedLayerRows([{ start: 0, tokens: 10 }], 4, { window: null }), 68);
  // a question appended at 10: one chunk [10,13) reads 13 rows
  assert.equal(plannedLayerRows([{ start: 10, tokens: 3 }], 4, { window: null }), 39);
});

test('a window reads the sinks and the last W rows before the chunk (union, cut at the chunk end)', () => {
  // W=3, k=1: [0,4) reads 4; [4,8) reads [0,1)∪[1,8) = 8; [8,10) reads [0,1)∪[5,10) = 6
  assert.equal(plannedLayerRows([{ start: 0, tokens: 10 }], 4, { window: 3, sinks: 1 }), 4 * 4 + 4 * 8 + 2 * 6);
  // W=2, no sinks, chunk 2: [0,2) 2, [2,4) 4, [4,6) reads [2,6) = 4
  assert.equal(plannedLayerRows([{ start: 0, tokens: 6 }], 2, { window: 2, sinks: 0 }), 4 + 8 + 8);
  // sinks longer than the prompt: only the rows that exist
  assert.equal(plannedLayerRows([{ start: 0, tokens: 3 }], 4, { window: 1, sinks: 100 }), 3 * 3);
});

test('a call\'s final chunk: what is left after the whole chunks', () => {
  assert.equal(finalChunkTokens([{ start: 0, tokens: 10 }], 4), 2);
  assert.equal(finalChunkTokens([{ start: 0, tokens: 8 }, { start: 8, tokens: 3 }], 4), 4 + 3);
  assert.equal(finalChunkTokens([{ start: 0, tokens: 0 }], 4), 0);
});

test('the last layer attends only in a call\'s final chunk (earlier chunks stop at its keys and values)', () => {
  // chunks [0,4) [4,8) [8,10): only [8,10) counts, 2 queries × 10 rows
  assert.equal(plannedLayerRows([{ start: 0, tokens: 10 }], 4, { window: null }, true), 20);
});

test('prefill FLOPs and the speed-up limit of a windowed recipe', () => {
  // 10 tokens in chunks of 4 (final chunk 2 tokens). Layer 0: every token through q,k,v,o and the FFN
  // (576 weights); layer 1 (the last): k,v for all 10, q,o for the final 2, the FFN for the 1 logit row.
  // Full attention rows: layer 0 68, layer 1 2·10; window W=3, k=1: layer 0 60, layer 1 2·6.
  const full = { tokens: 10, finalChunkTokens: 2, logitRows: 1, attnRows: 68 + 20 };
  const swa = { tokens: 10, finalChunkTokens: 2, logitRows: 1, attnRows: 60 + 12 };
  const matmul = 2 * (10 * (576 + 64) + 2 * 128 + 1 * 384);
  assert.equal(matmul, 14080);
  assert.deepEqual(prefillFlops(TINY, full), { matmul, lmHead: 160, attention: 88 * 32, total: matmul + 160 + 88 * 32 });
  assert.deepEqual(prefillFlops(TINY, swa), { matmul, lmHead: 160, attention: 72 * 32, total: matmul + 160 + 72 * 32 });
  assert.equal(speedupLimit(TINY, full, swa), (matmul + 160 + 88 * 32) / (matmul + 160 + 72 * 32));
  assert.equal(speedupLimit(TINY, full, full), 1);
});

test('recipe rows per layer: odd FA layers attend fully, the others use the window in both prompt phases', () => {
  const recipe = { window: 3, sinks: 1, faLayers: { kind: 'odd' as const }, faDecode: true, questionFa: false };
  // layer 0 (SWA): document 60 + question [10,13) reads [0,1)∪[7,13) = 7 rows × 3 = 21; layer 1 (FA,
  // the last layer): the document's final chunk [8,10) 2·10 + the question's only chunk 39
  assert.equal(plannedPrefillRows(recipe, 2, 10, 3, 4), 60 + 21 + 20 + 39);
  assert.equal(plannedPrefillRows({ ...recipe, questionFa: true }, 2, 10, 3, 4), 60 + 39 + 20 + 39);
  assert.equal(plannedPrefillRows(null, 2, 10, 3, 4), 68 + 39 + 20 + 39);
});
