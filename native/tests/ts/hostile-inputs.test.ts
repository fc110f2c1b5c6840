/**
 * Malformed native inputs seen through the addon: a model whose rope dimension count is odd, a header
 * declaring 80k tensors and a cut saved state each reject with the runtime's specific code, and the
 * same process then loads the demo model and answers from a restored state as before.
 * (Each validation is covered in depth by the native tests: native/tests/test_malformed_*.cc.)
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadModel, SwaaError } from '../../addon/index.js';
import { demoModelPath, longDocument, missingPrerequisite } from './fixtures.js';

const skip = missingPrerequisite();
const isCode = (code: string) => (e: unknown) => e instanceof SwaaError && e.code === code;

/** The demo model with the u32 value of a metadata key replaced (the value follows the key and its type tag). */
function withU32(bytes: Buffer, key: string, value: number): Buffer {
  const copy = Buffer.from(bytes);
  const at = copy.indexOf(Buffer.from(key, 'utf8'));
  assert.ok(at > 0, `${key} is in the demo model`);
  copy.writeUInt32LE(value, at + key.length + 4);
  return copy;
}

test('malformed models and states reject with their code; the runtime keeps working', { skip: skip ?? false }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'swaa-hostile-'));
  const demo = readFileSync(demoModelPath);
  const m = await loadModel(demoModelPath, { device: 'cpu' });

  // An odd head size: rope (which rotates all of it here) would get an odd dimension count.
  const oddRope = join(dir, 'odd-rope.gguf');
  const odd = m.info.headDim - 1;
  writeFileSync(oddRope, withU32(withU32(demo, 'qwen3.attention.key_length', odd), 'qwen3.attention.value_length', odd));
  await assert.rejects(loadModel(oddRope, { device: 'cpu' }),
    (e: unknown) => isCode('SWAA_ERR_BAD_METADATA')(e) && (e as Error).message.includes('odd'));

  const manyTensors = join(dir, 'many-tensors.gguf');
  const header = Buffer.from(demo);
  header.writeBigInt64LE(80_000n, 8);  // GGUF: magic, u32 version, i64 tensor count
  writeFileSync(manyTensors, header);
  await assert.rejects(loadModel(manyTensors, { device: 'cpu' }), isCode('SWAA_ERR_BAD_METADATA'));

  const recipe = { window: 64, sinks: 4, faLayers: { kind: 'none' as const }, faDecode: false, questionFa: false };
  const doc = m.tokenize(longDocument(20));
  const question = m.tokenize('\nQuestion: What is the access code of Mira Castell?\nAnswer:');
  const ctx = m.createContext({ contextSize: 1024, chunkSize: 64, recipe });
  await ctx.prefill(doc, { phase: 'document' });
  ctx.checkpoint();
  const statePath = join(dir, 'doc.state');
  await ctx.saveState(statePath);
  await ctx.prefill(question, { phase: 'question' });
  const want = Array.from(ctx.logits());

  const cut = join(dir, 'cut.state');
  const state = readFileSync(statePath);
  writeFileSync(cut, state.subarray(0, state.length - 9));
  const fresh = m.createContext({ contextSize: 1024, chunkSize: 64, recipe });
  await assert.rejects(fresh.loadState(cut), isCode('SWAA_ERR_STATE_CORRUPT'));
  await fresh.loadState(statePath);
  await fresh.prefill(question, { phase: 'question' });
  assert.deepEqual(Array.from(fresh.logits()), want);
  ctx.dispose();
  fresh.dispose();
});
