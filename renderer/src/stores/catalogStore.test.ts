import { describe, expect, it } from 'vitest';
import { createCatalogStore, downloadOf } from './catalogStore';
import { fakeBridge, FakeIpcError } from '../test/fakeBridge';
import { catalogModel, download, fitAdvice } from '../test/catalogFixtures';
import { downloadText, fitText } from '../lib/fitText';

describe('catalog store', () => {
  it('loads the catalog and partial downloads, then follows progress events by download id', async () => {
    const bridge = fakeBridge({
      'catalog.list': () => ({ models: [catalogModel('q')], endpoint: 'http://127.0.0.1:1', hasToken: false }),
      'downloads.list': () => [download('d1', { catalogId: 'q', state: 'paused', doneBytes: 10, resumable: true })],
      'downloads.start': () => download('d1', { catalogId: 'q', state: 'checking' }),
    });
    const store = createCatalogStore(bridge);
    const off = store.getState().listen();
    await store.getState().load();
    expect(downloadOf(store.getState(), 'q')?.state).toBe('paused');
    await store.getState().start({ catalogId: 'q' });
    bridge.emit('download.progress', download('d1', { catalogId: 'q', state: 'downloading', doneBytes: 50, totalBytes: 100 }));
    expect(downloadOf(store.getState(), 'q')?.doneBytes).toBe(50);
    // Done: the catalog is read again so the entry shows its library model.
    bridge.emit('download.progress', download('d1', { catalogId: 'q', state: 'done', modelId: 'm1' }));
    await Promise.resolve();
    expect(bridge.calls.filter((c) => c.channel === 'catalog.list')).toHaveLength(2);
    off();
    expect(bridge.listenerCount()).toBe(0);
  });

  it('asks the fit of every entry at the context and document, and keeps a failing one out', async () => {
    const bridge = fakeBridge({
      'catalog.list': () => ({ models: [catalogModel('a'), catalogModel('b')], endpoint: 'x', hasToken: false }),
      'downloads.list': () => [],
      'models.fit': (r) => { if (r.catalogId === 'b') throw new FakeIpcError('NOT_FOUND', 'x'); return fitAdvice({ contextSize: r.contextSize ?? 0 }); },
    });
    const store = createCatalogStore(bridge);
    await store.getState().load();
    await store.getState().loadFits(8192, 'doc1');
    expect(Object.keys(store.getState().fits)).toEqual(['a']);
    expect(store.getState().fits.a?.contextSize).toBe(8192);
    expect(bridge.calls.find((c) => c.channel === 'models.fit')?.request).toEqual({ catalogId: 'a', contextSize: 8192, documentId: 'doc1' });
  });

  it('turns a refused start into a sentence, and keeps the token write-only', async () => {
    const bridge = fakeBridge({
      'downloads.start': () => { throw new FakeIpcError('INVALID_PAYLOAD', 'the URL must name a .gguf file'); },
      'downloads.setToken': ({ token }) => ({ hasToken: token !== '' }),
    });
    const store = createCatalogStore(bridge);
    await store.getState().start({ url: 'https://x/y.bin' });
    expect(store.getState().error?.detail).toMatch(/\.gguf/);
    await store.getState().setToken('hf_abc');
    expect(store.getState().hasToken).toBe(true);
    expect(JSON.stringify(store.getState())).not.toContain('hf_abc');
  });
});

describe('fit and download text', () => {
  it('says what fits, what is tight and what is too large, with the largest context', () => {
    expect(fitText(fitAdvice({ verdict: 'fits', totalBytes: 2 * 2 ** 30, freeBytes: 8 * 2 ** 30, maxContextNow: 32768 })))
      .toBe('Fits: needs 2.00 GiB of 8.00 GiB free · up to 32,768 tokens');
    expect(fitText(fitAdvice({ verdict: 'tight', maxContextNow: 1792, maxContextMachine: 32768 }))).toMatch(/Tight.*1,792 tokens now, 32,768 with other programs closed/);
    expect(fitText(fitAdvice({ verdict: 'too-large', maxContextMachine: 0 }))).toMatch(/Too large for this machine/);
  });

  it('shows bytes, speed and time left', () => {
    expect(downloadText(download('d', { state: 'downloading', doneBytes: 2 ** 30, totalBytes: 2 * 2 ** 30, bytesPerSecond: 10 * 2 ** 20, etaSeconds: 102.4 })))
      .toBe('1.00 GiB of 2.00 GiB · 10.0 MiB/s · 1 min 42 s left');
  });
});
