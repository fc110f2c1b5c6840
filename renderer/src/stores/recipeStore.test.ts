import { describe, expect, it } from 'vitest';
import { createRecipeStore, CUSTOM_ID, presetRecipe } from './recipeStore';
import { fakeBridge } from '../test/fakeBridge';
import { FULL, preset } from '../test/fixtures';

describe('recipe store', () => {
  const bridge = fakeBridge({ 'presets.list': () => ({ presets: [preset('full', FULL), preset('swa')], faLayerParity: { qwen3: 'odd' } }) });

  it('loads presets and toggles the first on', async () => {
    const store = createRecipeStore(bridge);
    await store.getState().load();
    expect(store.getState().presets.map((p) => p.id)).toEqual(['full', 'swa']);
    expect(store.getState().chosen).toEqual(['full']);
    expect(store.getState().faLayerParity).toEqual({ qwen3: 'odd' });
  });

  it('toggles several presets on for a comparison, in the order chosen', async () => {
    const store = createRecipeStore(bridge);
    await store.getState().load();
    store.getState().toggle('swa');
    store.getState().toggle(CUSTOM_ID);
    expect(store.getState().chosen).toEqual(['full', 'swa', CUSTOM_ID]);
    store.getState().toggle('full');
    expect(store.getState().chosen).toEqual(['swa', CUSTOM_ID]);
    store.getState().choose('full');
    expect(store.getState().chosen).toEqual(['full']);
  });

  it('starts the custom recipe from a preset without sharing its object', async () => {
    const store = createRecipeStore(bridge);
    await store.getState().load();
    const swa = store.getState().presets[1]!;
    store.getState().customFrom(swa.recipe);
    store.getState().editCustom({ window: 999 });
    store.getState().setFaLayers({ kind: 'list', layers: [1] });
    expect(store.getState().custom).toMatchObject({ window: 999, faLayers: { kind: 'list', layers: [1] } });
    expect(swa.recipe.window).toBe(2048);
    expect(store.getState().chosen).toContain(CUSTOM_ID);
  });

  it('uses the demo variant of a preset on the demo model', () => {
    const p = preset('swa');
    expect(presetRecipe(p, true).window).toBe(64);
    expect(presetRecipe(p, false).window).toBe(2048);
  });
});
