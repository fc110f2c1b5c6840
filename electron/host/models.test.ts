/**
 * The model registry through the host (in-process): the demo model is registered by default and
 * cannot be removed; adding a GGUF validates it with the runtime and refuses one that cannot fit.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { EngineHost, memoryFit, MAX_MEMORY_FRACTION } from './host.js';
import { loadRuntime } from './start-host.js';
import { tempDir } from '../test/fixtures.js';
import { DEMO_MODEL, PRESETS, realRuntimeMissing, scriptedHost } from '../test/host-harness.js';

const GiB = 2 ** 30;

test('memory fit: refuses with a reason naming weights, KV and the machine', () => {
  assert.equal(memoryFit(1 * GiB, 1 * GiB, 16 * GiB).fits, true);
  const no = memoryFit(12 * GiB, 4 * GiB, 16 * GiB);
  assert.equal(no.fits, false);
  assert.match(no.reason ?? '', /weights 12\.0 GiB \+ KV cache 4\.0 GiB.*16\.0 GiB/);
  assert.equal(MAX_MEMORY_FRACTION, 0.8);
});

test('registry (scripted runtime): demo by default, add/select/remove, bad files refused', async () => {
  const tmp = tempDir();
  const host = (await scriptedHost(tmp.dir)).host;
  try {
    const [demo] = await host.call('models.list', {});
    assert.equal(demo?.id, 'demo');
    assert.equal(demo?.isDemo, true);
    assert.equal(demo?.selected, true);
    await assert.rejects(host.call('models.remove', { id: 'demo' }), { code: 'NOT_SUPPORTED' });
    const other = join(tmp.dir, 'other.gguf');
    copyFileSync(join(tmp.dir, 'scripted.gguf'), other);
    const added = await host.call('models.add', { path: other });
    assert.equal(added.isDemo, false);
    assert.ok((added.kvBytesAtContext ?? 0) > 0);
    assert.equal((await host.call('models.select', { id: added.id })).selected, true);
    assert.equal((await host.call('models.list', {})).find((m) => m.selected)?.id, added.id);
    assert.deepEqual(await host.call('models.remove', { id: added.id }), { removed: true });
    assert.equal((await host.call('models.list', {})).find((m) => m.selected)?.id, 'demo');
    const junk = join(tmp.dir, 'junk.gguf');
    writeFileSync(junk, 'not a model');
    await assert.rejects(host.call('models.add', { path: junk }), { code: 'SWAA_ERR_NOT_GGUF' });
    await assert.rejects(host.call('models.add', { path: join(tmp.dir, 'missing.gguf') }), { code: 'MODEL_NOT_FOUND' });
  } finally {
    host.dispose();
    tmp.cleanup();
  }
});

test('registry (native runtime): the demo model validates; corrupt and truncated GGUF are refused', { skip: realRuntimeMissing() ?? false }, async () => {
  const tmp = tempDir();
  const host = new EngineHost({ dataDir: join(tmp.dir, 'data'), mode: 'test', runtime: await loadRuntime('native'), emit: () => undefined,
    demoModelPath: DEMO_MODEL, presetsPath: PRESETS });
  try {
    const info = await host.call('app.info', {});
    assert.equal(info.runtimeProblem, null);
    const copy = join(tmp.dir, 'copy.gguf');
    copyFileSync(DEMO_MODEL, copy);
    const added = await host.call('models.add', { path: copy });
    assert.equal(added.architecture, 'qwen3');
    assert.ok((added.nLayer ?? 0) > 0);
    const est = await host.call('models.estimate', { id: added.id, contextSize: 2048 });
    assert.ok(est.kvBytes > 0 && est.fits);
    const junk = join(tmp.dir, 'junk.gguf');
    writeFileSync(junk, 'GGUF but then nonsense');
    await assert.rejects(host.call('models.add', { path: junk }), (e: { code?: string }) => typeof e.code === 'string' && e.code.startsWith('SWAA_ERR_'));
    const { readFileSync } = await import('node:fs');
    const cut = join(tmp.dir, 'cut.gguf');
    const bytes = readFileSync(DEMO_MODEL);
    writeFileSync(cut, bytes.subarray(0, bytes.length >> 1));
    await assert.rejects(host.call('models.add', { path: cut }), (e: { code?: string }) => typeof e.code === 'string' && e.code.startsWith('SWAA_ERR_'));
  } finally {
    host.dispose();
    tmp.cleanup();
  }
});
