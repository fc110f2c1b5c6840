/**
 * Conversations and selection through the host (scripted runtime): each run is stored with its
 * question, answer and sampling and reads back after the host is started again on the same data;
 * the selection (document, recipes, custom recipe, model) comes back too; sampling per model and per request.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEMO_SAMPLING_DEFAULTS } from './sampling.js';
import { tempDir } from '../test/fixtures.js';
import { longText, scriptedHost } from '../test/host-harness.js';
import type { RunRecord } from '../shared/contract.js';

async function hostOn(dir: string) {
  const { host, log } = await scriptedHost(dir);
  const finished = async (runId: string): Promise<RunRecord> => {
    const e = await log.waitFor((x) => (x.event === 'run.done' || x.event === 'run.error') && x.payload.runId === runId);
    if (e.event !== 'run.done') throw new Error(`run ${runId} failed`);
    return e.payload.run;
  };
  const addText = async (name: string, text: string) => {
    const p = join(dir, name);
    writeFileSync(p, text);
    return (await host.call('documents.add', { path: p })).id;
  };
  return { host, log, finished, addText };
}

test('questions and answers of each document are kept with their runs and read back after a restart', async () => {
  const tmp = tempDir();
  try {
    const a = await hostOn(tmp.dir);
    const docA = await a.addText('a.txt', longText(40));
    const docB = await a.addText('b.txt', longText(30, 'The door code is 1177.'));
    const r1 = await a.finished((await a.host.call('runs.ask', { documentId: docA, question: 'First?', presetId: 'full', maxTokens: 4 })).runId);
    const r2 = await a.finished((await a.host.call('runs.ask', { documentId: docB, question: 'Other?', presetId: 'fast', maxTokens: 4 })).runId);
    const r3 = await a.finished((await a.host.call('runs.ask', { documentId: docA, question: 'Second?', presetId: 'fast', maxTokens: 4 })).runId);
    assert.ok(r1.answer.length > 0 && r3.answer.length > 0);
    a.host.dispose();

    const b = await hostOn(tmp.dir);
    const onA = await b.host.call('runs.list', { documentId: docA });
    assert.deepEqual(onA.map((r) => [r.id, r.question, r.answer, r.presetId]),
      [[r3.id, 'Second?', r3.answer, 'fast'], [r1.id, 'First?', r1.answer, 'full']], 'newest first, only this document');
    assert.deepEqual((await b.host.call('runs.list', { documentId: docB })).map((r) => r.id), [r2.id]);
    const reopened = await b.host.call('runs.get', { runId: r1.id });
    assert.deepEqual(reopened, r1, 'a run re-opens exactly as it finished');
    assert.ok(reopened.metrics && reopened.sampling);
    b.host.dispose();
  } finally { tmp.cleanup(); }
});

test('the selection survives a restart and forgets a removed document', async () => {
  const tmp = tempDir();
  try {
    const a = await hostOn(tmp.dir);
    const empty = await a.host.call('selection.get', {});
    assert.deepEqual(empty, { documentId: null, modelId: 'demo', presetIds: [], customRecipe: null });
    const doc = await a.addText('a.txt', longText(10));
    const custom = { window: 64, sinks: 4, faLayers: { kind: 'even' as const }, faDecode: true, questionFa: false };
    await a.host.call('selection.set', { documentId: doc, presetIds: ['fast', 'custom'], customRecipe: custom });
    a.host.dispose();

    const b = await hostOn(tmp.dir);
    assert.deepEqual(await b.host.call('selection.get', {}), { documentId: doc, modelId: 'demo', presetIds: ['fast', 'custom'], customRecipe: custom });
    await assert.rejects(b.host.call('selection.set', { documentId: '' }), /INVALID_PAYLOAD|documentId/);
    await b.host.call('documents.remove', { id: doc });
    assert.equal((await b.host.call('selection.get', {})).documentId, null);
    b.host.dispose();
  } finally { tmp.cleanup(); }
});

test('each run records the sampling it used: the model’s, the person’s changes, this request’s', async () => {
  const tmp = tempDir();
  try {
    const h = await hostOn(tmp.dir);
    const doc = await h.addText('a.txt', longText(10));
    const info = await h.host.call('sampling.get', {});
    assert.equal(info.defaultsFrom, 'demo');
    assert.deepEqual(info.effective, DEMO_SAMPLING_DEFAULTS);

    const plain = await h.finished((await h.host.call('runs.ask', { documentId: doc, question: 'q1', maxTokens: 2 })).runId);
    assert.equal(plain.sampling?.temperature, 0);
    assert.ok(Number.isInteger(plain.sampling?.seed), 'a random seed is drawn and recorded');

    await h.host.call('sampling.set', { overrides: { temperature: 0.7, seed: 11 } });
    const kept = await h.finished((await h.host.call('runs.ask', { documentId: doc, question: 'q2', maxTokens: 2 })).runId);
    assert.deepEqual(kept.sampling, { ...DEMO_SAMPLING_DEFAULTS, temperature: 0.7, seed: 11 });

    const once = await h.finished((await h.host.call('runs.ask', {
      documentId: doc, question: 'q3', maxTokens: 2, sampling: { topP: 0.9, repeatPenalty: 1.1, seed: 7 },
    })).runId);
    assert.deepEqual(once.sampling, { ...DEMO_SAMPLING_DEFAULTS, temperature: 0.7, topP: 0.9, repeatPenalty: 1.1, seed: 7 });
    assert.deepEqual((await h.host.call('sampling.get', {})).overrides, { temperature: 0.7, seed: 11 }, 'a request changes nothing stored');

    await h.host.call('sampling.set', { overrides: {} });
    const { runs } = await h.host.call('runs.compare', { documentId: doc, question: 'q4', presetIds: ['full', 'fast'], maxTokens: 2 });
    const compared = await Promise.all(runs.map((r) => h.finished(r.runId)));
    assert.equal(compared[0]!.sampling?.seed, compared[1]!.sampling?.seed, 'compared presets share one seed');
    await assert.rejects(h.host.call('runs.ask', { documentId: doc, question: 'q', sampling: { temperature: 3 } }), /temperature/);
    h.host.dispose();
  } finally { tmp.cleanup(); }
});
