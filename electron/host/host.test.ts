/**
 * The host in-process (scripted runtime): queueing and cancelling queued runs, the context-size
 * check, the on-disk KV cache under its size cap (least recently used first), and removal.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../test/fixtures.js';
import { longText, scriptedHost } from '../test/host-harness.js';
import type { RunRecord } from '../shared/contract.js';

async function makeHost() {
  const tmp = tempDir();
  const { host, log } = await scriptedHost(tmp.dir);
  const addText = async (name: string, text: string) => {
    const p = join(tmp.dir, name);
    writeFileSync(p, text);
    return (await host.call('documents.add', { path: p })).id;
  };
  const finished = async (runId: string) => {
    const e = await log.waitFor((x) => (x.event === 'run.done' || x.event === 'run.error') && x.payload.runId === runId);
    if (e.event === 'run.done') return e.payload.run;
    if (e.event === 'run.error') return { status: 'error', error: e.payload.error } as unknown as RunRecord;
    throw new Error('unreachable');
  };
  return { host, log, tmp, addText, finished, cacheFiles: () => readdirSync(join(tmp.dir, 'data', 'kv-cache')).filter((f) => f.endsWith('.kv')) };
}

test('a run queued behind another can be cancelled before it starts', async () => {
  const h = await makeHost();
  try {
    const doc = await h.addText('a.txt', longText(200));
    const first = await h.host.call('runs.ask', { documentId: doc, question: 'one?', maxTokens: 3 });
    const second = await h.host.call('runs.ask', { documentId: doc, question: 'two?', maxTokens: 3 });
    assert.deepEqual(await h.host.call('runs.cancel', { runId: second.runId }), { cancelled: true });
    assert.equal((await h.finished(second.runId)).status, 'cancelled');
    assert.equal((await h.finished(first.runId)).status, 'done');
    assert.equal(h.log.of('run.token', second.runId).length, 0);
    assert.deepEqual(await h.host.call('runs.cancel', { runId: second.runId }), { cancelled: false });
  } finally { h.host.dispose(); h.tmp.cleanup(); }
});

test('a document longer than the context is refused with a clear SWAA_ERR_CONTEXT_OVERFLOW', async () => {
  const h = await makeHost();
  try {
    await h.host.call('settings.set', { contextSize: 256 });
    const doc = await h.addText('long.txt', longText(100));
    const { runId } = await h.host.call('runs.ask', { documentId: doc, question: 'code?' });
    const run = await h.finished(runId);
    assert.equal(run.status, 'error');
    assert.equal(run.error?.code, 'SWAA_ERR_CONTEXT_OVERFLOW');
    assert.match(run.error?.message ?? '', /context holds 256/);
    assert.equal((await h.host.call('runs.get', { runId })).status, 'error');
  } finally { h.host.dispose(); h.tmp.cleanup(); }
});

test('document KV caches are saved once, kept under the cap (LRU), and removed with their document', async () => {
  const h = await makeHost();
  try {
    const a = await h.addText('a.txt', longText(40, 'Alpha.'));
    const b = await h.addText('b.txt', longText(40, 'Beta.'));
    const ask = async (documentId: string) => h.finished((await h.host.call('runs.ask', { documentId, question: 'q?', maxTokens: 2 })).runId);
    await ask(a);
    assert.equal(h.cacheFiles().length, 1);
    await ask(a); // cached in memory: nothing new written
    assert.equal(h.cacheFiles().length, 1);
    await ask(b);
    assert.equal(h.cacheFiles().length, 2);
    // A cap that holds one entry keeps only the most recently used one.
    const oneEntry = statSync(join(h.tmp.dir, 'data', 'kv-cache', h.cacheFiles()[0]!)).size;
    await h.host.call('settings.set', { kvCacheCapBytes: Math.floor(oneEntry * 1.5) });
    const c = await h.addText('c.txt', longText(40, 'Gamma.'));
    await ask(c);
    assert.equal(h.cacheFiles().length, 1);
    const kept = h.host.library.db.prepare('SELECT document_id FROM kv_cache').all() as { document_id: string }[];
    assert.deepEqual(kept.map((r) => r.document_id), [c]);
    await h.host.call('documents.remove', { id: c });
    assert.equal(h.cacheFiles().length, 0);
    assert.equal((await h.host.call('documents.list', {})).length, 2);
  } finally { h.host.dispose(); h.tmp.cleanup(); }
});
