// @vitest-environment jsdom
/** Calibrate: starts a calibration, shows its progress, cancels it, shows the stored ranking; the layer strip marks the ranking. */
import { describe, expect, it } from 'vitest';
import { act } from 'react';
import { createRoot } from 'react-dom/client';
import { CalibratePanel } from './CalibratePanel';
import { RecipePanel } from './RecipePanel';
import { createStores, StoresProvider } from '../bridge/stores';
import { fakeBridge } from '../test/fakeBridge';
import { model, preset } from '../test/fixtures';
import { CUSTOM_ID } from '../stores/recipeStore';
import type { Calibration, SwaaBridge } from '../contract';

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

const CALIBRATION: Calibration = {
  version: 1, model: { hash: 'h', name: 'm', architecture: 'qwen3', nLayer: 4, fileBytes: 1 },
  source: { kind: 'heldout', lengths: [1000], documents: 2, questionsPerDocument: 2 }, seed: 1, window: 64, sinks: 16,
  prompts: 4, answerTokens: 80, nllFull: 0.01, nllWindowed: 2,
  single: [0, 1, 2, 3].map((layer) => ({ layer, nll: layer === 2 ? 2 : 0.01, rise: layer === 2 ? 1.99 : 0 })),
  greedy: [{ layer: 2, nll: 0.01, drop: 1.99 }], ranking: [2, 3, 0, 1],
  presets: [{ id: 'calibrated-4', label: 'Calibrated 1/4', fraction: 4, budget: 1,
    recipe: { window: 64, sinks: 16, faLayers: { kind: 'list', layers: [2] }, faDecode: true, questionFa: false } }],
};

async function setup() {
  let stored: Calibration | null = null;
  const bridge = fakeBridge({
    'models.list': () => [model('m', { selected: true })],
    'presets.list': () => ({ presets: [preset('full')], faLayerParity: {}, resolved: null }),
    'calibration.get': ({ modelId }) => ({ modelId: modelId ?? 'm', calibration: stored }),
    'calibration.run': () => ({ calibrationId: 'c1' }),
    'calibration.cancel': () => ({ cancelled: true }),
  });
  const stores = createStores(bridge as unknown as SwaaBridge);
  await stores.models.getState().refresh();
  await stores.recipes.getState().load();
  const container = document.createElement('div');
  const root = createRoot(container);
  await act(async () => {
    root.render(<StoresProvider stores={stores}><CalibratePanel modelId="m" /><RecipePanel /></StoresProvider>);
  });
  const store = (c: Calibration | null) => { stored = c; };
  return { bridge, stores, container, store, unmount: () => act(() => root.unmount()) };
}

const button = (root: HTMLElement, text: string) => [...root.querySelectorAll('button')].find((b) => b.textContent === text);

describe('Calibrate', () => {
  it('starts, shows progress, cancels, and shows the stored ranking on the panel and the layer strip', async () => {
    const { bridge, stores, container, store, unmount } = await setup();
    await act(async () => { button(container, 'Calibrate')!.click(); });
    expect(bridge.calls.some((c) => c.channel === 'calibration.run')).toBe(true);
    await act(async () => { bridge.emit('calibration.progress', { calibrationId: 'c1', modelId: 'm', stage: 'single', done: 30, total: 120, elapsedMs: 1000 }); });
    expect(container.textContent).toMatch(/Windowing one layer at a time.*30 \/ 120 prompts · 25%/s);
    await act(async () => { button(container, 'Cancel calibration')!.click(); });
    expect(bridge.calls.find((c) => c.channel === 'calibration.cancel')?.request).toEqual({ calibrationId: 'c1' });
    await act(async () => { bridge.emit('calibration.done', { calibrationId: 'c1', modelId: 'm', status: 'cancelled', calibration: null, error: null }); });
    expect(container.textContent).toMatch(/Calibration cancelled/);

    store(CALIBRATION);
    await act(async () => { bridge.emit('calibration.done', { calibrationId: 'c2', modelId: 'm', status: 'done', calibration: CALIBRATION, error: null }); });
    await act(async () => { await new Promise((r) => setTimeout(r, 0)); });
    expect(container.querySelector('[data-testid="calibration-result"]')?.textContent).toMatch(/Layers ranked 2, 3, 0, 1/);
    await act(async () => { stores.recipes.getState().toggle(CUSTOM_ID); });
    await act(async () => { await new Promise((r) => setTimeout(r, 0)); });
    const strip = container.querySelector('[data-testid="layer-strip"]')!;
    expect(strip.querySelector('[data-rank="1"]')?.getAttribute('aria-label')).toMatch(/^Layer 2:/);
    unmount();
  });
});
