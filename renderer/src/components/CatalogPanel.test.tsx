// @vitest-environment jsdom
/** Get models and the context advice, rendered against the in-memory fake bridge. */
import { describe, expect, it } from 'vitest';
import { act } from 'react';
import { createRoot } from 'react-dom/client';
import { CatalogPanel } from './CatalogPanel';
import { FitHint } from './FitHint';
import { createStores, StoresProvider } from '../bridge/stores';
import { fakeBridge } from '../test/fakeBridge';
import { doc, model } from '../test/fixtures';
import { catalogModel, download, fitAdvice } from '../test/catalogFixtures';
import type { SwaaBridge } from '../contract';

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

const SETTINGS = { contextSize: 4096, threads: 0, chunkSize: 512, maxTokens: 128, temperature: 0, defaultPresetId: 'full',
  kvCacheCapBytes: 0, persistKvCache: false, theme: 'system' as const };

async function setup(extra: Parameters<typeof fakeBridge>[0] = {}) {
  const bridge = fakeBridge({
    'settings.get': () => SETTINGS,
    'app.info': () => ({ appVersion: '0', runtimeVersion: '0', runtimeProblem: null, backend: 'CPU', threads: 2, cpuCount: 2,
      totalMemBytes: 8e9, platform: 'linux', arch: 'x64', mode: 'web', dataDir: '/d', hostRestarts: 0 }),
    'documents.list': () => [doc('d1', { chars: 160_000 })],
    'models.list': () => [model('m', { selected: true, nCtxTrain: 8192, name: 'Small' })],
    'catalog.list': () => ({ models: [catalogModel('q', { name: 'Qwen Big', trainedContext: 131072 }), catalogModel('u', { bytes: null, verification: 'server' })], endpoint: 'https://huggingface.co', hasToken: false }),
    'downloads.list': () => [],
    'downloads.start': (r) => download('d1', { catalogId: 'catalogId' in r ? r.catalogId : null, state: 'checking' }),
    'downloads.cancel': () => ({ cancelled: true }),
    'models.fit': (r) => fitAdvice({ contextSize: r.contextSize ?? 0,
      target: { kind: r.modelId ? 'model' : 'catalog', id: r.modelId ?? r.catalogId ?? '', trainedContext: 8192, presetId: 'full', recipe: fitAdvice().target.recipe },
      document: r.documentId ? { tokens: 40_000, needsContext: 40_512, beyondTrained: true, beyondMemory: false } : null }),
    ...extra,
  });
  const stores = createStores(bridge as unknown as SwaaBridge);
  await Promise.all([stores.app.getState().load(), stores.library.getState().refresh(), stores.models.getState().refresh(), stores.catalog.getState().load()]);
  await stores.library.getState().select('d1');
  const container = document.createElement('div');
  const root = createRoot(container);
  await act(async () => {
    root.render(<StoresProvider stores={stores}><CatalogPanel /><FitHint model={stores.models.getState().models[0]!} /></StoresProvider>);
  });
  await act(async () => { await new Promise((r) => setTimeout(r, 0)); });
  return { bridge, stores, container, unmount: () => act(() => root.unmount()) };
}

describe('Get models', () => {
  it('lists sizes, how each is checked and its fit before download; shows progress with cancel', async () => {
    const { bridge, container, unmount } = await setup();
    const entries = container.querySelectorAll('[data-testid="catalog-model"]');
    expect(entries).toHaveLength(2);
    expect(entries[0]!.textContent).toMatch(/Qwen Big.*1000 B.*sha256 pinned in the catalog/s);
    expect(entries[1]!.textContent).toMatch(/size from the server.*checked against the server’s sha256/s);
    expect(entries[0]!.querySelector('[data-testid="fit-hint"]')?.textContent).toMatch(/Fits: .*up to 32,768 tokens/);
    const button = [...entries[0]!.querySelectorAll('button')].find((b) => b.textContent === 'Download')!;
    await act(async () => { button.click(); });
    await act(async () => {
      bridge.emit('download.progress', download('d1', { catalogId: 'q', state: 'downloading', doneBytes: 512, totalBytes: 1024, bytesPerSecond: 256, etaSeconds: 2 }));
    });
    expect(container.querySelector('[data-testid="download-progress"]')?.textContent).toBe('512 B of 1.00 KiB · 256 B/s · 2 s left');
    const cancel = [...container.querySelectorAll('[data-testid="download"] button')].find((b) => b.textContent === 'Cancel')!;
    await act(async () => { (cancel as HTMLButtonElement).click(); });
    expect(bridge.calls.some((c) => c.channel === 'downloads.cancel' && (c.request as { id: string }).id === 'd1')).toBe(true);
    await act(async () => { bridge.emit('download.progress', download('d1', { catalogId: 'q', state: 'error', error: { code: 'DOWNLOAD_UNAUTHORIZED', message: 'Accept its licence' } })); });
    expect(container.querySelector('[role="alert"][data-code="DOWNLOAD_UNAUTHORIZED"]')?.textContent).toBe('Accept its licence');
    unmount();
  });

  it('offers a choice when the document is longer than the model was trained on', async () => {
    const { container, stores, unmount } = await setup({ 'settings.set': (p) => ({ ...SETTINGS, ...p }) });
    const choice = container.querySelector('[data-testid="context-choice"]');
    expect(choice?.textContent).toMatch(/about 40,000 tokens; Small was trained on 8,192/);
    expect(choice?.textContent).toMatch(/Get a model with a longer context \(Qwen Big/);
    const anyway = [...choice!.querySelectorAll('button')].find((b) => /Read it all anyway at 40,704 tokens/.test(b.textContent ?? ''))!;
    await act(async () => { anyway.click(); });
    expect(stores.app.getState().settings?.contextSize).toBe(40_704);
    unmount();
  });
});
