/**
 * `npm run test:remote`: the remote engine against a real llama-server built from the bundled llama.cpp
 * source (npm run build:llama-server → native/build-server/bin/llama-server; or SWAA_LLAMA_SERVER=path),
 * serving the demo model on 127.0.0.1. Not part of `npm test` because building the server takes 10+
 * minutes on our two-core machines; without the binary every test here is skipped and says how to build it.
 *
 * - the streamed greedy answer equals the local runtime's for sample questions (same message, same template);
 * - a cancel closes the stream and the server's slot stops generating;
 * - a wrong key and a stopped server give their own clear errors.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { z } from 'zod';
import { openHeadlessHost, type HeadlessHost } from '../host/headless.js';
import { streamChat } from '../host/engine/remote.js';
import { qaUserMessage } from '../../native/addon/prompt.js';
import { toIpcError } from '../shared/contract.js';
import { DEMO_MODEL, ROOT, realRuntimeMissing } from './host-harness.js';

const SERVER = process.env.SWAA_LLAMA_SERVER ?? join(ROOT, 'native', 'build-server', 'bin', 'llama-server');
const KEY = 'swaa-remote-test-key';
/** Sample questions asked both ways: enough to see that answers agree, few enough for a busy CPU. */
const QUESTIONS_PER_FILE = 1;
const MAX_TOKENS = 48;

const skip = !existsSync(SERVER)
  ? `llama-server is not built (${SERVER}): run \`npm run build:llama-server\` (10+ minutes) or set SWAA_LLAMA_SERVER`
  : !existsSync(DEMO_MODEL) ? `the demo model is missing (${DEMO_MODEL})` : realRuntimeMissing();
if (skip) console.log(`# test:remote skipped: ${skip}`);

const SamplesSchema = z.array(z.object({ file: z.string(), questions: z.array(z.object({ question: z.string() })) }));
const SlotsSchema = z.array(z.object({ is_processing: z.boolean() }));

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => (a && typeof a === 'object' ? resolve(a.port) : reject(new Error('no port'))));
    });
  });
}

let server: ChildProcess | null = null;
let url = '';
let host: HeadlessHost | null = null;
let serverLog = '';

async function waitHealthy(deadlineMs: number): Promise<void> {
  const until = Date.now() + deadlineMs;
  while (Date.now() < until) {
    if (server?.exitCode !== null) throw new Error(`llama-server exited:\n${serverLog.slice(-2000)}`);
    const ok = await fetch(`${url}/health`).then((r) => r.ok, () => false);
    if (ok) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`llama-server did not become healthy:\n${serverLog.slice(-2000)}`);
}

before(async () => {
  if (skip) return;
  const port = await freePort();
  url = `http://127.0.0.1:${port}`;
  // One slot, the demo model's whole trained context, our chat template (--jinja renders the GGUF's own).
  server = spawn(SERVER, ['-m', DEMO_MODEL, '--host', '127.0.0.1', '--port', String(port), '--api-key', KEY, '-np', '1',
    '-c', '8192', '--jinja', '--slots', '--no-webui', '-t', '2'], { stdio: ['ignore', 'pipe', 'pipe'] });
  server.stdout?.on('data', (d: Buffer) => { serverLog += d.toString(); });
  server.stderr?.on('data', (d: Buffer) => { serverLog += d.toString(); });
  await waitHealthy(120_000);
  host = await openHeadlessHost({ runtime: 'native' });
  await host.call('settings.set', { contextSize: 8192 });
});

after(() => {
  host?.dispose();
  if (server && server.exitCode === null) server.kill('SIGTERM');
});

