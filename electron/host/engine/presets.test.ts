/** Presets resolve per model: demo recipes for the demo model, family FA-layer parity for the rest. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { findPreset, loadPresets, resolveRecipe } from './presets.js';
import { tempDir } from '../../test/fixtures.js';

const r = (window: number | null, kind: 'odd' | 'none') => ({ window, sinks: 4, faLayers: { kind }, faDecode: true, questionFa: true });

test('loads presets.json, resolves demo and family recipes, and names unknown presets', () => {
  const { dir, cleanup } = tempDir();
  try {
    const path = join(dir, 'presets.json');
    writeFileSync(path, JSON.stringify({
      presets: [{ id: 'quality', label: 'Quality', tradeoff: 't', paperFigure: 'f', recipe: r(2048, 'odd'), demoRecipe: r(64, 'odd') }],
      faLayerParity: { qwen3: 'odd', llama: 'even' },
    }));
    const file = loadPresets(path);
    const q = findPreset(file, 'quality');
    assert.equal(resolveRecipe(file, q, { architecture: 'qwen3', isDemo: true }).window, 64);
    assert.deepEqual(resolveRecipe(file, q, { architecture: 'llama', isDemo: false }).faLayers, { kind: 'even' });
    assert.deepEqual(resolveRecipe(file, q, { architecture: 'qwen3', isDemo: false }).faLayers, { kind: 'odd' });
    assert.throws(() => findPreset(file, 'nope'), { code: 'PRESET_NOT_FOUND' });
    assert.throws(() => loadPresets(join(dir, 'missing.json')), { code: 'PRESETS_MISSING' });
  } finally { cleanup(); }
});
