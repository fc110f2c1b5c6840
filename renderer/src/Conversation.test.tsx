// @vitest-environment jsdom
/**
 * Issue 19 items 6-7 in the whole window (fake bridge): an answer card shows its question and
 * belongs to its document; the conversation is read back from the library after a reload; a stored
 * run re-opens from the runs table; the selection comes back from the host; the sampling section
 * edits the selected model's sampling.
 */
import { describe, expect, it } from 'vitest';
import { act, type ReactNode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { createStores, StoresProvider } from './bridge/stores';
import { fakeBridge } from './test/fakeBridge';
import { doc, FULL, GREEDY, metrics, model, preset, record } from './test/fixtures';
import type { RequestOf, RunRecord, SamplingInfo, SamplingPatch, Selection, SwaaBridge } from './contract';
import { conversationTurns } from './components/Conversation';

globalThis.ResizeObserver ??= class { observe() {} unobserve() {} disconnect() {} };
(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

const settle = () => act(async () => { await import('./components/Charts'); await new Promise((r) => setTimeout(r, 0)); });

async function render(node: ReactNode) {
  const container = document.createElement('div');
  document.body.appendChild(container);
  const root = createRoot(container);
  await act(async () => { root.render(node); });
  await settle();
  return { container, unmount: () => { act(() => root.unmount()); container.remove(); } };
}

const DEFAULTS = { temperature: 0, topK: 40, topP: 0.95, minP: 0.05, repeatPenalty: 1, repeatLastN: 64, seed: null };

/** A fake host with two documents, stored runs per document, a kept selection and sampling. */
function host(opts: { selection?: Partial<Selection>; stored?: Record<string, RunRecord[]> } = {}) {
  let selection: Selection = { documentId: null, modelId: 'demo', presetIds: [], customRecipe: null, ...opts.selection };
  let overrides: SamplingPatch = {};
  const info = (): SamplingInfo => ({ modelId: 'demo', defaultsFrom: 'demo', defaults: DEFAULTS, overrides, effective: { ...DEFAULTS, ...overrides } });
  const stored = opts.stored ?? {};
  const bridge = fakeBridge({
    'app.info': () => ({
      appVersion: '0.1.0', runtimeVersion: '0.1.0', runtimeProblem: null, backend: 'CPU', threads: 2, cpuCount: 2,
      totalMemBytes: 8e9, platform: 'linux', arch: 'x64', mode: 'web', dataDir: '/d', hostRestarts: 0,
    }),
    'settings.get': () => ({
      contextSize: 4096, threads: 0, chunkSize: 512, maxTokens: 128, temperature: 0, defaultPresetId: 'full',
      kvCacheCapBytes: 0, persistKvCache: false, theme: 'system',
    }),
    'documents.list': () => [doc('d1'), doc('d2')],
    'models.list': () => [model('demo', { name: 'SWAA demo', isDemo: true, selected: true, nLayer: 6 })],
    'presets.list': () => ({ presets: [preset('full', FULL), preset('swaa-odd')], faLayerParity: {}, resolved: null }),
    'runs.ask': () => ({ runId: 'r-new' }),
    'runs.list': ({ documentId }) => stored[documentId] ?? [],
    'models.estimate': (r) => ({
      modelId: r.id, contextSize: 4096, recipe: FULL, weightBytes: 1, kvBytes: 1, totalBytes: 2, systemBytes: 8e9, fits: true, reason: null,
    }),
    'selection.get': () => selection,
    'selection.set': (r: RequestOf<'selection.set'>) => {
      selection = {
        ...selection, ...(r.documentId !== undefined ? { documentId: r.documentId } : {}),
        ...(r.presetIds ? { presetIds: r.presetIds } : {}), ...(r.customRecipe !== undefined ? { customRecipe: r.customRecipe } : {}),
      };
      return selection;
    },
    'sampling.get': () => info(),
    'sampling.set': (r) => { overrides = r.overrides; return info(); },
  });
  return { bridge, selection: () => selection, overrides: () => overrides };
}

async function open(h: ReturnType<typeof host>) {
  const stores = createStores(h.bridge as unknown as SwaaBridge);
  const view = await render(<StoresProvider stores={stores}><App /></StoresProvider>);
  await settle();
  return { stores, view };
}

const cards = (c: HTMLElement) => [...c.querySelectorAll('[data-testid="run-card"]')];

describe('conversations, selection and sampling', () => {
  it('shows an answer card only on its own document, with its question', async () => {
    const h = host({ selection: { documentId: 'd1' } });
    const { stores, view } = await open(h);
    await act(async () => { await stores.runs.getState().ask({ documentId: 'd1', question: 'Who signed the memo?', presetId: 'full' }); });
    expect(cards(view.container)).toHaveLength(1);
    expect(view.container.querySelector('[data-testid="run-question"]')?.textContent).toContain('Who signed the memo?');
    await act(async () => stores.library.getState().select('d2'));
    expect(cards(view.container)).toHaveLength(0);
    await act(async () => stores.library.getState().select('d1'));
    expect(cards(view.container)).toHaveLength(1);
    view.unmount();
  });

  it('reads the conversation back after a reload and re-opens a run from the runs table', async () => {
    const older = record('r1', { documentId: 'd1', question: 'First question?', answer: 'First answer.', presetId: 'full', createdAt: '2026-11-25T00:00:00Z' });
    const newer = record('r2', {
      documentId: 'd1', question: 'Second question?', answer: 'Second answer.', presetId: 'swaa-odd', createdAt: '2026-11-25T00:01:00Z',
      sampling: { ...GREEDY, temperature: 0.7, seed: 7 }, metrics: metrics({ timeToFirstTokenMs: 1500 }),
    });
    const h = host({ selection: { documentId: 'd1' }, stored: { d1: [newer, older] } });
    const { stores, view } = await open(h);
    const turns = [...view.container.querySelectorAll('[data-testid="turn"]')].map((t) => t.textContent ?? '');
    expect(turns).toHaveLength(2);
    expect(turns[0]).toMatch(/First question\?.*FULL.*First answer\./s);
    expect(turns[1]).toMatch(/Second question\?.*SWAA-ODD.*first token 1\.50 s.*T 0\.7.*seed 7.*Second answer\./s);
    expect(cards(view.container)).toHaveLength(0);

    const row = [...view.container.querySelectorAll('[data-testid="run-history"] button')].find((b) => b.textContent === 'First question?') as HTMLButtonElement;
    await act(async () => { row.click(); });
    const card = cards(view.container)[0]!;
    expect(card.getAttribute('data-run-id')).toBe('r1');
    expect(card.querySelector('[data-testid="run-question"]')?.textContent).toContain('First question?');
    expect(card.querySelector('.answer')?.textContent).toContain('First answer.');
    expect(stores.runs.getState().focusByDocument.d1).toEqual({ kind: 'single', runId: 'r1' });
    view.unmount();
  });

  it('comes back to the saved document and recipes, and saves what changes', async () => {
    const h = host({ selection: { documentId: 'd2', presetIds: ['swaa-odd'] } });
    const { stores, view } = await open(h);
    expect(stores.library.getState().selectedId).toBe('d2');
    expect(stores.recipes.getState().chosen).toEqual(['swaa-odd']);
    expect(view.container.querySelector('button[data-preset="swaa-odd"]')?.getAttribute('aria-pressed')).toBe('true');
    await act(async () => { stores.library.getState().select('d1'); stores.recipes.getState().toggle('full'); });
    await settle();
    expect(h.selection()).toMatchObject({ documentId: 'd1', presetIds: ['swaa-odd', 'full'] });
    view.unmount();
  });

  it('edits the selected model’s sampling and resets it to the defaults', async () => {
    const h = host();
    const { view } = await open(h);
    expect(view.container.querySelector('[data-testid="sampling-summary"]')?.textContent).toBe('greedy');
    const temp = view.container.querySelector('#sampling-temperature') as HTMLInputElement;
    const setValue = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')!.set!;
    await act(async () => {
      setValue.call(temp, '5'); // above the contract's 2: clamped, never sent as is
      temp.dispatchEvent(new Event('input', { bubbles: true }));
    });
    await act(async () => { temp.dispatchEvent(new FocusEvent('focusout', { bubbles: true })); });
    await settle();
    expect(h.overrides()).toEqual({ temperature: 2 });
    const seed = view.container.querySelector('#sampling-seed') as HTMLInputElement;
    await act(async () => { setValue.call(seed, '42'); seed.dispatchEvent(new Event('input', { bubbles: true })); });
    await act(async () => { seed.dispatchEvent(new FocusEvent('focusout', { bubbles: true })); });
    await settle();
    expect(h.overrides()).toEqual({ temperature: 2, seed: 42 });
    expect(view.container.querySelector('[data-testid="sampling-summary"]')?.textContent).toBe('T 2 · top-p 0.95 · top-k 40 · min-p 0.05 · seed 42 (changed)');
    const reset = [...view.container.querySelectorAll('.sampling-panel button')].find((b) => /Reset/.test(b.textContent ?? '')) as HTMLButtonElement;
    await act(async () => { reset.click(); });
    await settle();
    expect(h.overrides()).toEqual({});
    view.unmount();
  });
});

describe('conversation turns', () => {
  it('puts runs in asking order and a comparison under one question', () => {
    const runs = [
      record('c-b', { compareId: 'c', question: 'Q2', createdAt: '3' }),
      record('c-a', { compareId: 'c', question: 'Q2', createdAt: '2' }),
      record('s', { question: 'Q1', createdAt: '1' }),
    ];
    expect(conversationTurns(runs).map((t) => [t.question, t.runs.map((r) => r.id)])).toEqual([['Q1', ['s']], ['Q2', ['c-a', 'c-b']]]);
  });
});