test('the streamed greedy answer from llama-server equals the local runtime\'s on the sample questions', { skip: skip ?? false }, async () => {
  const h = host!;
  const engine = await h.call('engines.addRemote', { baseUrl: url, apiKey: KEY });
  assert.equal(engine.kind, 'llama-server');
  const samples = SamplesSchema.parse(JSON.parse(readFileSync(join(ROOT, 'models', 'demo', 'samples', 'questions.json'), 'utf8')));
  let compared = 0;
  for (const s of samples) {
    const documentId = (await h.call('documents.add', { path: join(ROOT, 'models', 'demo', 'samples', s.file) })).id;
    for (const { question } of s.questions.slice(0, QUESTIONS_PER_FILE)) {
      const ask = { documentId, question, presetId: 'full', maxTokens: MAX_TOKENS, sampling: { temperature: 0 } };
      const local = await h.ask({ ...ask, modelId: 'demo' });
      const remote = await h.ask({ ...ask, modelId: engine.id });
      console.log(`# ${s.file}: ${question}\n#   local:  ${JSON.stringify(local.answer)}\n#   remote: ${JSON.stringify(remote.answer)}`);
      assert.equal(remote.answer, local.answer, `${s.file}: "${question}"`);
      assert.equal(remote.metrics?.engine, 'remote');
      // llama-server's own count of the tokens it generated: the same answer, token for token. Its count
      // includes the end-of-generation token, which ours does not (seen: 21 vs 20 on a finished answer).
      const eog = local.stopReason === 'eog' ? 1 : 0;
      assert.equal(remote.metrics?.decodeTokens, (local.metrics?.decodeTokens ?? 0) + eog);
      compared++;
    }
  }
  assert.ok(compared >= 3, `compared ${compared} answers`);
});

test('cancel closes the stream and llama-server stops generating', { skip: skip ?? false }, async () => {
  const doc = readFileSync(join(ROOT, 'models', 'demo', 'samples', 'expedition_log.txt'), 'utf8');
  const abort = new AbortController();
  let chunks = 0;
  // ignore_eos: the answer would go on for thousands of tokens unless the cancel stops it.
  const report = await streamChat({ baseUrl: url, apiKey: KEY, timeoutMs: 120_000 }, {
    model: 'demo', message: qaUserMessage(doc, 'Tell me everything.'), maxTokens: 4000, sampling: { temperature: 0 },
    extra: { ignore_eos: true }, signal: abort.signal,
    onText: () => { if (++chunks === 5) abort.abort(); },
  });
  assert.equal(report.stopReason, 'cancelled');
  assert.ok(chunks < 4000);
  // The slot goes idle once the server notices the closed connection (checked between tokens).
  const until = Date.now() + 60_000;
  let idle = false;
  while (!idle && Date.now() < until) {
    const slots = SlotsSchema.parse(await (await fetch(`${url}/slots`, { headers: { authorization: `Bearer ${KEY}` } })).json());
    idle = slots.every((s) => !s.is_processing);
    if (!idle) await new Promise((r) => setTimeout(r, 200));
  }
  assert.ok(idle, 'the server\'s slot stopped generating after the cancel');
});

test('a wrong key and a stopped server give clear errors', { skip: skip ?? false }, async () => {
  const h = host!;
  const documentId = (await h.addText('short.txt', 'The vault code is 4812.')).id;
  // This llama-server build guards /v1/models with the key too, so a wrong key is refused when the server is added.
  await assert.rejects(h.call('engines.addRemote', { baseUrl: `${url}/v1`, apiKey: 'not-the-key' }),
    (e) => toIpcError(e).code === 'REMOTE_UNAUTHORIZED' && /refused the API key/.test(toIpcError(e).message));
  const right = await h.call('engines.addRemote', { baseUrl: url, apiKey: KEY });
  await assert.rejects(h.ask({ documentId, modelId: right.id, question: 'Code?', presetId: 'fast' }),
    (e) => toIpcError(e).code === 'RECIPE_UNSUPPORTED' && /full attention only/.test(toIpcError(e).message));
  server!.kill('SIGTERM');
  await new Promise((r) => server!.once('exit', r));
  await assert.rejects(h.ask({ documentId, modelId: right.id, question: 'Code?', presetId: 'full' }),
    (e) => toIpcError(e).code === 'REMOTE_UNREACHABLE' && toIpcError(e).message.includes(url));
});
