/**
 * The TypeScript statement of which layers attend fully (electron/shared/fa-layers.ts, used by the
 * recipe editor, the fit advisor and the bench) against the runtime's own layer plan, on a generated
 * 9-layer model: every pattern, offsets past n, and the full-cache rule of the fit advisor.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadModel } from '../../addon/index.js';
import type { Recipe } from '../../addon/types.js';
import { faLayerMask } from '../../../electron/shared/fa-layers.js';
import { fullCacheLayers } from '../../../electron/host/models/fit.js';
import { ensureTestModel, TEST_MODELS } from '../support/test-models.js';
import { missingPrerequisite } from './fixtures.js';

const skip = missingPrerequisite();
if (skip) console.log(`# SKIP FA-layer parity: ${skip}`);

const N_LAYER = 9;
const base = { window: 64, sinks: 4, faDecode: false, questionFa: false } as const;
const recipes: Recipe[] = [
  { ...base, faLayers: { kind: 'none' } },
  { ...base, faLayers: { kind: 'odd' } },
  { ...base, faLayers: { kind: 'even' } },
  { ...base, faLayers: { kind: 'everyN', n: 4, offset: 1 } },
  { ...base, faLayers: { kind: 'everyN', n: 2, offset: 5 } }, // offset past n: nothing before it
  { ...base, faLayers: { kind: 'everyN', n: 3, offset: 0 } },
  { ...base, faLayers: { kind: 'list', layers: [0, 4, 8] } },
  { ...base, faLayers: { kind: 'odd' }, faDecode: true },
  { ...base, faLayers: { kind: 'list', layers: [2] }, faDecode: [3, 5] },
  { ...base, faLayers: { kind: 'none' }, questionFa: true },
];

test('FA layers and full-cache layers in TypeScript equal the runtime\'s layer plan', { skip: skip ?? false, timeout: 120_000 }, async () => {
  const spec = { ...TEST_MODELS['qwen3-f16'], name: 'qwen3-f16-9layer', nLayer: N_LAYER };
  const file = await ensureTestModel(spec);
  const m = await loadModel(file.path, { device: 'cpu' });
  try {
    assert.equal(m.info.nLayer, N_LAYER);
    for (const r of recipes) {
      const ctx = m.createContext({ contextSize: 512, chunkSize: 64, recipe: r });
      try {
        const plan = ctx.layerPlan();
        const what = JSON.stringify(r.faLayers) + (r.faDecode ? ` faDecode ${JSON.stringify(r.faDecode)}` : '') + (r.questionFa ? ' questionFa' : '');
        assert.deepEqual(faLayerMask(r.faLayers, N_LAYER), plan.map((p) => p.faPrefill), `FA layers of ${what}`);
        assert.deepEqual(fullCacheLayers(r, N_LAYER), plan.map((p) => p.fullCache), `full-cache layers of ${what}`);
      } finally { ctx.dispose(); }
    }
  } finally { m.dispose(); }
});
