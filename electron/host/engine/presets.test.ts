/** Presets resolve per model: demo recipes for the demo model, family FA-layer parity for the rest. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, writeFileSync } from 'node:fs';
import { RecipeSchema } from '../../shared/contract.js';
import { PRESETS } from '../../test/host-harness.js';
import { join } from 'node:path';
import { findPreset, loadPresets, resolveRecipe } from './presets.js';
import { tempDir } from '../../test/fixtures.js';

const r = (window: number | null, faLayers: object) => ({ window, sinks: 4, faLayers, faDecode: true, questionFa: true });

test('the project presets file (models/presets.json) validates', { skip: existsSync(PRESETS) ? false : `no ${PRESETS} yet` }, () => {
  const file = loadPresets(PRESETS);
  assert.ok(file.presets.some((p) => p.id === 'full'));
  for (const p of file.presets) {
    for (const arch of ['qwen3', 'llama']) RecipeSchema.parse(resolveRecipe(file, p, { architecture: arch, nLayer: 28, isDemo: false }));
  }
});

test('loads presets.json, resolves demo and family recipes, and names unknown presets', () => {
  const { dir, cleanup } = tempDir();
  try {
    const path = join(dir, 'presets.json');
    writeFileSync(path, JSON.stringify({
      version: 1,
      presets: [
        { id: 'quality', label: 'Quality', tradeoff: 't', paperFigure: 'f', recipe: r(2048, { kind: 'auto', fraction: 2 }), demoRecipe: r(64, { kind: 'auto', fraction: 2 }) },
        { id: 'fast', label: 'Fast', tradeoff: 't', paperFigure: 'f', recipe: r(2048, { kind: 'auto', fraction: 4 }), demoRecipe: r(64, { kind: 'none' }) },
      ],
      faLayerParity: { qwen3: 'odd', llama: 'even' },
    }));
    const file = loadPresets(path);
    const q = findPreset(file, 'quality');
    assert.equal(resolveRecipe(file, q, { architecture: 'qwen3', nLayer: 4, isDemo: true }).window, 64);
    assert.deepEqual(resolveRecipe(file, q, { architecture: 'llama', nLayer: 32, isDemo: false }).faLayers, { kind: 'even' });
    assert.deepEqual(resolveRecipe(file, q, { architecture: 'qwen3', nLayer: 36, isDemo: false }).faLayers, { kind: 'odd' });
    assert.deepEqual(resolveRecipe(file, q, { architecture: 'mystery', nLayer: 8, isDemo: false }).faLayers, { kind: 'even' });
    const f = findPreset(file, 'fast');
    assert.deepEqual(resolveRecipe(file, f, { architecture: 'qwen3', nLayer: 36, isDemo: false }).faLayers, { kind: 'everyN', n: 4, offset: 1 });
    assert.deepEqual(resolveRecipe(file, f, { architecture: 'llama', nLayer: 32, isDemo: false }).faLayers, { kind: 'everyN', n: 4, offset: 0 });
    assert.deepEqual(resolveRecipe(file, f, { architecture: 'qwen3', nLayer: 4, isDemo: true }).faLayers, { kind: 'none' });
    assert.throws(() => findPreset(file, 'nope'), { code: 'PRESET_NOT_FOUND' });
    assert.throws(() => loadPresets(join(dir, 'missing.json')), { code: 'PRESETS_MISSING' });
  } finally { cleanup(); }
});
