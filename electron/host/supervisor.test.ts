/**
 * The engine host as a child process, driven through the supervisor as the app and the web server
 * drive it: ask and stream, re-ask from the cached document, cancel mid-prefill, kill the child
 * mid-answer (it restarts, the library is intact), refuse invalid payloads and bad documents.
 * Runs twice: on the scripted runtime (always) and on the real addon + demo model (when built).
 */
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { HostSupervisor } from './supervisor.js';
import { forkSpawner } from './fork-spawner.js';
import { makePdf, tempDir } from '../test/fixtures.js';
import { DEMO_MODEL, EventLog, PRESETS, longText, realRuntimeMissing, writeScriptedModel, writeTestPresets } from '../test/host-harness.js';
import { IpcError, type RunRecord } from '../shared/contract.js';

interface Flavour { name: string; skip: string | null; runtime: 'native' | 'scripted' }
const flavours: Flavour[] = [
  { name: 'scripted runtime', skip: null, runtime: 'scripted' },
  { name: 'native runtime + demo model', skip: realRuntimeMissing(), runtime: 'native' },
];

for (const flavour of flavours) {
  describe(`engine host process (${flavour.name})`, { skip: flavour.skip ?? false }, () => {
    const tmp = tempDir();
    let sup: HostSupervisor;
    const log = new EventLog();
    let docId = '';
    let longDocId = '';

    before(async () => {
      // Slow the scripted runtime enough that a cancel lands mid-prefill.
      process.env.SWAA_SCRIPTED_TICK_MS = '15';
      const scripted = flavour.runtime === 'scripted';
      sup = new HostSupervisor(forkSpawner, {
        dataDir: join(tmp.dir, 'data'), mode: 'test', runtime: flavour.runtime,
        demoModelPath: scripted ? writeScriptedModel(tmp.dir) : DEMO_MODEL,
        presetsPath: scripted ? writeTestPresets(tmp.dir) : PRESETS,
      });
      sup.onAny(log.push);
      await sup.start();
      // The demo model reads ~23 tokens per test sentence; small chunks make progress (and cancel) fine-grained.
      if (!scripted) await sup.invoke('settings.set', { contextSize: 4096, chunkSize: 64, maxTokens: 24 });
    });
    after(async () => {
      await sup?.stop();
      tmp.cleanup();
    });

    test('adds a PDF and answers a question, streaming progress, tokens and metrics', async () => {
      const pdfPath = join(tmp.dir, 'harbour.pdf');
      writeFileSync(pdfPath, await makePdf({ pages: [longText(flavour.runtime === 'scripted' ? 60 : 16, 'The harbour master is Ingrid Solberg.'), 'Appendix: none.'] }));
      const doc = await sup.invoke('documents.add', { path: pdfPath });
      assert.equal(doc.format, 'pdf');
      assert.equal(doc.pages, 2);
      docId = doc.id;
      const presets = await sup.invoke('presets.list', {});
      const presetId = presets.presets[0]!.id;
      const { runId } = await sup.invoke('runs.ask', { documentId: docId, question: 'Who is the harbour master?', presetId, maxTokens: 16 });
      const done = await log.waitFor((e) => (e.event === 'run.done' || e.event === 'run.error') && e.payload.runId === runId);
      assert.equal(done.event, 'run.done', JSON.stringify(done.payload));
      const run = (done.payload as { run: RunRecord }).run;
      assert.equal(run.status, 'done');
      const tokens = log.of('run.token', runId);
      assert.ok(tokens.length > 0, 'streamed tokens');
      assert.equal(tokens.map((t) => t.text).join(''), run.answer);
      const progress = log.of('run.progress', runId).filter((p) => p.phase === 'document');
      assert.ok(progress.length > 0, 'document prefill progress');
      const last = progress[progress.length - 1]!;
      assert.equal(last.done, last.total);
      assert.ok(run.metrics);
      assert.equal(run.metrics.documentCached, false);
      assert.equal(run.metrics.documentTokens, last.total);
      assert.ok(run.metrics.kvBytes > 0);
      assert.equal(run.presetId, presetId);
      const listed = await sup.invoke('documents.get', { id: docId });
      assert.equal(listed.tokenCounts.demo, run.metrics.documentTokens);
    });

    test('re-asking the same document prefills only the question', async () => {
      const presetId = (await sup.invoke('presets.list', {})).presets[0]!.id;
      const { runId } = await sup.invoke('runs.ask', { documentId: docId, question: 'And who built the lighthouse?', presetId, maxTokens: 8 });
      const done = await log.waitFor((e) => e.event === 'run.done' && e.payload.runId === runId);
      const run = (done.payload as { run: RunRecord }).run;
      assert.equal(run.metrics?.documentCached, true);
      assert.equal(run.metrics?.prefillTokens, run.metrics?.questionTokens);
      assert.equal(log.of('run.progress', runId).filter((p) => p.phase === 'document').length, 0);
    });

    test('cancels a run mid-prefill', async () => {
      const txt = join(tmp.dir, 'long.txt');
      writeFileSync(txt, longText(flavour.runtime === 'scripted' ? 600 : 120));
      longDocId = (await sup.invoke('documents.add', { path: txt })).id;
      const { runId } = await sup.invoke('runs.ask', { documentId: longDocId, question: 'What is the vault code?', maxTokens: 8,
        recipe: { window: 64, sinks: 4, faLayers: { kind: 'none' }, faDecode: true, questionFa: false } });
      const first = await log.waitFor((e) => (e.event === 'run.progress' && e.payload.runId === runId && e.payload.phase === 'document') ||
        (e.event === 'run.error' && e.payload.runId === runId));
      assert.equal(first.event, 'run.progress', JSON.stringify(first.payload));
      assert.deepEqual(await sup.invoke('runs.cancel', { runId }), { cancelled: true });
      const done = await log.waitFor((e) => (e.event === 'run.done' || e.event === 'run.error') && e.payload.runId === runId);
      assert.equal(done.event, 'run.done', JSON.stringify(done.payload));
      const run = (done.payload as { run: RunRecord }).run;
      assert.equal(run.status, 'cancelled');
      const doc = log.of('run.progress', runId).filter((p) => p.phase === 'document');
      assert.ok(doc[doc.length - 1]!.done < doc[doc.length - 1]!.total, 'stopped before the document was read');
      assert.equal(log.of('run.token', runId).length, 0);
    });

    test('survives the host process being killed mid-answer: restarts, library intact, next run works', async () => {
      const pidBefore = sup.pid;
      const { runId } = await sup.invoke('runs.ask', { documentId: docId, question: 'Tell me everything about the harbour.', maxTokens: 64,
        presetId: (await sup.invoke('presets.list', {})).presets[0]!.id });
      // Two pieces streamed: the first is in the library at once (runner.ts saves the answer as it streams).
      await log.waitFor((e) => e.event === 'run.token' && e.payload.runId === runId && e.payload.index >= 1);
      const streamed = log.of('run.token', runId).map((t) => t.text).join('');
      sup.killChild();
      const err = await log.waitFor((e) => e.event === 'run.error' && e.payload.runId === runId);
      assert.equal((err.payload as { error: { code: string } }).error.code, 'HOST_CRASHED');
      await log.waitFor((e) => e.event === 'host.status' && e.payload.state === 'restarted');
      assert.notEqual(sup.pid, pidBefore);
      const info = await sup.invoke('app.info', {});
      assert.equal(info.hostRestarts, 1);
      const docs = await sup.invoke('documents.list', {});
      assert.deepEqual(docs.map((d) => d.id).sort(), [docId, longDocId].sort());
      const killed = await sup.invoke('runs.get', { runId });
      assert.equal(killed.status, 'error');
      assert.equal(killed.error?.code, 'HOST_CRASHED');
      // The partial answer survived the crash: at least the first piece, never more than was streamed.
      assert.ok(killed.answer.length > 0, 'the answer so far is kept');
      assert.ok(streamed.startsWith(killed.answer) || killed.answer.startsWith(streamed),
        `the kept answer ${JSON.stringify(killed.answer)} is the streamed one ${JSON.stringify(streamed)} (or more of it)`);
      const runs = await sup.invoke('runs.list', { documentId: docId });
      assert.equal(runs.filter((r) => r.status === 'done').length, 2, 'earlier answers kept');
      const again = await sup.invoke('runs.ask', { documentId: docId, question: 'Who is the harbour master?', maxTokens: 4,
        presetId: (await sup.invoke('presets.list', {})).presets[0]!.id });
      const done = await log.waitFor((e) => (e.event === 'run.done' || e.event === 'run.error') && e.payload.runId === again.runId);
      assert.equal(done.event, 'run.done', JSON.stringify(done.payload));
      // The new process restored the document from the on-disk KV cache instead of prefilling it.
      assert.equal((done.payload as { run: RunRecord }).run.metrics?.restoredFromDisk, true);
    });

    test('refuses invalid payloads before they reach the host', async () => {
      await assert.rejects(sup.invokeUnknown('runs.ask', { documentId: 5, question: 'x' }), (e: unknown) => e instanceof IpcError && e.code === 'INVALID_PAYLOAD');
      await assert.rejects(sup.invokeUnknown('runs.ask', { documentId: docId, question: '   ' }), { code: 'INVALID_PAYLOAD' });
      await assert.rejects(sup.invokeUnknown('settings.set', { contextSize: -1 }), { code: 'INVALID_PAYLOAD' });
      await assert.rejects(sup.invokeUnknown('settings.set', { hacker: true }), { code: 'INVALID_PAYLOAD' });
      await assert.rejects(sup.invokeUnknown('fs.readFile', { path: '/etc/passwd' }), { code: 'UNKNOWN_CHANNEL' });
      await assert.rejects(sup.invoke('runs.ask', { documentId: 'nope', question: 'x' }), { code: 'NOT_FOUND' });
      await assert.rejects(sup.invoke('runs.ask', { documentId: docId, question: 'x', presetId: 'no-such-preset' }), { code: 'PRESET_NOT_FOUND' });
    });

    test('refuses bad documents across the process boundary with their specific codes', async () => {
      const locked = join(tmp.dir, 'locked.pdf');
      writeFileSync(locked, await makePdf({ pages: ['secret'], userPassword: 'pw' }));
      await assert.rejects(sup.invoke('documents.add', { path: locked }), { code: 'DOC_ENCRYPTED' });
      const empty = join(tmp.dir, 'empty.md');
      writeFileSync(empty, '   \n');
      await assert.rejects(sup.invoke('documents.add', { path: empty }), { code: 'DOC_EMPTY' });
      const exe = join(tmp.dir, 'tool.exe');
      writeFileSync(exe, Buffer.from([0x4d, 0x5a, 0, 0, 3, 0]));
      await assert.rejects(sup.invoke('documents.add', { path: exe }), { code: 'DOC_UNSUPPORTED_TYPE' });
      const corrupt = join(tmp.dir, 'corrupt.docx');
      writeFileSync(corrupt, Buffer.from('PK\x03\x04garbage'));
      await assert.rejects(sup.invoke('documents.add', { path: corrupt }), { code: 'DOC_CORRUPT' });
      assert.equal((await sup.invoke('documents.list', {})).length, 2, 'nothing half-read was stored');
    });

    test('compares presets on one question, one run per preset', async () => {
      const presets = (await sup.invoke('presets.list', {})).presets.slice(0, 2).map((p) => p.id);
      const { compareId, runs } = await sup.invoke('runs.compare', { documentId: docId, question: 'Who is the harbour master?', presetIds: presets, maxTokens: 4 });
      assert.equal(runs.length, presets.length);
      for (const r of runs) {
        const done = await log.waitFor((e) => (e.event === 'run.done' || e.event === 'run.error') && e.payload.runId === r.runId);
        assert.equal(done.event, 'run.done', JSON.stringify(done.payload));
        const run = (done.payload as { run: RunRecord }).run;
        assert.equal(run.compareId, compareId);
        assert.equal(run.presetId, r.presetId);
      }
    });
  });
}
