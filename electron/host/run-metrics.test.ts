/**
 * Honest per-run metrics through the host's own ask path: forced cold runs (live context and saved
 * KV dropped first) against cached ones, the labels both carry, the token-limit stop, and — on the
 * real runtime with the demo model — a small run after a large one reporting a small peak.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { EngineHost } from './host.js';
import { loadRuntime } from './start-host.js';
import { tempDir } from '../test/fixtures.js';
import { DEMO_MODEL, EventLog, longText, PRESETS, realRuntimeMissing, writeScriptedModel, writeTestPresets } from '../test/host-harness.js';
import type { AnyEvent, RunRecord } from '../shared/contract.js';
import { cacheLabel, runAddedBytes, stopNote } from '../shared/run-facts.js';

/** `reuse`: the folder of an earlier host (its data, model and presets), as a later session would find them. */
async function makeHost(kind: 'scripted' | 'native', reuse?: ReturnType<typeof tempDir>) {
  const tmp = reuse ?? tempDir();
  const log = new EventLog();
  const host = new EngineHost({
    dataDir: join(tmp.dir, 'data'), mode: 'test', runtime: await loadRuntime(kind),
    emit: (event, payload) => log.push({ event, payload } as AnyEvent),
    demoModelPath: kind === 'native' ? DEMO_MODEL : writeScriptedModel(tmp.dir),
    presetsPath: kind === 'native' ? PRESETS : writeTestPresets(tmp.dir),
  });
  const addText = async (name: string, text: string) => {
    const p = join(tmp.dir, name);
    writeFileSync(p, text);
    return (await host.call('documents.add', { path: p })).id;
  };
  const finished = async (runId: string): Promise<RunRecord> => {
    const e = await log.waitFor((x) => (x.event === 'run.done' || x.event === 'run.error') && x.payload.runId === runId, 120_000);
    if (e.event === 'run.done') return e.payload.run;
    throw new Error(`run failed: ${JSON.stringify(e.payload)}`);
  };
  const ask = async (req: { documentId: string; question?: string; presetId?: string; maxTokens?: number; cold?: boolean }) =>
    finished((await host.call('runs.ask', { question: 'What is the vault code?', ...req })).runId);
  return { host, tmp, addText, finished, ask };
}

const cacheFiles = (dataDir: string) => readdirSync(join(dataDir, 'kv-cache')).filter((f) => f.endsWith('.kv'));

test('cold: drops the live context and the saved KV first; cached and cold runs say which they were', async () => {
  const h = await makeHost('scripted');
  const dataDir = join(h.tmp.dir, 'data');
  let second: Awaited<ReturnType<typeof makeHost>> | null = null;
  try {
    const doc = await h.addText('a.txt', longText(60));
    const first = await h.ask({ documentId: doc, maxTokens: 2 });
    assert.equal(cacheLabel(first.metrics!), 'cold');
    assert.equal(first.metrics!.prefillTokens, first.metrics!.documentTokens + first.metrics!.questionTokens);
    const saved = cacheFiles(dataDir);
    assert.equal(saved.length, 1);

    const again = await h.ask({ documentId: doc, maxTokens: 2 });
    assert.equal(cacheLabel(again.metrics!), 'cached (memory)');
    assert.equal(again.metrics!.prefillTokens, again.metrics!.questionTokens);

    const cold = await h.ask({ documentId: doc, maxTokens: 2, cold: true });
    assert.equal(cacheLabel(cold.metrics!), 'cold (forced)');
    assert.equal(cold.metrics!.prefillTokens, cold.metrics!.documentTokens + cold.metrics!.questionTokens);
    assert.equal(cold.metrics!.forcedCold, true);

    // A new host (a later session) restores the document from disk unless told to start cold.
    h.host.dispose();
    second = await makeHost('scripted', h.tmp);
    const docs = await second.host.call('documents.list', {});
    const restored = await second.ask({ documentId: docs[0]!.id, maxTokens: 2 });
    assert.equal(cacheLabel(restored.metrics!), 'cached (disk)');
    second.host.dispose();
    second = await makeHost('scripted', h.tmp);
    const coldAgain = await second.ask({ documentId: docs[0]!.id, maxTokens: 2, cold: true });
    assert.equal(coldAgain.metrics!.restoredFromDisk, false);
    assert.equal(coldAgain.metrics!.documentCached, false);
  } finally { h.host.dispose(); second?.host.dispose(); h.tmp.cleanup(); }
});

