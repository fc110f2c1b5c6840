/**
 * Remote engines through the host, against a fake OpenAI-compatible server (electron/test/fake-openai-server.ts):
 * a run streams the server's answer as run.token events and stores it with the server's numbers; a
 * cancel closes the connection (the server sees it) and keeps the partial answer; a stopped server, a
 * wrong key, a silent server and a server that dies mid-answer give their own errors and lose nothing;
 * SWAA presets are refused on servers that cannot run them, and sent as the patch's SWAAConfig to one that can.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../../test/fixtures.js';
import { scriptedHost } from '../../test/host-harness.js';
import { FAKE_TIMINGS, startFakeServer, type FakeServer } from '../../test/fake-openai-server.js';
import { toIpcError, type AnyEvent, type RunRecord } from '../../shared/contract.js';
import { REMOTE_API_KEY_ENV } from './key-vault.js';
import { remoteRecipe } from './remote-recipe.js';
import { normalizeBaseUrl } from './remote.js';

const KEY = 'sk-test-9f3b2c';
const DOC = 'The vault code is 4812. It opens the north door.';

async function setup(server: FakeServer, opts: { apiKey?: string; timeoutMs?: number; kind?: 'auto' | 'vllm-swaa'; nLayer?: number } = {}) {
  const tmp = tempDir();
  const { host, log } = await scriptedHost(tmp.dir);
  const docPath = join(tmp.dir, 'doc.txt');
  writeFileSync(docPath, DOC);
  const documentId = (await host.call('documents.add', { path: docPath })).id;
  const engine = await host.call('engines.addRemote', { baseUrl: `${server.url}/v1/`, apiKey: opts.apiKey ?? KEY,
    timeoutMs: opts.timeoutMs, kind: opts.kind, nLayer: opts.nLayer });
  const end = async (runId: string): Promise<{ run: RunRecord; error: string | null }> => {
    const e = await log.waitFor((x) => (x.event === 'run.done' || x.event === 'run.error') && x.payload.runId === runId);
    return { run: await host.call('runs.get', { runId }), error: e.event === 'run.error' ? e.payload.error.code : null };
  };
  const done = () => { host.dispose(); tmp.cleanup(); };
  return { host, log, documentId, engine, end, done, dataDir: join(tmp.dir, 'data') };
}

test('a remote run streams the answer, sends the one QA message and stores the server\'s numbers, marked remote', async () => {
  const server = await startFakeServer({ key: KEY });
  const s = await setup(server);
  try {
    assert.equal(s.engine.kind, 'llama-server', 'owned_by "llamacpp" reads as llama-server');
    assert.equal(s.engine.baseUrl, server.url, 'the /v1/ suffix is not part of the stored URL');
    const entry = (await s.host.call('models.list', {})).find((m) => m.id === s.engine.id);
    assert.ok(entry?.available && entry.problem === null, 'the remote entry is a usable model');

    const { runId } = await s.host.call('runs.ask', { documentId: s.documentId, modelId: s.engine.id, question: ' What is the code? ', presetId: 'full', maxTokens: 32, sampling: { temperature: 0 } });
    const { run, error } = await s.end(runId);
    assert.equal(error, null);
    assert.equal(run.status, 'done');
    assert.equal(run.answer, 'The code is 4812.');
    assert.deepEqual(s.log.of('run.token', runId).map((t) => [t.index, t.text]), [[0, 'The code'], [1, ' is'], [2, ' 4812.']]);

    const body = server.seen[0]!.body;
    assert.deepEqual(body.messages, [{ role: 'user', content: `${DOC}\n\nQuestion: What is the code?` }]);
    assert.equal(body.stream, true);
    assert.equal(body.model, 'demo');
    assert.equal(body.max_tokens, 32);
    assert.equal(body.temperature, 0, 'greedy is temperature 0');
    assert.equal(body.seed, undefined, 'greedy sends no sampling knobs the server might read differently');
    assert.equal(server.seen[0]!.authorization, `Bearer ${KEY}`);

    const m = run.metrics!;
    assert.equal(m.engine, 'remote');
    assert.equal(m.backend, `remote: 127.0.0.1:${server.port}`);
    assert.equal(m.prefillTokens, FAKE_TIMINGS.prompt_n);
    assert.equal(m.prefillMs, FAKE_TIMINGS.prompt_ms);
    assert.equal(m.decodeTokens, FAKE_TIMINGS.predicted_n);
    assert.equal(m.decodeTokPerS, 500);
    assert.equal(m.kvBytes, 0);
    assert.ok(m.unknown?.includes('kvBytes') && m.unknown.includes('peakRssBytes'));
    assert.ok(!m.unknown?.includes('prefillMs') && !m.unknown?.includes('decodeTokens'), 'what the server reported is not unknown');
  } finally {
    s.done();
    await server.close();
  }
});

test('the API key is never written to the library in clear; SWAA_REMOTE_API_KEY serves entries without one', async () => {
  const server = await startFakeServer({ key: KEY });
  const s = await setup(server);
  try {
    s.host.dispose();
    for (const f of ['library.sqlite', 'library.sqlite-wal']) {
      let bytes = '';
      try { bytes = readFileSync(join(s.dataDir, f), 'latin1'); } catch { continue; }
      assert.ok(!bytes.includes(KEY), `${f} holds no key`);
    }
  } finally {
    s.done();
  }
  // No key given: the environment's is sent (headless modes).
  const t = await (async () => {
    process.env[REMOTE_API_KEY_ENV] = KEY;
    try { return await setup(server, { apiKey: '' }); } finally { delete process.env[REMOTE_API_KEY_ENV]; }
  })();
  try {
    process.env[REMOTE_API_KEY_ENV] = KEY;
    const { runId } = await t.host.call('runs.ask', { documentId: t.documentId, modelId: t.engine.id, question: 'Code?', presetId: 'full' });
    assert.equal((await t.end(runId)).run.status, 'done');
    assert.equal(server.seen.at(-1)!.authorization, `Bearer ${KEY}`);
  } finally {
    delete process.env[REMOTE_API_KEY_ENV];
    t.done();
    await server.close();
  }
});

test('cancel closes the connection (the server sees it) and keeps the partial answer', async () => {
  const server = await startFakeServer({ mode: 'stall-after-pieces' });
  const s = await setup(server);
  try {
    const { runId } = await s.host.call('runs.ask', { documentId: s.documentId, modelId: s.engine.id, question: 'Code?', presetId: 'full' });
    await s.log.waitFor((e) => e.event === 'run.token' && e.payload.runId === runId && e.payload.index === 2);
    assert.deepEqual(await s.host.call('runs.cancel', { runId }), { cancelled: true });
    await server.clientClosed(0);
    assert.equal(server.seen[0]!.closedByClient, true);
    const { run, error } = await s.end(runId);
    assert.equal(error, null);
    assert.equal(run.status, 'cancelled');
    assert.equal(run.stopReason, 'cancelled');
    assert.equal(run.answer, 'The code is 4812.', 'what streamed before the cancel is stored');
  } finally {
    s.done();
    await server.close();
  }
});

test('a stopped server gives REMOTE_UNREACHABLE naming the address, when adding and when running', async () => {
  const server = await startFakeServer();
  const s = await setup(server);
  await server.close();
  try {
    const { runId } = await s.host.call('runs.ask', { documentId: s.documentId, modelId: s.engine.id, question: 'Code?', presetId: 'full' });
    const { run, error } = await s.end(runId);
    assert.equal(error, 'REMOTE_UNREACHABLE');
    assert.equal(run.status, 'error');
    assert.match(run.error!.message, new RegExp(`127\\.0\\.0\\.1:${server.port}.*running`));
    await assert.rejects(s.host.call('engines.addRemote', { baseUrl: server.url }), (e) => toIpcError(e).code === 'REMOTE_UNREACHABLE');
  } finally {
    s.done();
  }
});

test('a wrong key gives REMOTE_UNAUTHORIZED (adding and running), never a hang or a generic failure', async () => {
  const server = await startFakeServer({ key: KEY });
  const s = await setup(server);
  try {
    await assert.rejects(s.host.call('engines.addRemote', { baseUrl: server.url, apiKey: 'wrong' }),
      (e) => toIpcError(e).code === 'REMOTE_UNAUTHORIZED' && /API key/.test(toIpcError(e).message));
    server.key = 'rotated';
    const { runId } = await s.host.call('runs.ask', { documentId: s.documentId, modelId: s.engine.id, question: 'Code?', presetId: 'full' });
    const { run, error } = await s.end(runId);
    assert.equal(error, 'REMOTE_UNAUTHORIZED');
    assert.match(run.error!.message, /401/);
  } finally {
    s.done();
    await server.close();
  }
});

test('a silent server times out with REMOTE_TIMEOUT; a server that stalls or dies mid-answer loses nothing already streamed', async () => {
  const server = await startFakeServer();
  const s = await setup(server, { timeoutMs: 200 });
  try {
    server.mode = 'hang';
    let r = await s.end((await s.host.call('runs.ask', { documentId: s.documentId, modelId: s.engine.id, question: 'Code?', presetId: 'full' })).runId);
    assert.equal(r.error, 'REMOTE_TIMEOUT');
    await server.clientClosed(0); // the timed-out request is closed, not left running on the server

    server.mode = 'stall-after-pieces';
    r = await s.end((await s.host.call('runs.ask', { documentId: s.documentId, modelId: s.engine.id, question: 'Code?', presetId: 'full' })).runId);
    assert.equal(r.error, 'REMOTE_TIMEOUT');
    assert.equal(r.run.answer, 'The code is 4812.', 'the partial answer is stored with the error');

    server.mode = 'drop-after-pieces';
    r = await s.end((await s.host.call('runs.ask', { documentId: s.documentId, modelId: s.engine.id, question: 'Code?', presetId: 'full' })).runId);
    assert.equal(r.error, 'REMOTE_FAILED');
    assert.match(r.run.error!.message, /mid-answer/);
    assert.equal(r.run.answer, 'The code is 4812.');
  } finally {
    s.done();
    await server.close();
  }
});

test('SWAA presets are refused on llama-server with the reason, listed per preset, and nothing is sent', async () => {
  const server = await startFakeServer();
  const s = await setup(server);
  try {
    const [listed] = await s.host.call('engines.list', {});
    assert.equal(listed!.presetSupport.full, null);
    assert.match(listed!.presetSupport.fast ?? '', /llama-server runs full attention only/);
    await assert.rejects(s.host.call('runs.ask', { documentId: s.documentId, modelId: s.engine.id, question: 'Code?', presetId: 'fast' }),
      (e) => toIpcError(e).code === 'RECIPE_UNSUPPORTED');
    assert.equal(server.seen.length, 0);
    assert.deepEqual(await s.host.call('engines.remove', { id: s.engine.id }), { removed: true });
    assert.equal((await s.host.call('models.list', {})).some((m) => m.id === s.engine.id), false);
  } finally {
    s.done();
    await server.close();
  }
});

test('vLLM with the SWAA patch gets the recipe as the patch\'s SWAAConfig in swaa_config', async () => {
  const server = await startFakeServer({ owner: 'vllm' });
  const s = await setup(server, { kind: 'vllm-swaa', nLayer: 8 });
  try {
    const recipe = { window: 64, sinks: 4, faLayers: { kind: 'odd' as const }, faDecode: true, questionFa: false };
    const { runId } = await s.host.call('runs.ask', { documentId: s.documentId, modelId: s.engine.id, question: 'Code?', recipe });
    assert.equal((await s.end(runId)).run.status, 'done');
    assert.deepEqual(server.seen[0]!.body.swaa_config, { sliding_window_size: 64, keep_first: 4, force_fa_decode: true, non_sliding_layers: [1, 3, 5, 7] });
    // The test presets read the question with full attention, which the patch cannot do.
    const [listed] = await s.host.call('engines.list', {});
    assert.match(listed!.presetSupport.fast ?? '', /questionFa/);
  } finally {
    s.done();
    await server.close();
  }
});

test('remoteRecipe: full attention goes anywhere; SWAA only to the patched vLLM, and only in a form the patch has', () => {
  const swa = { window: 2048, sinks: 100, faLayers: { kind: 'everyN' as const, n: 4, offset: 1 }, faDecode: true, questionFa: false };
  const full = { window: null, sinks: 0, faLayers: { kind: 'none' as const }, faDecode: false, questionFa: false };
  assert.deepEqual(remoteRecipe('llama-server', full, null), { ok: true, extra: {} });
  assert.deepEqual(remoteRecipe('vllm-swaa', full, null), { ok: true, extra: { swaa_config: null } });
  assert.equal(remoteRecipe('llama-server', swa, 12).ok, false);
  assert.equal(remoteRecipe('vllm', swa, 12).ok, false);
  assert.deepEqual(remoteRecipe('vllm-swaa', swa, 12), { ok: true, extra: { swaa_config: { sliding_window_size: 2048, keep_first: 100, force_fa_decode: true, non_sliding_layers: [1, 5, 9] } } });
  assert.equal(remoteRecipe('vllm-swaa', swa, null).ok, false, 'a pattern needs the layer count');
  assert.equal(remoteRecipe('vllm-swaa', { ...swa, faDecode: [0, 1] }, 12).ok, false);
  assert.equal(remoteRecipe('vllm-swaa', { ...swa, questionFa: true }, 12).ok, false);
});

test('normalizeBaseUrl keeps one spelling of a server', () => {
  assert.equal(normalizeBaseUrl('http://h:8080/v1/'), 'http://h:8080');
  assert.equal(normalizeBaseUrl('https://gpu.example/proxy/v1'), 'https://gpu.example/proxy');
  assert.equal(normalizeBaseUrl('http://h:8080'), 'http://h:8080');
});
