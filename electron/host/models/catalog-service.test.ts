/**
 * The catalog channels through the engine host (in-process, real runtime): a catalog model is
 * downloaded from a local Hugging Face-like server, verified, registered and then asked; the fit
 * advisor answers for it before and after; a partial file is never listed as a model.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { EngineHost } from '../host.js';
import { loadRuntime } from '../start-host.js';
import type { AnyEvent, DownloadStatus } from '../../shared/contract.js';
import { tempDir } from '../../test/fixtures.js';
import { DEMO_MODEL, PRESETS, realRuntimeMissing } from '../../test/host-harness.js';
import { startFakeHf } from '../../test/fake-hf.js';
import { writeTestCatalog } from '../../test/catalog-fixture.js';

const GiB = 2 ** 30;

test('catalog → download → verified model → fit → a run completes', { skip: realRuntimeMissing() ?? false }, async () => {
  const tmp = tempDir();
  const cat = await writeTestCatalog(tmp.dir);
  const hf = await startFakeHf(cat.files.map((f) => ({ ...f, dropAfterBytes: 1_000_000 })));
  const events: AnyEvent[] = [];
  const host = new EngineHost({
    dataDir: join(tmp.dir, 'data'), mode: 'test', runtime: await loadRuntime('native'), demoModelPath: DEMO_MODEL, presetsPath: PRESETS,
    emit: (event, payload) => events.push({ event, payload } as AnyEvent),
    catalog: { catalogPath: cat.catalogPath, env: { HF_ENDPOINT: hf.url }, memory: () => ({ freeBytes: 8 * GiB, totalBytes: 16 * GiB }) },
  });
  try {
    const listed = await host.call('catalog.list', {});
    assert.equal(listed.endpoint, hf.url);
    assert.equal(listed.models[0]?.verification, 'pinned');
    assert.equal(listed.models[0]?.modelId, null);
    // Before download: the fit from the catalog's shape.
    const before = await host.call('models.fit', { catalogId: cat.qwenId, contextSize: 4096 });
    assert.equal(before.verdict, 'fits');
    assert.equal(before.target.recipe.faLayers.kind, 'odd', 'qwen3 parity');
    // The first attempt loses the connection; the part is kept but not a model.
    const a = await host.call('downloads.start', { catalogId: cat.qwenId });
    const first = await host.catalog.downloads.wait(a.id);
    assert.equal(first.state, 'error');
    assert.equal(first.error?.code, 'DOWNLOAD_NETWORK');
    assert.equal((await host.call('models.list', {})).length, 1, 'only the demo model');
    assert.equal((await host.call('downloads.list', {})).find((d) => d.id === a.id)?.resumable, true);
    const b = await host.call('downloads.start', { catalogId: cat.qwenId });
    const done: DownloadStatus = await host.catalog.downloads.wait(b.id);
    assert.equal(done.state, 'done', JSON.stringify(done.error));
    const models = await host.call('models.list', {});
    const got = models.find((m) => m.id === done.modelId);
    assert.equal(got?.architecture, 'qwen3');
    assert.equal((await host.call('catalog.list', {})).models[0]?.modelId, done.modelId);
    assert.ok(events.some((e) => e.event === 'download.progress' && e.payload.state === 'downloading'));
    // After: the fit of the local model, with the runtime's own KV count once loaded.
    const after = await host.call('models.fit', { modelId: done.modelId!, contextSize: 4096, presetId: 'full' });
    assert.equal(after.kvBytes, 3 * 2 * 2 * 2 * 128 * 4096);
    // And it answers (random weights: the run completes, the text is noise).
    const doc = await host.call('documents.upload', { name: 'd.txt', dataBase64: Buffer.from('The vault code is 4812. '.repeat(40)).toString('base64') });
    await host.call('models.select', { id: done.modelId! });
    const { runId } = await host.call('runs.ask', { documentId: doc.id, question: 'What is the vault code?', maxTokens: 4 });
    await host.idle();
    const run = await host.call('runs.get', { runId });
    assert.equal(run.status, 'done', JSON.stringify(run.error));
    assert.equal(run.modelId, done.modelId);
  } finally {
    host.dispose();
    await hf.close();
    tmp.cleanup();
  }
});

test('the access token is kept but never returned', { skip: realRuntimeMissing() ?? false }, async () => {
  const tmp = tempDir();
  const host = new EngineHost({ dataDir: join(tmp.dir, 'data'), mode: 'test', runtime: await loadRuntime('native'), demoModelPath: DEMO_MODEL,
    presetsPath: PRESETS, emit: () => undefined, catalog: { env: {} } });
  try {
    assert.deepEqual(await host.call('downloads.setToken', { token: 'hf_secret' }), { hasToken: true });
    const listed = await host.call('catalog.list', {});
    assert.equal(listed.hasToken, true);
    assert.ok(!JSON.stringify(listed).includes('hf_secret'));
    assert.ok(!JSON.stringify(await host.call('settings.get', {})).includes('hf_secret'));
    assert.deepEqual(await host.call('downloads.setToken', { token: '' }), { hasToken: false });
  } finally {
    host.dispose();
    tmp.cleanup();
  }
});
