/**
 * The runtime seen from TypeScript: errors carry the runtime's code, streaming never blocks the
 * event loop, cancel via AbortSignal is honoured within a chunk and leaves the context usable,
 * document reuse, and a saved document state restored in another process.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadModel, SwaaError, type Model } from '../../addon/index.js';
import { ask } from '../../addon/qa.js';
import { demoModelPath, longDocument, missingPrerequisite, repoRoot } from './fixtures.js';

const skip = missingPrerequisite();
if (skip) console.log(`# SKIP runtime tests: ${skip}`);

let modelPromise: Promise<Model> | undefined;
const model = () => (modelPromise ??= loadModel(demoModelPath, { device: 'cpu' }));

test('model facts come from the GGUF', { skip: skip ?? false }, async () => {
  const m = await model();
  assert.equal(m.info.architecture, 'qwen3');
  assert.ok(m.info.nLayer >= 1 && m.info.nHead >= m.info.nHeadKv);
  assert.equal(m.info.backend, 'CPU');
  assert.match(m.hash, /^[0-9a-f]{16}$/);
  const kvFull = m.estimateKvBytes({ contextSize: 4096 });
  // F16 K and V for every layer and position.
  assert.equal(kvFull, 2 * 2 * m.info.nLayer * 4096 * m.info.nHeadKv * m.info.headDim);
  const kvRing = m.estimateKvBytes({ contextSize: 4096, chunkSize: 256, recipe: { window: 256, sinks: 16, faLayers: { kind: 'none' }, faDecode: false, questionFa: false } });
  assert.equal(kvRing, 2 * 2 * m.info.nLayer * (16 + 256 + 256) * m.info.nHeadKv * m.info.headDim);
});

test('tokenize and detokenize round-trip text', { skip: skip ?? false }, async () => {
  const m = await model();
  const text = 'The access code of Mira Castell is 4821.';
  const tokens = m.tokenize(text);
  assert.ok(tokens.length > 3);
  assert.equal(m.detokenize(tokens), text);
  // Special tokens are text only when asked for; tokens outside the vocabulary are an error.
  const eos = m.eos;
  assert.equal(m.detokenize([...tokens, eos]), text);
  assert.equal(m.detokenize([...tokens, eos], true), text + '<|endoftext|>');
  assert.throws(() => m.detokenize([m.info.nVocab + 5]),
    (e: unknown) => e instanceof SwaaError && e.code === 'SWAA_ERR_INVALID_ARGUMENT' && e.message.includes(String(m.info.nVocab + 5)));
});

test('runtime errors carry the runtime code and a specific message', { skip: skip ?? false }, async () => {
  await assert.rejects(loadModel('/nonexistent/file.gguf'), (e: unknown) =>
    e instanceof SwaaError && e.code === 'SWAA_ERR_IO' && e.message.includes('/nonexistent/file.gguf'));
  const dir = mkdtempSync(join(tmpdir(), 'swaa-rt-'));
  const bogus = join(dir, 'bogus.gguf');
  writeFileSync(bogus, 'not a model at all, just text that is long enough');
  await assert.rejects(loadModel(bogus), (e: unknown) => e instanceof SwaaError && e.code === 'SWAA_ERR_NOT_GGUF');
  const m = await model();
  assert.throws(() => m.createContext({ recipe: { window: -3, sinks: 0, faLayers: { kind: 'none' }, faDecode: false, questionFa: false } }),
    (e: unknown) => e instanceof SwaaError && e.code === 'SWAA_ERR_INVALID_RECIPE');
  const ctx = m.createContext({ contextSize: 16 });
  await assert.rejects(ctx.prefill(new Array(40).fill(5), { phase: 'document' }),
    (e: unknown) => e instanceof SwaaError && e.code === 'SWAA_ERR_CONTEXT_OVERFLOW' && e.message.includes('16'));
  ctx.dispose();
});

test('prefill and generation stream without blocking the event loop', { skip: skip ?? false }, async () => {
  const m = await model();
  const ctx = m.createContext({ contextSize: 4096, chunkSize: 128, threads: 2 });
  // The demo model's trained prompt layout, so that it answers rather than ending at once.
  const tokens = m.tokenize(`Document:\n${longDocument(80)}\n\nQuestion: What is the access code of Mira Castell?\nAnswer:`);
  let ticks = 0;
  const timer = setInterval(() => { ticks++; }, 1);
  const progress: number[] = [];
  const ticksAtProgress: number[] = [];
  await ctx.prefill(tokens, { phase: 'document', onProgress: (p) => { progress.push(p.done); ticksAtProgress.push(ticks); } });
  const events: Array<'tick' | 'token'> = [];
  let lastTicks = ticks;
  await ctx.generate({
    maxTokens: 12, sampler: { temperature: 0 },
    onToken: () => { if (ticks !== lastTicks) events.push('tick'); lastTicks = ticks; events.push('token'); },
  });
  clearInterval(timer);
  ctx.dispose();
  // Progress arrived chunk by chunk, ending at the total.
  assert.ok(progress.length >= 2, `progress events: ${progress.length}`);
  assert.equal(progress.at(-1), tokens.length);
  // Timers ran between progress events: the JS thread was free while chunks were computed.
  assert.ok(new Set(ticksAtProgress).size > 1, 'timer callbacks ran during prefill');
  assert.ok(events.filter((e) => e === 'token').length >= 1);
});

test('generation is also an async iterator, and breaking out of it cancels', { skip: skip ?? false }, async () => {
  const m = await model();
  const ctx = m.createContext({ contextSize: 1024, threads: 2 });
  const prompt = m.tokenize(longDocument(5));
  await ctx.prefill(prompt, { phase: 'document' });
  ctx.checkpoint();
  const pieces: string[] = [];
  const it = ctx.stream({ maxTokens: 6, sampler: { temperature: 0 } });
  let step = await it.next();
  while (!step.done) { pieces.push(step.value.text); step = await it.next(); }
  assert.equal(step.value.text, pieces.join(''));
  assert.equal(step.value.tokens.length, pieces.length);
  ctx.rewind();
  await ctx.prefill(m.tokenize(' Record'), { phase: 'question' });
  let seen = 0;
  for await (const _piece of ctx.stream({ maxTokens: 50, sampler: { temperature: 0 } })) { if (++seen === 2) break; }
  assert.equal(seen, 2);
  assert.ok(ctx.nPast < prompt.length + 50, 'the generation stopped early');
  ctx.dispose();
});

test('cancel via AbortSignal stops a running prefill at a chunk boundary and leaves the context usable', { skip: skip ?? false }, async () => {
  const m = await model();
  const chunk = 64;
  const tokens = m.tokenize(longDocument(250));
  // Long enough (100+ chunks) that the prefill is still running when the abort lands.
  assert.ok(tokens.length > 100 * chunk);
  const ctx = m.createContext({ contextSize: 8192, chunkSize: chunk, threads: 2 });
  const abort = new AbortController();
  let doneAtAbort = -1;
  await assert.rejects(ctx.prefill(tokens, {
    phase: 'document', signal: abort.signal,
    onProgress: ({ done }) => { if (doneAtAbort < 0 && done >= 2 * chunk) { doneAtAbort = done; abort.abort(); } },
  }), (e: unknown) => e instanceof SwaaError && e.code === 'SWAA_ERR_CANCELLED');
  // Progress events travel to JS asynchronously (and coalesce), so the worker may be a few chunks
  // past the event that triggered the abort; the exact one-chunk bound, where the cancel is
  // synchronous with the chunk loop, is checked in native/tests/test_c_api.cc. Here: it stopped
  // on a chunk boundary, after the reported progress and before the end.
  assert.ok(ctx.nPast >= doneAtAbort && ctx.nPast < tokens.length && ctx.nPast % chunk === 0,
    `nPast ${ctx.nPast}, progress at abort ${doneAtAbort}, tokens ${tokens.length}`);
  // Usable: the rest of the document continues from there and ends where an uncancelled run ends.
  await ctx.prefill(tokens.slice(ctx.nPast), { phase: 'document' });
  assert.equal(ctx.nPast, tokens.length);
  const resumed = Array.from(ctx.logits());
  ctx.dispose();
  const straight = m.createContext({ contextSize: 8192, chunkSize: chunk, threads: 2 });
  await straight.prefill(tokens, { phase: 'document' });
  const want = Array.from(straight.logits());
  straight.dispose();
  const maxDiff = Math.max(...want.map((v, i) => Math.abs(v - (resumed[i] ?? Number.NaN))));
  assert.ok(maxDiff < 1e-3, `resumed logits differ from an uncancelled run by ${maxDiff}`);
});

test('a second question on a cached document skips the document prefill and answers like a cold run', { skip: skip ?? false }, async () => {
  const m = await model();
  const recipe = { window: 128, sinks: 8, faLayers: { kind: 'odd' as const }, faDecode: true, questionFa: false };
  const doc = m.tokenize(longDocument(60));
  const q1 = m.tokenize('\nQuestion: What is the access code of Mira Castell?\nAnswer:');
  const q2 = m.tokenize('\nQuestion: Which shelf holds item 14?\nAnswer:');
  const warm = m.createContext({ contextSize: 4096, chunkSize: 128, recipe });
  const first = await ask(warm, { documentTokens: doc, questionTokens: q1, maxTokens: 8 });
  const second = await ask(warm, { documentTokens: doc, questionTokens: q2, maxTokens: 8 });
  assert.equal(first.documentCached, false);
  assert.equal(second.documentCached, true);
  assert.equal(second.prefillTokens, q2.length);
  const cold = m.createContext({ contextSize: 4096, chunkSize: 128, recipe });
  const coldSecond = await ask(cold, { documentTokens: doc, questionTokens: q2, maxTokens: 8 });
  assert.deepEqual(second.answerTokens, coldSecond.answerTokens);
  // Another document on the same context starts from empty, not on top of the first.
  const otherDoc = m.tokenize(longDocument(20));
  const third = await ask(warm, { documentTokens: otherDoc, questionTokens: q2, maxTokens: 8 });
  const coldThird = await ask(m.createContext({ contextSize: 4096, chunkSize: 128, recipe }), { documentTokens: otherDoc, questionTokens: q2, maxTokens: 8 });
  assert.equal(third.documentCached, false);
  assert.equal(warm.checkpointNPast, otherDoc.length);
  assert.deepEqual(third.answerTokens, coldThird.answerTokens);
  warm.dispose();
  cold.dispose();
});

test('a saved document state restores in a new process with identical next-token logits', { skip: skip ?? false }, async () => {
  const m = await model();
  const dir = mkdtempSync(join(tmpdir(), 'swaa-state-'));
  const statePath = join(dir, 'doc.swaa');
  const recipe = { window: 128, sinks: 8, faLayers: { kind: 'even' as const }, faDecode: false, questionFa: false };
  const doc = m.tokenize(longDocument(50));
  const question = m.tokenize('\nQuestion: What is the access code of Mira Castell?\nAnswer:');
  const ctx = m.createContext({ contextSize: 2048, chunkSize: 128, recipe });
  await ctx.prefill(doc, { phase: 'document' });
  await ctx.saveState(statePath);
  await ctx.prefill(question, { phase: 'question' });
  const want = Array.from(ctx.logits());
  ctx.dispose();
  const childScript = join(dir, 'child.mts');
  writeFileSync(childScript, `
    import { loadModel } from ${JSON.stringify(join(repoRoot, 'native/addon/index.ts'))};
    import { writeFileSync } from 'node:fs';
    const m = await loadModel(${JSON.stringify(demoModelPath)}, { device: 'cpu' });
    const ctx = m.createContext({ contextSize: 2048, chunkSize: 128, recipe: ${JSON.stringify(recipe)} });
    await ctx.loadState(${JSON.stringify(statePath)});
    if (ctx.checkpointNPast !== ${doc.length}) throw new Error('a restored state is the checkpoint');
    await ctx.prefill(${JSON.stringify(question)}, { phase: 'question' });
    writeFileSync(${JSON.stringify(join(dir, 'logits.json'))}, JSON.stringify({ nPast: ctx.nPast, logits: Array.from(ctx.logits()) }));
  `);
  const r = spawnSync(process.execPath, ['--import', 'tsx', childScript], { cwd: repoRoot, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const got = JSON.parse(readFileSync(join(dir, 'logits.json'), 'utf8')) as { nPast: number; logits: number[] };
  assert.equal(got.nPast, doc.length + question.length);
  assert.deepEqual(got.logits, want);
  // A context with another recipe refuses the file with a clear error.
  const other = m.createContext({ contextSize: 2048, chunkSize: 128 });
  await assert.rejects(other.loadState(statePath), (e: unknown) => e instanceof SwaaError && e.code === 'SWAA_ERR_STATE_MISMATCH');
  other.dispose();
});
