// @vitest-environment jsdom
/**
 * The whole window rendered to HTML against the in-memory fake bridge (unit test only): what a person
 * sees for a given state of the stores.
 */
import { describe, expect, it } from 'vitest';
import { act, type ReactNode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { createStores, StoresProvider } from './bridge/stores';
import { fakeBridge } from './test/fakeBridge';
import { doc, FULL, metrics, model, preset, record } from './test/fixtures';
import type { Settings, SwaaBridge } from './contract';

// jsdom has no layout: charts ask for their size through ResizeObserver.
globalThis.ResizeObserver ??= class { observe() {} unobserve() {} disconnect() {} };
(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

/** Renders into a detached element and returns its HTML after effects and pending updates ran. */
async function render(node: ReactNode): Promise<{ html: () => string; container: HTMLElement; unmount: () => void }> {
  const container = document.createElement('div');
  const root = createRoot(container);
  await act(async () => { root.render(node); });
  // The charts are loaded lazily: let that import settle inside act as well.
  await act(async () => { await import('./components/Charts'); await new Promise((r) => setTimeout(r, 0)); });
  return { html: () => container.innerHTML, container, unmount: () => act(() => root.unmount()) };
}

async function loadedStores() {
  const bridge = fakeBridge({
    'app.info': () => ({
      appVersion: '0.1.0', runtimeVersion: '0.1.0', runtimeProblem: null, backend: 'CPU', threads: 2, cpuCount: 2,
      totalMemBytes: 8e9, platform: 'linux', arch: 'x64', mode: 'web', dataDir: '/d', hostRestarts: 0,
    }),
    'settings.get': () => ({
      contextSize: 4096, threads: 0, chunkSize: 512, maxTokens: 128, temperature: 0, defaultPresetId: 'full',
      kvCacheCapBytes: 0, persistKvCache: false, theme: 'system',
    }),
    'documents.list': () => [doc('d1', { name: '<img src=x onerror=alert(1)>.txt', tokenCounts: { demo: 1234 } })],
    'documents.get': () => ({ ...doc('d1'), text: '<script>alert(1)</script> plain text' }),
    'models.list': () => [model('demo', { name: 'SWAA demo', isDemo: true, selected: true, nLayer: 6 })],
    'presets.list': () => ({ presets: [preset('full', FULL), preset('swaa-odd')], faLayerParity: {}, resolved: null }),
    'runs.ask': () => ({ runId: 'r1' }),
    'runs.compare': (r) => ({ compareId: 'c1', runs: r.presetIds.map((presetId, i) => ({ presetId, runId: `c${i}` })) }),
    'runs.list': () => [record('r0', { metrics: metrics({ documentCached: false }) })],
    'models.estimate': (r) => ({
      modelId: r.id, contextSize: r.contextSize ?? 4096, recipe: FULL, weightBytes: 1 << 20, kvBytes: 3 << 20,
      totalBytes: 4 << 20, systemBytes: 8e9, fits: true, reason: null,
    }),
  });
  const stores = createStores(bridge as unknown as SwaaBridge);
  await Promise.all([
    stores.app.getState().load(), stores.library.getState().refresh(),
    stores.models.getState().refresh(), stores.recipes.getState().load(),
  ]);
  return { stores, bridge };
}

describe('the window', () => {
  it('shows the library, model facts, engine and preset toggles', async () => {
    const { stores } = await loadedStores();
    const view = await render(<StoresProvider stores={stores}><App /></StoresProvider>);
    const html = view.html();
    view.unmount();
    expect(html).toContain('1,234 tokens');
    expect(html).toContain('SWAA demo (demo)');
    expect(html).toContain('Backend <strong>CPU</strong> · 2 threads of 2 CPUs');
    expect(html).toMatch(/aria-pressed="true"[^>]*data-preset="full"/);
    expect(html).toContain('swaa-odd trade-off');
    expect(html).toMatch(/KV cache at 4,096 tokens<\/span><strong>3.00 MiB/);
  });

  it('never renders a document name or text as HTML', async () => {
    const { stores } = await loadedStores();
    const view = await render(<StoresProvider stores={stores}><App /></StoresProvider>);
    await act(() => stores.library.getState().open('d1'));
    const text = view.container.querySelector('[data-testid="document-text"]')?.textContent;
    const elements = view.container.querySelectorAll('img, script').length;
    const name = view.container.querySelector('.doc-name')?.textContent;
    view.unmount();
    expect(text).toBe('<script>alert(1)</script> plain text');
    expect(name).toBe('<img src=x onerror=alert(1)>.txt');
    expect(elements).toBe(0);
  });

  it('streams an answer, folds thinking, sanitises markdown and says when the document was cached', async () => {
    const { stores, bridge } = await loadedStores();
    const view = await render(<StoresProvider stores={stores}><App /></StoresProvider>);
    await act(async () => {
      await stores.runs.getState().ask({ documentId: 'd1', question: 'Who?', presetId: 'full' });
      bridge.emit('run.progress', { runId: 'r1', phase: 'question', done: 5, total: 10, elapsedMs: 100 });
    });
    let html = view.html();
    expect(html).toContain('Reading the question');
    expect(html).toContain('5 / 10 tokens · 50%');
    expect(html).toContain('document cached');
    await act(async () => {
      bridge.emit('run.token', { runId: 'r1', text: '<think>hmm</think>**Alice** <img src=x onerror=alert(1)>', index: 0 });
    });
    html = view.html();
    view.unmount();
    const answer = /<div class="answer"[\s\S]*?<\/article>/.exec(html)![0];
    expect(answer).toContain('<strong>Alice</strong>');
    expect(answer).not.toContain('onerror');
    expect(answer.match(/Alice/g)).toHaveLength(1);
    expect(html).toMatch(/<details class="think"><summary>Thoughts<\/summary>/);
  });

  it('shows a comparison side by side and fills its table as runs finish', async () => {
    const { stores, bridge } = await loadedStores();
    const view = await render(<StoresProvider stores={stores}><App /></StoresProvider>);
    await act(async () => {
      await stores.runs.getState().compare({ documentId: 'd1', question: 'Who?', presetIds: ['full', 'swaa-odd'] });
    });
    expect(view.container.querySelectorAll('[data-testid="compare"] [data-testid="run-card"]')).toHaveLength(2);
    await act(async () => {
      bridge.emit('run.done', { runId: 'c0', run: record('c0', { presetId: 'full', metrics: metrics({ timeToFirstTokenMs: 1500 }) }) });
    });
    const rows = [...view.container.querySelectorAll('[data-testid="compare-table"] tbody tr')].map((r) => r.textContent);
    view.unmount();
    expect(rows).toEqual(['FULLcold1.50 s2,020 tok/s100 tok/s1.00 MiB64.0 MiB', 'SWAA-ODD………………']);
  });

  it('labels cached and cold runs, says when a run hit the token limit, and the chart table matches the comparison table', async () => {
    const { stores, bridge } = await loadedStores();
    const view = await render(<StoresProvider stores={stores}><App /></StoresProvider>);
    await act(() => stores.library.getState().open('d1'));
    await act(async () => {
      await stores.runs.getState().compare({ documentId: 'd1', question: 'Who?', presetIds: ['full', 'swaa-odd'], cold: true });
    });
    await act(async () => {
      bridge.emit('run.done', { runId: 'c0', run: record('c0', { presetId: 'full', compareId: 'c1',
        metrics: metrics({ timeToFirstTokenMs: 1500, forcedCold: true, peakRssBytes: 96 << 20, rssAtStartBytes: 64 << 20 }) }) });
      bridge.emit('run.done', { runId: 'c1', run: record('c1', { presetId: 'swaa-odd', compareId: 'c1', stopReason: 'maxTokens', maxTokens: 64,
        metrics: metrics({ documentCached: true, timeToFirstTokenMs: 40 }) }) });
    });
    const cells = (sel: string) => [...view.container.querySelectorAll(`${sel} tbody tr`)].map((r) => [...r.querySelectorAll('td')].map((c) => c.textContent));
    const compareCells = cells('[data-testid="compare-table"]');
    const chartCells = cells('[data-testid="chart-table"] table');
    const stopChips = [...view.container.querySelectorAll('[data-testid="compare-table"] [data-testid="stop-chip"]')].map((c) => c.textContent);
    const stopNotes = [...view.container.querySelectorAll('[data-testid="stop-note"]')].map((c) => c.textContent);
    const coldChips = [...view.container.querySelectorAll('[data-testid="document-cold"]')].map((c) => c.textContent);
    view.unmount();
    expect(compareCells).toEqual([
      ['cold (forced)', '1.50 s', '2,020 tok/s', '100 tok/s', '1.00 MiB', '96.0 MiB (+32.0 MiB)'],
      ['cached (memory)', '40 ms', '2,020 tok/s', '100 tok/s', '1.00 MiB', '64.0 MiB'],
    ]);
    expect(chartCells).toEqual(compareCells);
    expect(stopChips).toEqual(['token limit']);
    expect(stopNotes).toHaveLength(1);
    expect(stopNotes[0]).toMatch(/^Stopped at the 64-token limit — the answer may be cut short/);
    expect(coldChips).toEqual(['cold (forced)']);
    expect(bridge.calls.find((c) => c.channel === 'runs.compare')?.request).toMatchObject({ cold: true });
  });
});

describe('before asking', () => {
  /** A window with the demo model selected, the bundled samples, and documents the engine counts. */
  async function demoWindow(opts: { contextSize: number; tokens: number }) {
    let settings: Settings = {
      contextSize: opts.contextSize, threads: 0, chunkSize: 512, maxTokens: 128, temperature: 0, defaultPresetId: 'full',
      kvCacheCapBytes: 0, persistKvCache: false, theme: 'system',
    };
    let added = false;
    const samples = () => ({
      available: true, problem: null,
      samples: [{ file: 'memo.md', documentId: added ? 's1' : null, approxTokens: 4000, questions: [
        { question: 'What is the budget of Priya Nakamura?', expectedAnswer: 'The budget of Priya Nakamura is $40,277.' },
        { question: 'What is the manager of Runa Achterberg?', expectedAnswer: null },
      ] }],
    });
    const bridge = fakeBridge({
      'app.info': () => ({
        appVersion: '0.1.0', runtimeVersion: '0.1.0', runtimeProblem: null, backend: 'CPU', threads: 2, cpuCount: 2,
        totalMemBytes: 8e9, platform: 'linux', arch: 'x64', mode: 'web', dataDir: '/d', hostRestarts: 0,
      }),
      'settings.get': () => settings,
      'settings.set': (patch) => { settings = { ...settings, ...patch }; return settings; },
      'documents.list': () => (added ? [doc('s1', { name: 'memo.md' })] : []),
      'documents.samples': samples,
      'documents.addSamples': () => { added = true; return samples(); },
      'documents.tokens': ({ id }) => ({ documentId: id, modelId: 'demo', tokens: opts.tokens, answerRoom: 16 }),
      'models.list': () => [model('demo', { name: 'Demo model', isDemo: true, selected: true, nCtxTrain: 8192 })],
      'presets.list': () => ({ presets: [preset('full', FULL)], faLayerParity: {}, resolved: null }),
      'runs.list': () => [],
      'models.estimate': (r) => ({
        modelId: r.id, contextSize: r.contextSize ?? 4096, recipe: FULL, weightBytes: 1 << 20, kvBytes: 3 << 20,
        totalBytes: 4 << 20, systemBytes: 8e9, fits: true, reason: null,
      }),
    });
    const stores = createStores(bridge as unknown as SwaaBridge);
    await Promise.all([stores.app.getState().load(), stores.models.getState().refresh(), stores.recipes.getState().load()]);
    const view = await render(<StoresProvider stores={stores}><App /></StoresProvider>);
    const $ = <T extends Element>(sel: string) => view.container.querySelector<T>(sel);
    const settle = () => act(async () => { await new Promise((r) => setTimeout(r, 0)); });
    await settle();
    return { bridge, stores, view, $, settle };
  }

  it('first run: says what the demo model answers, adds the samples, and their questions fill the box', async () => {
    const w = await demoWindow({ contextSize: 8192, tokens: 4022 });
    const intro = w.$('[data-testid="demo-intro"]')?.textContent ?? '';
    expect(intro).toMatch(/What is the attribute of name\?/);
    expect(intro).toMatch(/cannot summarise/);
    expect(w.$<HTMLTextAreaElement>('#question')!.placeholder).toMatch(/^e\.g\. What is the home town of/);
    await act(async () => { w.$<HTMLButtonElement>('[data-testid="try-demo"]')!.click(); });
    await w.settle();
    expect(w.bridge.calls.some((c) => c.channel === 'documents.addSamples')).toBe(true);
    expect(w.stores.library.getState().selectedId).toBe('s1');
    const chips = [...w.view.container.querySelectorAll<HTMLButtonElement>('[data-testid="sample-question"]')];
    expect(chips.map((c) => c.textContent)).toEqual(['What is the budget of Priya Nakamura?', 'What is the manager of Runa Achterberg?']);
    expect(chips[0]!.title).toBe('Expected: The budget of Priya Nakamura is $40,277.');
    expect(w.$<HTMLTextAreaElement>('#question')!.placeholder).toBe('e.g. What is the budget of Priya Nakamura?');
    await act(async () => { chips[1]!.click(); });
    expect(w.$<HTMLTextAreaElement>('#question')!.value).toBe('What is the manager of Runa Achterberg?');
    // Counted by the engine for the selected model, shown against the context before Ask.
    expect(w.bridge.calls).toContainEqual({ channel: 'documents.tokens', request: { id: 's1', modelId: 'demo' } });
    expect(w.$('[data-testid="context-fit"]')?.getAttribute('data-fit')).toBe('fits');
    expect(w.$('[data-testid="context-fit"]')?.textContent).toMatch(/4,022 document tokens of a 8,192-token context · fits/);
    expect(w.$('[data-testid="try-demo"]')).toBeNull();
    w.view.unmount();
  });

  it('a document longer than the context turns Ask off with the reason, and one click raises the context', async () => {
    const w = await demoWindow({ contextSize: 1024, tokens: 4022 });
    await act(async () => { w.$<HTMLButtonElement>('[data-testid="try-demo"]')!.click(); });
    await w.settle();
    await act(async () => { w.$<HTMLButtonElement>('[data-testid="sample-question"]')!.click(); });
    const ask = w.$<HTMLButtonElement>('form.ask button[type="submit"]')!;
    expect(w.$('[data-testid="context-fit"]')?.getAttribute('data-fit')).toBe('overflow');
    expect(ask.disabled).toBe(true);
    expect(w.$('[data-testid="ask-hint"]')?.textContent).toMatch(/memo\.md is 4,022 tokens but the context holds 1,024\. Raise Context \(tokens\) in the Model panel to 4,352 or more\./);
    const raise = [...w.view.container.querySelectorAll<HTMLButtonElement>('.context-fit button')].find((b) => /Use a/.test(b.textContent ?? ''))!;
    expect(raise.textContent).toBe('Use a 4,352-token context');
    await act(async () => { raise.click(); });
    await w.settle();
    expect(w.bridge.calls).toContainEqual({ channel: 'settings.set', request: { contextSize: 4352 } });
    expect(w.$('[data-testid="context-fit"]')?.getAttribute('data-fit')).not.toBe('overflow');
    expect(w.$<HTMLButtonElement>('form.ask button[type="submit"]')!.disabled).toBe(false);
    w.view.unmount();
  });

  it('a document past the trained context is not offered a bigger context', async () => {
    const w = await demoWindow({ contextSize: 8192, tokens: 9000 });
    await act(async () => { w.$<HTMLButtonElement>('[data-testid="try-demo"]')!.click(); });
    await w.settle();
    expect(w.$('[data-testid="ask-hint"]')?.textContent).toMatch(/longer than this model's trained context \(8,192\)/);
    expect(w.view.container.querySelector('.context-fit button')).toBeNull();
    w.view.unmount();
  });

  it('an overflow the engine reports after Ask says what to raise, and offers it', async () => {
    const { stores, bridge } = await loadedStores();
    const view = await render(<StoresProvider stores={stores}><App /></StoresProvider>);
    await act(async () => {
      await stores.runs.getState().ask({ documentId: 'd1', question: 'A very long question?', presetId: 'full' });
      bridge.emit('run.error', { runId: 'r1', error: { code: 'SWAA_ERR_CONTEXT_OVERFLOW', message: 'the document and question take 4,100 tokens',
        overflow: { promptTokens: 4100, contextSize: 4096, answerRoom: 16, neededContext: 4352, trainedContext: 8192 } } });
    });
    const card = view.container.querySelector('[data-testid="run-card"]')!;
    expect(card.querySelector('[role="alert"]')?.textContent).toMatch(/Raise Context \(tokens\) in the Model panel to 4,352 or more/);
    expect([...card.querySelectorAll('button')].map((b) => b.textContent)).toContain('Use a 4,352-token context');
    view.unmount();
  });
});

