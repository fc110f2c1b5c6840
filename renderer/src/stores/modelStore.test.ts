import { describe, expect, it } from 'vitest';
import { BROWSER_MODEL_DROP, createModelStore, selectedModel } from './modelStore';
import { fakeBridge, FakeIpcError } from '../test/fakeBridge';
import { model, SWA_ODD } from '../test/fixtures';

describe('model store', () => {
  it('selects one model and unselects the rest', async () => {
    const bridge = fakeBridge({
      'models.list': () => [model('a', { selected: true }), model('b')],
      'models.select': ({ id }) => model(id, { selected: true }),
    });
    const store = createModelStore(bridge);
    await store.getState().refresh();
    await store.getState().select('b');
    expect(selectedModel(store.getState().models)?.id).toBe('b');
    expect(store.getState().models.filter((m) => m.selected)).toHaveLength(1);
  });

  it('explains that the browser cannot open a dropped model, without calling the engine', async () => {
    const bridge = fakeBridge({});
    const store = createModelStore(bridge);
    await store.getState().addFile({ name: 'big.gguf', arrayBuffer: async () => new ArrayBuffer(0) });
    expect(store.getState().error?.message).toBe(BROWSER_MODEL_DROP);
    expect(bridge.calls).toEqual([]);
  });

  it('turns a broken model file into a sentence', async () => {
    const bridge = fakeBridge({ 'models.add': () => { throw new FakeIpcError('SWAA_ERR_NOT_GGUF', 'bad magic'); } });
    const store = createModelStore(bridge);
    await store.getState().addPath('/tmp/x.gguf');
    expect(store.getState().error?.message).toBe('This file is not a GGUF model.');
    expect(store.getState().adding).toBe(false);
  });

  it('keeps only the newest memory estimate when answers arrive out of order', async () => {
    const resolvers: (() => void)[] = [];
    const bridge = fakeBridge({
      'models.estimate': (r) => new Promise((resolve) => resolvers.push(() => resolve({
        modelId: r.id, contextSize: r.contextSize ?? 0, recipe: SWA_ODD, weightBytes: 1, kvBytes: r.contextSize ?? 0,
        totalBytes: 2, systemBytes: 10, fits: true, reason: null,
      }))),
    });
    const store = createModelStore(bridge);
    const older = store.getState().loadEstimate('m', 4096, { presetId: 'p' });
    const newer = store.getState().loadEstimate('m', 8192, { presetId: 'p' });
    resolvers[1]!();
    await newer;
    resolvers[0]!();
    await older;
    expect(store.getState().estimate?.contextSize).toBe(8192);
  });
});
