/**
 * Document token counts before asking, the structured context-overflow error, and the bundled
 * samples — on the host in-process with the scripted runtime (its tokens are whitespace words).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { MIN_ANSWER_ROOM } from './host.js';
import { defaultSamplesDir } from './paths.js';
import { tempDir } from '../test/fixtures.js';
import { longText, scriptedHost } from '../test/host-harness.js';
import { CONTEXT_STEP, neededContext } from './engine/context-fit.js';

const words = (text: string) => text.split(/\s+/).filter(Boolean).length;

async function makeHost(samplesDir = defaultSamplesDir()) {
  const tmp = tempDir();
  const { host, log } = await scriptedHost(tmp.dir, { samplesDir });
  const addText = async (name: string, text: string) => {
    const p = join(tmp.dir, name);
    writeFileSync(p, text);
    return (await host.call('documents.add', { path: p })).id;
  };
  return { host, log, tmp, addText, done: () => { host.dispose(); tmp.cleanup(); } };
}

test('an added document is counted for the selected model in the background, as a run will prefill it', async () => {
  const h = await makeHost();
  try {
    const text = longText(30);
    const id = await h.addText('a.txt', text);
    await h.host.idle();
    const listed = (await h.host.call('documents.list', {})).find((d) => d.id === id)!;
    assert.equal(listed.tokenCounts.demo, words(text));
    assert.ok(h.log.events.filter((e) => e.event === 'library.changed' && e.payload.kind === 'documents').length >= 2,
      'the count is announced, so lists re-read it');
    const counted = await h.host.call('documents.tokens', { id });
    assert.deepEqual(counted, { documentId: id, modelId: 'demo', tokens: words(text), answerRoom: MIN_ANSWER_ROOM });
    // The run prefills exactly the counted document tokens.
    const { runId } = await h.host.call('runs.ask', { documentId: id, question: 'code?', maxTokens: 2 });
    const done = await h.log.waitFor((e) => e.event === 'run.done' && e.payload.runId === runId);
    assert.equal(done.event === 'run.done' && done.payload.run.metrics?.documentTokens, counted.tokens);
  } finally { h.done(); }
});

test('documents.tokens counts on request and refuses an unknown document', async () => {
  const h = await makeHost();
  try {
    const id = await h.addText('b.txt', 'alpha beta gamma');
    const r = await h.host.call('documents.tokens', { id, modelId: 'demo' });
    assert.equal(r.tokens, 3);
    await assert.rejects(h.host.call('documents.tokens', { id: 'nope' }), { code: 'NOT_FOUND' });
    await assert.rejects(h.host.call('documents.tokens', { id, modelId: 'nope' }), { code: 'MODEL_NOT_FOUND' });
  } finally { h.done(); }
});

test('a prompt past the context fails with its numbers and names no control', async () => {
  const h = await makeHost();
  try {
    await h.host.call('settings.set', { contextSize: 256 });
    const text = longText(100);
    const id = await h.addText('long.txt', text);
    const { runId } = await h.host.call('runs.ask', { documentId: id, question: 'code?' });
    const e = await h.log.waitFor((x) => x.event === 'run.error' && x.payload.runId === runId);
    assert.ok(e.event === 'run.error');
    const { error } = e.payload;
    assert.equal(error.code, 'SWAA_ERR_CONTEXT_OVERFLOW');
    const prompt = words(text) + words('Question: code? Answer:');
    assert.deepEqual(error.overflow, {
      promptTokens: prompt, contextSize: 256, answerRoom: MIN_ANSWER_ROOM,
      neededContext: neededContext(prompt, MIN_ANSWER_ROOM), trainedContext: 32768,
    });
    assert.doesNotMatch(error.message, /Settings/);
    // The stored run keeps the numbers too (the app shows them again after a reload).
    assert.deepEqual((await h.host.call('runs.get', { runId })).error?.overflow, error.overflow);
  } finally { h.done(); }
});

test('neededContext is the smallest whole step that holds the prompt and the answer room', () => {
  assert.equal(neededContext(240, 16), 256);
  assert.equal(neededContext(241, 16), 512);
  assert.equal(neededContext(0, 16), CONTEXT_STEP);
  for (const p of [1, 255, 1000, 4097]) {
    const n = neededContext(p, 16);
    assert.ok(n % CONTEXT_STEP === 0 && n >= p + 16 && n - CONTEXT_STEP < p + 16);
  }
});

test('the bundled samples are listed with their questions, added once, and recognised when dropped', async () => {
  const h = await makeHost();
  try {
    const expected = JSON.parse(readFileSync(join(defaultSamplesDir(), 'questions.json'), 'utf8')) as { file: string; questions: unknown[] }[];
    const before = await h.host.call('documents.samples', {});
    assert.equal(before.available, true);
    assert.deepEqual(before.samples.map((s) => [s.file, s.documentId, s.questions.length]),
      expected.map((e) => [e.file, null, e.questions.length]));
    assert.equal((await h.host.call('documents.list', {})).length, 0, 'listing adds nothing');

    const added = await h.host.call('documents.addSamples', {});
    const docs = await h.host.call('documents.list', {});
    assert.equal(docs.length, expected.length);
    assert.deepEqual(added.samples.map((s) => docs.find((d) => d.id === s.documentId)?.name), expected.map((e) => e.file));
    await h.host.call('documents.addSamples', {});
    assert.equal((await h.host.call('documents.list', {})).length, expected.length, 'adding again adds nothing');

    // A sample uploaded by hand (web mode) is the same document, so its questions apply.
    const first = expected[0]!.file;
    await h.host.call('documents.remove', { id: added.samples[0]!.documentId! });
    const uploaded = await h.host.call('documents.upload', { name: first, dataBase64: readFileSync(join(defaultSamplesDir(), first)).toString('base64') });
    assert.equal((await h.host.call('documents.samples', {})).samples[0]!.documentId, uploaded.id);
  } finally { h.done(); }
});

test('samples read only plain file names inside their folder, and say when the folder is missing', async () => {
  const tmp = tempDir();
  const dir = join(tmp.dir, 'samples');
  mkdirSync(dir);
  writeFileSync(join(tmp.dir, 'secret.txt'), 'not a sample');
  writeFileSync(join(dir, 'questions.json'), JSON.stringify([{ file: '../secret.txt', questions: [{ question: 'q?' }] }]));
  const bad = await makeHost(dir);
  const missing = await makeHost(join(tmp.dir, 'nowhere'));
  try {
    const listed = await bad.host.call('documents.samples', {});
    assert.equal(listed.available, false);
    await assert.rejects(bad.host.call('documents.addSamples', {}));
    assert.equal((await bad.host.call('documents.list', {})).length, 0);
    const none = await missing.host.call('documents.samples', {});
    assert.equal(none.available, false);
    assert.match(none.problem ?? '', /not installed/);
  } finally { bad.done(); missing.done(); tmp.cleanup(); }
});
