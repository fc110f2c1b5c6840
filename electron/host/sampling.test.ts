/**
 * Sampling: the GGUF header reader, per-model defaults (demo greedy, the file's general.sampling.*,
 * else llama.cpp's), overrides kept per model, concrete seeds per run, and the contract's ranges.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { writeFileSync } from 'node:fs';
import { GGUFWriter, GGUFValueType } from '../../native/tests/support/gguf-writer.js';
import { readGgufMetadata } from './engine/gguf-meta.js';
import {
  DEMO_SAMPLING_DEFAULTS, RUNTIME_SAMPLING_DEFAULTS, ggufSamplingDefaults, modelSamplingDefaults, runSampling,
  samplingInfo, setSamplingOverrides,
} from './sampling.js';
import { Library } from './library/library.js';
import { parseRequest } from '../shared/contract.js';
import { tempDir } from '../test/fixtures.js';

function writeGguf(dir: string, name: string, fill: (w: GGUFWriter) => void): string {
  const w = new GGUFWriter();
  w.string('general.architecture', 'qwen3');
  // A vocabulary-sized array before the keys, as real files have: it must be skipped, not decoded.
  w.stringArray('tokenizer.ggml.tokens', Array.from({ length: 5000 }, (_, i) => `tok${i}`));
  w.f32Array('tokenizer.ggml.scores', new Float32Array(5000));
  fill(w);
  const path = join(dir, name);
  w.write(path);
  return path;
}

test('reads scalar keys after large arrays and refuses what is not a GGUF', () => {
  const { dir, cleanup } = tempDir();
  try {
    const path = writeGguf(dir, 'm.gguf', (w) => { w.f32('general.sampling.temp', 0.6); w.u32('general.sampling.top_k', 20); w.string('general.name', 'M'); });
    const meta = readGgufMetadata(path);
    assert.equal(meta.get('general.architecture'), 'qwen3');
    assert.equal(meta.get('general.name'), 'M');
    assert.equal(meta.get('general.sampling.top_k'), 20);
    assert.ok(Math.abs((meta.get('general.sampling.temp') as number) - 0.6) < 1e-6);
    assert.equal(meta.has('tokenizer.ggml.tokens'), false, 'arrays are skipped');
    const bad = join(dir, 'bad.gguf');
    writeFileSync(bad, 'not a model');
    assert.throws(() => readGgufMetadata(bad), /GGUF/);
  } finally { cleanup(); }
});

test('a model file’s published sampling becomes its defaults; what it leaves out comes from llama.cpp', () => {
  const { dir, cleanup } = tempDir();
  try {
    const path = writeGguf(dir, 'pub.gguf', (w) => {
      w.f32('general.sampling.temp', 0.6);
      w.set('general.sampling.top_p', { type: GGUFValueType.FLOAT64, value: 0.8 });
      w.u32('general.sampling.top_k', 20);
      w.f32('general.sampling.penalty_repeat', 1.05);
      w.i32('general.sampling.penalty_last_n', -1); // "the whole context": out of our range, ignored
    });
    assert.deepEqual(ggufSamplingDefaults(path), { temperature: 0.6, topP: 0.8, topK: 20, repeatPenalty: 1.05 });
    const d = modelSamplingDefaults({ path, isDemo: false });
    assert.equal(d.defaultsFrom, 'gguf');
    assert.deepEqual(d.defaults, { ...RUNTIME_SAMPLING_DEFAULTS, temperature: 0.6, topP: 0.8, topK: 20, repeatPenalty: 1.05 });
    const plain = writeGguf(dir, 'plain.gguf', () => undefined);
    assert.deepEqual(modelSamplingDefaults({ path: plain, isDemo: false }), { defaults: RUNTIME_SAMPLING_DEFAULTS, defaultsFrom: 'runtime' });
    assert.equal(RUNTIME_SAMPLING_DEFAULTS.temperature, 0.8);
    assert.equal(RUNTIME_SAMPLING_DEFAULTS.topP, 0.95);
    assert.equal(RUNTIME_SAMPLING_DEFAULTS.repeatPenalty, 1);
    const demo = modelSamplingDefaults({ path: plain, isDemo: true });
    assert.equal(demo.defaultsFrom, 'demo');
    assert.equal(demo.defaults.temperature, 0, 'the demo model answers greedily');
  } finally { cleanup(); }
});

test('overrides are kept per model, drop values equal to the defaults, and reset with {}', () => {
  const lib = new Library(':memory:');
  const a = lib.upsertModel({ id: 'demo', path: '/nowhere/demo.gguf', name: 'Demo', isDemo: true, fileBytes: 0, info: null });
  const b = lib.upsertModel({ path: '/nowhere/b.gguf', name: 'B', isDemo: false, fileBytes: 0, info: null });
  const info = setSamplingOverrides(lib, a, { temperature: 0.7, seed: 7, topK: DEMO_SAMPLING_DEFAULTS.topK });
  assert.deepEqual(info.overrides, { temperature: 0.7, seed: 7 });
  assert.deepEqual(info.effective, { ...DEMO_SAMPLING_DEFAULTS, temperature: 0.7, seed: 7 });
  assert.deepEqual(samplingInfo(lib, b).overrides, {}, 'another model keeps its own');
  assert.deepEqual(setSamplingOverrides(lib, a, {}).effective, DEMO_SAMPLING_DEFAULTS);
  lib.close();
});

test('a run gets a concrete seed: the one set, or a fresh draw', () => {
  assert.equal(runSampling({ ...DEMO_SAMPLING_DEFAULTS, seed: 5 }, undefined).seed, 5);
  assert.equal(runSampling({ ...DEMO_SAMPLING_DEFAULTS, seed: 5 }, { seed: 9, temperature: 1 }).seed, 9);
  assert.equal(runSampling(DEMO_SAMPLING_DEFAULTS, undefined, () => 1234).seed, 1234);
  assert.equal(runSampling({ ...DEMO_SAMPLING_DEFAULTS, seed: 5 }, { seed: null }, () => 99).seed, 99, 'null in a request asks for a random seed');
  const seeds = new Set(Array.from({ length: 8 }, () => runSampling(DEMO_SAMPLING_DEFAULTS, undefined).seed));
  assert.ok(seeds.size > 1, 'drawn seeds vary');
});

test('the contract refuses sampling out of range', () => {
  const ask = (sampling: Record<string, unknown>) => parseRequest('runs.ask', { documentId: 'd', question: 'q', sampling });
  assert.deepEqual(ask({ temperature: 0.7, topP: 0.9, repeatPenalty: 1.1, seed: 7 }).sampling, { temperature: 0.7, topP: 0.9, repeatPenalty: 1.1, seed: 7 });
  for (const bad of [{ temperature: -0.1 }, { temperature: 2.5 }, { topP: 0 }, { topP: 1.5 }, { minP: 2 }, { topK: -1 }, { topK: 1.5 },
    { repeatPenalty: 0 }, { repeatPenalty: 3 }, { seed: -1 }, { seed: 2 ** 32 - 1 }, { seed: 1.5 }, { mirostat: 1 }]) {
    assert.throws(() => ask(bad), /INVALID_PAYLOAD|runs\.ask/, JSON.stringify(bad));
  }
  assert.throws(() => parseRequest('sampling.set', { overrides: { temperature: 9 } }), /temperature/);
});
