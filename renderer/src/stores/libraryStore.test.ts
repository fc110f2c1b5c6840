import { describe, expect, it } from 'vitest';
import { createLibraryStore, type DroppedFile } from './libraryStore';
import { fakeBridge, FakeIpcError } from '../test/fakeBridge';
import { doc } from '../test/fixtures';

function file(name: string, text: string): DroppedFile {
  return { name, arrayBuffer: async () => new TextEncoder().encode(text).buffer as ArrayBuffer };
}

describe('library store', () => {
  it('uploads dropped files as base64 in the browser and selects the new document', async () => {
    const bridge = fakeBridge({
      'documents.upload': ({ name }) => doc(name === 'a.txt' ? 'a' : 'b', { name }),
    });
    const store = createLibraryStore(bridge);
    await store.getState().addFiles([file('a.txt', 'hello'), file('b.md', '# b')]);
    expect(bridge.calls[0]).toEqual({ channel: 'documents.upload', request: { name: 'a.txt', dataBase64: btoa('hello') } });
    expect(store.getState().documents.map((d) => d.id)).toEqual(['b', 'a']);
    expect(store.getState().selectedId).toBe('b');
    expect(store.getState().adding).toEqual([]);
  });

  it('adds by path when the desktop bridge can tell where a dropped file lives', async () => {
    const bridge = fakeBridge({ 'documents.add': ({ path }) => doc('p', { path }) }, { pathForFile: () => '/home/u/a.pdf' });
    const store = createLibraryStore(bridge);
    await store.getState().addFiles([file('a.pdf', '')]);
    expect(bridge.calls).toEqual([{ channel: 'documents.add', request: { path: '/home/u/a.pdf' } }]);
  });

  it('keeps a refused file’s name and reason and still adds the others', async () => {
    const bridge = fakeBridge({
      'documents.upload': ({ name }) => {
        if (name === 'broken.pdf') throw new FakeIpcError('DOC_CORRUPT', 'bad xref table');
        return doc('ok');
      },
    });
    const store = createLibraryStore(bridge);
    await store.getState().addFiles([file('broken.pdf', '%PDF-1.7 junk'), file('ok.txt', 'fine')]);
    const { problems, documents } = store.getState();
    expect(problems).toHaveLength(1);
    expect(problems[0]!.name).toBe('broken.pdf');
    expect(problems[0]!.error.message).toMatch(/damaged/);
    expect(problems[0]!.error.detail).toBe('bad xref table');
    expect(documents.map((d) => d.id)).toEqual(['ok']);
    store.getState().dismissProblem(0);
    expect(store.getState().problems).toEqual([]);
  });

  it('moves the selection when the selected document is removed', async () => {
    const bridge = fakeBridge({
      'documents.list': () => [doc('a'), doc('b')],
      'documents.remove': () => ({ removed: true }),
      'documents.get': ({ id }) => ({ ...doc(id), text: '<b>not html</b>' }),
    });
    const store = createLibraryStore(bridge);
    await store.getState().refresh();
    expect(store.getState().selectedId).toBe('a');
    await store.getState().open('a');
    expect(store.getState().opened?.text).toBe('<b>not html</b>');
    await store.getState().remove('a');
    expect(store.getState().selectedId).toBe('b');
    expect(store.getState().opened).toBeNull();
  });

  it('re-reads the list when the library says documents changed', async () => {
    let n = 0;
    const bridge = fakeBridge({ 'documents.list': () => [doc(`d${++n}`)] });
    const store = createLibraryStore(bridge);
    const off = store.getState().listen();
    bridge.emit('library.changed', { kind: 'models' });
    bridge.emit('library.changed', { kind: 'documents' });
    await new Promise((r) => setTimeout(r, 0));
    expect(store.getState().documents.map((d) => d.id)).toEqual(['d1']);
    bridge.emit('library.changed', { kind: 'runs' });
    await new Promise((r) => setTimeout(r, 0));
    expect(store.getState().documents.map((d) => d.id)).toEqual(['d2']);
    off();
  });

  it('asks the engine for a document’s tokens once and keeps them on the document', async () => {
    let counts = 0;
    const bridge = fakeBridge({
      'documents.list': () => [doc('a')],
      'documents.tokens': ({ id, modelId }) => { counts++; return { documentId: id, modelId: modelId ?? 'm', tokens: 4022, answerRoom: 16 }; },
    });
    const store = createLibraryStore(bridge);
    await store.getState().refresh();
    const first = store.getState().countTokens('a', 'demo');
    const again = store.getState().countTokens('a', 'demo');
    await Promise.all([first, again]);
    expect(counts).toBe(1);
    expect(store.getState().documents[0]!.tokenCounts).toEqual({ demo: 4022 });
    expect(store.getState().answerRoom).toBe(16);
    await store.getState().countTokens('a', 'demo');
    expect(counts).toBe(1);
  });

  it('keeps why a document could not be counted, without asking again and again', async () => {
    let counts = 0;
    const bridge = fakeBridge({ 'documents.tokens': () => { counts++; throw new FakeIpcError('RUNTIME_UNAVAILABLE', 'addon missing'); } });
    const store = createLibraryStore(bridge);
    await store.getState().countTokens('a', 'demo');
    await store.getState().countTokens('a', 'demo');
    expect(counts).toBe(1);
    expect(store.getState().countErrors['a|demo']?.detail).toBe('addon missing');
    expect(store.getState().counting).toEqual([]);
  });
});

