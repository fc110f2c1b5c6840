/**
 * models/catalog.json: valid, consistent with models/presets.json, honest about what is pinned; the
 * fit advisor's KV formula equals the runtime's estimateKvBytes on generated models of each family.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Recipe } from '../../shared/contract.js';
import { loadPresets } from '../engine/presets.js';
import { PRESETS, realRuntimeMissing } from '../../test/host-harness.js';
import { tempDir } from '../../test/fixtures.js';
import { CatalogFileSchema, hfEndpoint, loadCatalog, resolveUrl } from './catalog.js';
import { kvBytes } from './fit.js';

test('the shipped catalog is valid and covers the families the runtime runs', () => {
  const c = loadCatalog();
  const ids = c.models.map((m) => m.id);
  for (const want of ['qwen3-0.6b', 'qwen3-1.7b', 'qwen3-4b', 'qwen3-8b', 'llama-3.2-1b', 'llama-3.2-3b', 'qwen2.5-']) {
    assert.ok(ids.some((id) => id.startsWith(want)), `${want} is listed`);
  }
  const presets = loadPresets(PRESETS);
  for (const m of c.models) {
    // The default recipe's parity is the family's, as presets.json says (and the preset exists).
    assert.equal(m.recipe.faParity, presets.faLayerParity[m.architecture], `${m.id} parity`);
    assert.ok(presets.presets.some((p) => p.id === m.recipe.presetId), `${m.id} preset`);
    // Pinned entries name a commit; unconfirmed values are null and their source says so.
    if (m.sha256 === null || m.bytes === null) assert.match(m.source, /could not be confirmed|not confirmed/i, m.id);
  }
});

test('the schema refuses a bad catalog with the path of the bad field', () => {
  const tmp = tempDir();
  try {
    const good = loadCatalog();
    const bad = { ...good, models: [{ ...good.models[0]!, sha256: 'abc' }] };
    const p = join(tmp.dir, 'bad.json');
    writeFileSync(p, JSON.stringify(bad));
    assert.throws(() => loadCatalog(p), /models\.0\.sha256/);
    // A sha256 pinned on a branch would be a pin that can silently move.
    const moving = { ...good, models: [{ ...good.models[0]!, revision: 'main' }] };
    assert.equal(CatalogFileSchema.safeParse(moving).success, false);
    const dup = { ...good, models: [good.models[0]!, good.models[0]!] };
    assert.equal(CatalogFileSchema.safeParse(dup).success, false);
  } finally { tmp.cleanup(); }
});

test('resolve URLs follow HF_ENDPOINT', () => {
  assert.equal(hfEndpoint({}), 'https://huggingface.co');
  assert.equal(hfEndpoint({ HF_ENDPOINT: 'http://127.0.0.1:9/' }), 'http://127.0.0.1:9');
  assert.equal(resolveUrl({ repo: 'Qwen/Qwen3-0.6B-GGUF', revision: 'abc', file: 'Qwen3-0.6B-Q8_0.gguf' }, 'https://hf-mirror.example'),
    'https://hf-mirror.example/Qwen/Qwen3-0.6B-GGUF/resolve/abc/Qwen3-0.6B-Q8_0.gguf');
});

const missing = realRuntimeMissing();
test('the KV formula equals the runtime\'s estimateKvBytes on generated qwen3, qwen2 and llama models', { skip: missing ?? false }, async () => {
  const { ensureTestModel, TEST_MODELS } = await import('../../../native/tests/support/test-models.js');
  const addon = await import('../../../native/addon/index.js');
  const recipes: Recipe[] = [
    { window: null, sinks: 0, faLayers: { kind: 'none' }, faDecode: false, questionFa: false },
    { window: 64, sinks: 4, faLayers: { kind: 'odd' }, faDecode: false, questionFa: false },
    { window: 64, sinks: 4, faLayers: { kind: 'none' }, faDecode: [1], questionFa: false },
    { window: 64, sinks: 4, faLayers: { kind: 'even' }, faDecode: true, questionFa: false },
    { window: 4000, sinks: 4, faLayers: { kind: 'none' }, faDecode: false, questionFa: false },
  ];
  for (const name of ['qwen3-q8_0', 'qwen2-q8_0', 'llama-q8_0'] as const) {
    const file = await ensureTestModel(TEST_MODELS[name]);
    const model = await addon.loadModel(file.path);
    try {
      const shape = { nLayer: model.info.nLayer, nHeadKv: model.info.nHeadKv, headDim: model.info.headDim };
      for (const recipe of recipes) {
        for (const [ctx, chunk] of [[4096, 512], [1024, 128]] as const) {
          assert.equal(kvBytes(shape, ctx, chunk, recipe), model.estimateKvBytes({ contextSize: ctx, chunkSize: chunk, recipe }),
            `${name} ${JSON.stringify(recipe)} ctx ${ctx}`);
        }
      }
    } finally { model.dispose(); }
  }
});
