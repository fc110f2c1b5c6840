/**
 * The fit advisor's arithmetic: exact numbers from the runtime's KV layout, and the largest context.
 * (The same formula against the runtime's own estimateKvBytes is checked in catalog.test.ts.)
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Recipe } from '../../shared/contract.js';
import { adviseFit, COMPUTE_ALLOWANCE_BYTES, fullCacheLayers, kvBytes, largestContext, MACHINE_FRACTION } from './fit.js';

const GiB = 2 ** 30;
const FULL: Recipe = { window: null, sinks: 0, faLayers: { kind: 'none' }, faDecode: false, questionFa: false };
const SWA_ODD: Recipe = { window: 2048, sinks: 100, faLayers: { kind: 'odd' }, faDecode: false, questionFa: false };
/** Qwen3-4B's shape: 36 layers, 8 KV heads of 128. */
const QWEN3_4B = { nLayer: 36, nHeadKv: 8, headDim: 128 };

test('full attention: 2 (K,V) × 2 bytes × heads × dim per token per layer', () => {
  assert.equal(kvBytes(QWEN3_4B, 32768, 512, FULL), 36 * 32768 * 2 * 2 * 8 * 128); // 4.5 GiB
  assert.equal(kvBytes(QWEN3_4B, 32768, 512, FULL), 4.5 * GiB);
});

test('windowed: FA layers keep every row, the others sinks + window + chunk', () => {
  const ring = 100 + 2048 + 512;
  assert.equal(kvBytes(QWEN3_4B, 32768, 512, SWA_ODD), (18 * 32768 + 18 * ring) * 4096);
  // FA decode makes every layer keep its rows (no saving), as the runtime allocates.
  assert.equal(kvBytes(QWEN3_4B, 32768, 512, { ...SWA_ODD, faDecode: true }), kvBytes(QWEN3_4B, 32768, 512, FULL));
  // A ring as long as the context saves nothing: every layer keeps n_ctx rows.
  assert.equal(kvBytes(QWEN3_4B, 2048, 512, SWA_ODD), kvBytes(QWEN3_4B, 2048, 512, FULL));
  // FA decode on listed layers only.
  assert.deepEqual(fullCacheLayers({ ...SWA_ODD, faLayers: { kind: 'none' }, faDecode: [0, 2] }, 4), [true, false, true, false]);
  assert.deepEqual(fullCacheLayers({ ...SWA_ODD, faLayers: { kind: 'everyN', n: 3, offset: 1 } }, 7), [false, true, false, false, true, false, false]);
});

test('largest context: the biggest multiple of 256 whose need fits, 0 when none', () => {
  assert.equal(largestContext((c) => c * 10, 10 * 5000, 32768), 4864);
  assert.equal(largestContext((c) => c * 10, 100, 32768), 0);
  assert.equal(largestContext(() => 0, 1, 8192), 8192);
});

test('advice: verdicts against free memory and the machine, and the largest context', () => {
  const base = { weightBytes: 2.5 * GiB, shape: QWEN3_4B, recipe: FULL, contextSize: 8192, chunkSize: 512, trainedContext: 32768 };
  const kv8k = 36 * 8192 * 4096;
  const fits = adviseFit({ ...base, freeBytes: 8 * GiB, totalBytes: 16 * GiB });
  assert.equal(fits.verdict, 'fits');
  assert.equal(fits.totalBytes, 2.5 * GiB + kv8k + COMPUTE_ALLOWANCE_BYTES);
  // free 8 GiB: weights 2.5 + allowance 0.25 leave 5.25 GiB of KV = 5.25 GiB / 147456 B per token = 38229 → capped at the trained 32768.
  assert.equal(fits.maxContextNow, 32768);
  const tight = adviseFit({ ...base, freeBytes: 3 * GiB, totalBytes: 16 * GiB });
  assert.equal(tight.verdict, 'tight');
  // 3 − 2.75 = 0.25 GiB of KV / 147456 = 1820 tokens → 1792.
  assert.equal(tight.maxContextNow, 1792);
  assert.equal(tight.maxContextMachine, 32768);
  const no = adviseFit({ ...base, weightBytes: 12 * GiB, freeBytes: 16 * GiB, totalBytes: 16 * GiB });
  assert.equal(no.verdict, 'too-large');
  assert.equal(no.machineBudgetBytes, Math.floor(16 * GiB * MACHINE_FRACTION));
  assert.match(no.summary, /weights 12\.0 GiB/);
  const unknown = adviseFit({ ...base, weightBytes: null, freeBytes: 8 * GiB, totalBytes: 16 * GiB });
  assert.equal(unknown.verdict, 'unknown');
  assert.equal(unknown.totalBytes, null);
});

test('a document longer than the trained context is flagged, with what it would need', () => {
  const a = adviseFit({ weightBytes: 1 * GiB, shape: QWEN3_4B, recipe: SWA_ODD, contextSize: 8192, chunkSize: 512, trainedContext: 8192,
    freeBytes: 64 * GiB, totalBytes: 64 * GiB, documentTokens: 29_000 });
  assert.deepEqual(a.document, { tokens: 29_000, needsContext: 29_512, beyondTrained: true, beyondMemory: false });
  const b = adviseFit({ weightBytes: 1 * GiB, shape: QWEN3_4B, recipe: FULL, contextSize: 8192, chunkSize: 512, trainedContext: 131072,
    freeBytes: 4 * GiB, totalBytes: 4 * GiB, documentTokens: 100_000 });
  assert.equal(b.document?.beyondTrained, false);
  assert.equal(b.document?.beyondMemory, true);
});