test('runs.compare with cold: every preset reads the whole document, even one cached just before', async () => {
  const h = await makeHost('scripted');
  try {
    const doc = await h.addText('a.txt', longText(60));
    await h.ask({ documentId: doc, presetId: 'full', maxTokens: 2 });
    const plain = await h.host.call('runs.compare', { documentId: doc, question: 'q?', presetIds: ['full', 'fast'], maxTokens: 2 });
    const plainRuns = await Promise.all(plain.runs.map((r) => h.finished(r.runId)));
    assert.deepEqual(plainRuns.map((r) => cacheLabel(r.metrics!)), ['cached (memory)', 'cold']);
    const cold = await h.host.call('runs.compare', { documentId: doc, question: 'q?', presetIds: ['full', 'fast'], maxTokens: 2, cold: true });
    const coldRuns = await Promise.all(cold.runs.map((r) => h.finished(r.runId)));
    assert.deepEqual(coldRuns.map((r) => cacheLabel(r.metrics!)), ['cold (forced)', 'cold (forced)']);
  } finally { h.host.dispose(); h.tmp.cleanup(); }
});

test('a run cut by maxTokens records stopReason maxTokens and says so; the peak is measured for the run', async () => {
  const h = await makeHost('scripted');
  try {
    const doc = await h.addText('a.txt', longText(20));
    const cut = await h.ask({ documentId: doc, maxTokens: 2 });
    assert.equal(cut.stopReason, 'maxTokens');
    assert.equal(cut.metrics!.decodeTokens, 2);
    assert.equal(stopNote(cut), 'stopped at the 2-token limit');
    const whole = await h.ask({ documentId: doc, maxTokens: 200 });
    assert.equal(whole.stopReason, 'eog');
    assert.equal(stopNote(whole), null);
    const m = whole.metrics!;
    assert.ok(m.peakRssMethod === 'highWaterMark' || m.peakRssMethod === 'sampled');
    assert.ok(m.rssAtStartBytes !== undefined && m.rssAtStartBytes > 0 && m.rssAtStartBytes <= m.peakRssBytes);
    assert.equal(runAddedBytes(m), m.peakRssBytes - m.rssAtStartBytes);
    // The record read back from the library carries the same run-scoped numbers.
    assert.deepEqual((await h.host.call('runs.get', { runId: whole.id })).metrics, m);
  } finally { h.host.dispose(); h.tmp.cleanup(); }
});

test('real runtime: a small run after a large one reports a small peak', { skip: realRuntimeMissing() ?? false }, async () => {
  const h = await makeHost('native');
  try {
    // Large: the demo model's whole trained context with big prefill chunks (KV + compute ≈ 50 MiB).
    await h.host.call('settings.set', { contextSize: 8192, chunkSize: 2048, persistKvCache: false });
    const big = await h.addText('big.txt', longText(330));
    // Both documents are read first: reading runs in a worker thread whose memory the process keeps for a
    // while, and that must not land in one run's peak and not the other's.
    const small = await h.addText('small.txt', longText(10));
    const large = await h.ask({ documentId: big, presetId: 'full', maxTokens: 4 });
    assert.equal(large.status, 'done');
    const held = large.metrics!.kvBytes + large.metrics!.computeBytes;
    assert.ok(held > 32 * 1024 * 1024, `the large run holds ${held} bytes of KV and compute buffers`);
    // Small: a short document at a small context with another recipe. `cold` releases the model's live
    // contexts (the large one included) before the run starts, so their buffers are freed; the
    // process's all-time peak stays put, so a lifetime high-water mark would report the large peak again.
    await h.host.call('settings.set', { contextSize: 1024, chunkSize: 256 });
    const after = await h.ask({ documentId: small, presetId: 'fastest', maxTokens: 4, cold: true });
    assert.equal(after.status, 'done');
    assert.ok(after.metrics!.kvBytes < large.metrics!.kvBytes);
    assert.ok(after.metrics!.peakRssBytes < large.metrics!.peakRssBytes - held / 2,
      `small run peak ${after.metrics!.peakRssBytes} vs large run peak ${large.metrics!.peakRssBytes} (large run held ${held})`);
  } finally { h.host.dispose(); h.tmp.cleanup(); }
});
