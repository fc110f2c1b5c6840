import { describe, expect, it } from 'vitest';
import { createRunStore, runPhase } from './runStore';
import { fakeBridge, FakeIpcError } from '../test/fakeBridge';
import { record, SWA_ODD } from '../test/fixtures';

function setup() {
  const bridge = fakeBridge({
    'runs.ask': () => ({ runId: 'r1' }),
    'runs.compare': (r) => ({ compareId: 'c1', runs: r.presetIds.map((p, i) => ({ presetId: p, runId: `c1-${i}` })) }),
    'runs.cancel': () => ({ cancelled: true }),
    'runs.list': ({ documentId }) => [record('old', { documentId })],
  });
  const store = createRunStore(bridge);
  const off = store.getState().listen();
  return { bridge, store, off };
}

describe('run store', () => {
  it('focuses the run it started and streams its tokens in order', async () => {
    const { bridge, store } = setup();
    await store.getState().ask({ documentId: 'd1', question: 'Who?', presetId: 'full' });
    expect(store.getState().focus).toEqual({ kind: 'single', runId: 'r1' });
    bridge.emit('run.token', { runId: 'r1', text: 'Hel', index: 0 });
    bridge.emit('run.token', { runId: 'r1', text: 'lo', index: 1 });
    const run = store.getState().runs.r1!;
    expect(run.answer).toBe('Hello');
    expect(run.tokenCount).toBe(2);
    expect(run.status).toBe('running');
    expect(runPhase(run)).toBe('decode');
  });

  it('keeps events that arrive before the request returns', async () => {
    const { bridge, store } = setup();
    bridge.emit('run.progress', { runId: 'r1', phase: 'document', done: 512, total: 2048, elapsedMs: 100 });
    await store.getState().ask({ documentId: 'd1', question: 'Who?', recipe: SWA_ODD });
    const run = store.getState().runs.r1!;
    expect(run.progress.document).toEqual({ done: 512, total: 2048, elapsedMs: 100 });
    expect(run.recipe).toEqual(SWA_ODD);
    expect(runPhase(run)).toBe('document');
  });

  it('records the finished run with its metrics and adds it to the document history', async () => {
    const { bridge, store } = setup();
    await store.getState().loadHistory('d1');
    expect(store.getState().history.map((r) => r.id)).toEqual(['old']);
    await store.getState().ask({ documentId: 'd1', question: 'Who?', presetId: 'full' });
    bridge.emit('run.token', { runId: 'r1', text: 'partial', index: 0 });
    bridge.emit('run.done', { runId: 'r1', run: record('r1', { answer: 'final answer' }) });
    const run = store.getState().runs.r1!;
    expect(run.status).toBe('done');
    expect(run.answer).toBe('final answer');
    expect(run.record?.metrics?.prefillTokens).toBe(1010);
    expect(store.getState().history.map((r) => r.id)).toEqual(['r1', 'old']);
  });

  it('does not add runs of another document to the history', async () => {
    const { bridge, store } = setup();
    await store.getState().loadHistory('d1');
    bridge.emit('run.done', { runId: 'x', run: record('x', { documentId: 'd2' }) });
    expect(store.getState().history.map((r) => r.id)).toEqual(['old']);
  });

  it('shows a cancelled run as cancelled, not as an error', async () => {
    const { bridge, store } = setup();
    await store.getState().ask({ documentId: 'd1', question: 'Who?' });
    const cancelling = store.getState().cancel('r1');
    expect(store.getState().runs.r1!.cancelling).toBe(true);
    await cancelling;
    expect(bridge.calls.at(-1)).toEqual({ channel: 'runs.cancel', request: { runId: 'r1' } });
    bridge.emit('run.error', { runId: 'r1', error: { code: 'SWAA_ERR_CANCELLED', message: 'prefill cancelled' } });
    const run = store.getState().runs.r1!;
    expect(run.status).toBe('cancelled');
    expect(run.error).toBeNull();
    expect(run.cancelling).toBe(false);
  });

  it('explains a failed run in words', async () => {
    const { bridge, store } = setup();
    await store.getState().ask({ documentId: 'd1', question: 'Who?' });
    bridge.emit('run.error', { runId: 'r1', error: { code: 'SWAA_ERR_CONTEXT_OVERFLOW', message: 'the prompt has 9000 tokens' } });
    const run = store.getState().runs.r1!;
    expect(run.status).toBe('error');
    expect(run.error?.message).toMatch(/longer than the context can hold/);
    expect(run.error?.detail).toBe('the prompt has 9000 tokens');
  });

  it('starts a comparison with one pending run per preset', async () => {
    const { store } = setup();
    await store.getState().compare({ documentId: 'd1', question: 'Who?', presetIds: ['full', 'swa'] });
    expect(store.getState().focus).toEqual({ kind: 'compare', compareId: 'c1', runIds: ['c1-0', 'c1-1'] });
    expect(store.getState().runs['c1-1']).toMatchObject({ presetId: 'swa', status: 'pending', compareId: 'c1' });
  });

  it('adds the custom recipe to a comparison as one more run', async () => {
    const { bridge, store } = setup();
    await store.getState().compare({ documentId: 'd1', question: 'Who?', presetIds: ['full'] }, SWA_ODD);
    expect(bridge.calls.at(-1)).toEqual({
      channel: 'runs.ask',
      request: { documentId: 'd1', modelId: undefined, question: 'Who?', recipe: SWA_ODD, maxTokens: undefined },
    });
    expect(store.getState().focus).toEqual({ kind: 'compare', compareId: 'c1', runIds: ['c1-0', 'r1'] });
    expect(store.getState().runs.r1!.recipe).toEqual(SWA_ODD);
  });

  it('reports a refused request where the question was asked', async () => {
    const bridge = fakeBridge({ 'runs.ask': () => { throw new FakeIpcError('BUSY', 'busy'); } });
    const store = createRunStore(bridge);
    expect(await store.getState().ask({ documentId: 'd1', question: 'Who?' })).toBeNull();
    expect(store.getState().submitError?.message).toMatch(/busy/i);
    expect(store.getState().submitting).toBe(false);
  });

  it('stops listening when unsubscribed', () => {
    const { bridge, off } = setup();
    expect(bridge.listenerCount()).toBe(5);
    off();
    expect(bridge.listenerCount()).toBe(0);
  });
});
