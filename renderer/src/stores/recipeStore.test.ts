import { describe, expect, it } from 'vitest';
import { concreteRecipe, createRecipeStore, CUSTOM_ID, presetRecipe } from './recipeStore';
import { fakeBridge } from '../test/fakeBridge';
import { FULL, preset, SWA_ODD } from '../test/fixtures';

describe('recipe store', () => {
  const bridge = fakeBridge({
    'presets.list': () => ({ presets: [preset('full', FULL), preset('swa')], faLayerParity: { qwen3: 'odd' }, resolved: null }),
  });

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
    store.getState().customFrom(concreteRecipe(swa.recipe)!);
    store.getState().editCustom({ window: 999 });
    store.getState().setFaLayers({ kind: 'list', layers: [1] });
    expect(store.getState().custom).toMatchObject({ window: 999, faLayers: { kind: 'list', layers: [1] } });
    expect(swa.recipe.window).toBe(2048);
    expect(store.getState().chosen).toContain(CUSTOM_ID);
  });

  it('uses the host’s resolution for the model, else the demo or paper variant as written', () => {
    const p = { ...preset('swa'), recipe: { ...SWA_ODD, faLayers: { kind: 'auto' as const, fraction: 2 } } };
    const demo = { id: 'demo', isDemo: true };
    const real = { id: 'm', isDemo: false };
    expect(presetRecipe(p, demo, null).window).toBe(64);
    expect(presetRecipe(p, real, null).faLayers).toEqual({ kind: 'auto', fraction: 2 });
    expect(concreteRecipe(presetRecipe(p, real, null))).toBeNull();
    const resolved = { modelId: 'm', recipes: { swa: { ...SWA_ODD, faLayers: { kind: 'even' as const } } } };
    expect(presetRecipe(p, real, resolved).faLayers).toEqual({ kind: 'even' });
    expect(presetRecipe(p, demo, resolved).window).toBe(64);
  });
});
