import { describe, expect, it } from 'vitest';
import { createSampleStore, missingSamples, sampleQuestions } from './sampleStore';
import { fakeBridge, FakeIpcError } from '../test/fakeBridge';
import type { SampleDocument } from '../contract';

const sample = (file: string, documentId: string | null): SampleDocument => ({
  file, documentId, approxTokens: 1000, questions: [{ question: `What is the manager of ${file}?`, expectedAnswer: null }],
});

describe('sample store', () => {
  it('adds the samples through the engine and gives the first one to select', async () => {
    const bridge = fakeBridge({
      'documents.samples': () => ({ available: true, problem: null, samples: [sample('a.txt', null), sample('b.md', 'd-b')] }),
      'documents.addSamples': () => ({ available: true, problem: null, samples: [sample('a.txt', 'd-a'), sample('b.md', 'd-b')] }),
    });
    const store = createSampleStore(bridge);
    await store.getState().load();
    expect(missingSamples(store.getState().samples).map((s) => s.file)).toEqual(['a.txt']);
    expect(await store.getState().addAll()).toBe('d-a');
    expect(bridge.calls.at(-1)).toEqual({ channel: 'documents.addSamples', request: {} });
    expect(missingSamples(store.getState().samples)).toEqual([]);
    expect(sampleQuestions(store.getState().samples, 'd-b').map((q) => q.question)).toEqual(['What is the manager of b.md?']);
    expect(sampleQuestions(store.getState().samples, 'other')).toEqual([]);
    expect(sampleQuestions(store.getState().samples, null)).toEqual([]);
  });

  it('says why the samples could not be added', async () => {
    const bridge = fakeBridge({ 'documents.addSamples': () => { throw new FakeIpcError('DOC_NOT_FOUND', 'no samples folder'); } });
    const store = createSampleStore(bridge);
    expect(await store.getState().addAll()).toBeNull();
    expect(store.getState().error?.detail).toBe('no samples folder');
    expect(store.getState().adding).toBe(false);
  });

  it('re-reads which samples are in the library when documents change', async () => {
    let n = 0;
    const bridge = fakeBridge({ 'documents.samples': () => ({ available: true, problem: null, samples: [sample('a.txt', n++ ? 'd-a' : null)] }) });
    const store = createSampleStore(bridge);
    const off = store.getState().listen();
    await store.getState().load();
    bridge.emit('library.changed', { kind: 'documents' });
    await new Promise((r) => setTimeout(r, 0));
    expect(store.getState().samples[0]!.documentId).toBe('d-a');
    off();
  });
});
