/**
 * Web mode end to end: the real HTTP server in front of a supervised host process, driven through
 * the browser bridge (fetch + SSE) exactly as the renderer drives it, plus the server's guards.
 */
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { HostSupervisor } from '../host/supervisor.js';
import { forkSpawner } from '../host/fork-spawner.js';
import { WebServer, CONTENT_SECURITY_POLICY, httpStatusFor } from './server.js';
import { createWebBridge, type WebBridge } from './bridge-client.js';
import { makeDocx, tempDir } from '../test/fixtures.js';
import { DEMO_MODEL, EventLog, PRESETS, realRuntimeMissing, writeScriptedModel, writeTestPresets } from '../test/host-harness.js';
import { IpcError, subscribeRun, type RunRecord } from '../shared/contract.js';

/** A POST with a body sent in `chunks` pieces (no Content-Length: chunked transfer). */
function rawPost(port: number, path: string, headers: Record<string, string>, body: Buffer, chunks = 1): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method: 'POST', headers }, (res) => {
      let text = '';
      res.on('data', (c: Buffer) => { text += c.toString(); });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.on('error', reject);
    const size = Math.ceil(body.length / chunks);
    for (let i = 0; i < chunks; i++) req.write(body.subarray(i * size, (i + 1) * size));
    req.end();
  });
}

test('error codes map to HTTP statuses: the client\'s fault 4xx, the server\'s 5xx', () => {
  assert.equal(httpStatusFor('INVALID_PAYLOAD'), 400);
  assert.equal(httpStatusFor('NOT_SUPPORTED'), 403);
  assert.equal(httpStatusFor('DOC_NOT_FOUND'), 404);
  assert.equal(httpStatusFor('DOC_TOO_LARGE'), 413);
  assert.equal(httpStatusFor('DOC_BOMB'), 422);
  assert.equal(httpStatusFor('DOC_CORRUPT'), 422);
  assert.equal(httpStatusFor('SWAA_ERR_CONTEXT_OVERFLOW'), 422);
  assert.equal(httpStatusFor('HOST_CRASHED'), 503);
  assert.equal(httpStatusFor('INTERNAL'), 500);
  assert.equal(httpStatusFor('SWAA_ERR_INTERNAL'), 500);
  assert.equal(httpStatusFor('SOMETHING_NEW'), 500);
});

function rawGet(port: number, path: string, headers: Record<string, string>): Promise<{ status: number; body: string; headers: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, headers }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => { body += c.toString(); });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
    });
    req.on('error', reject);
    req.end();
  });
}

for (const flavour of [
  { name: 'scripted runtime', runtime: 'scripted' as const, skip: null },
  { name: 'native runtime + demo model', runtime: 'native' as const, skip: realRuntimeMissing() },
]) describe(`web mode (server + browser bridge, ${flavour.name})`, { skip: flavour.skip ?? false }, () => {
  const tmp = tempDir();
  const token = 'test-token-0123456789';
  let sup: HostSupervisor;
  let server: WebServer;
  let bridge: WebBridge;
  let port = 0;
  const rendererDir = join(tmp.dir, 'renderer-dist');

  before(async () => {
    const scripted = flavour.runtime === 'scripted';
    sup = new HostSupervisor(forkSpawner, {
      dataDir: join(tmp.dir, 'data'), mode: 'web', runtime: flavour.runtime,
      demoModelPath: scripted ? writeScriptedModel(tmp.dir) : DEMO_MODEL, presetsPath: scripted ? writeTestPresets(tmp.dir) : PRESETS,
    });
    await sup.start();
    server = new WebServer({ host: sup, token, rendererDir });
    await server.listen();
    port = Number(new URL(server.url).port);
    bridge = createWebBridge({ baseUrl: server.origin, token, reconnectMs: 50 });
  });
  after(async () => {
    bridge?.close();
    await server?.close();
    await sup?.stop();
    tmp.cleanup();
  });

  test('the printed URL carries the token; requests without it get 401', async () => {
    assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+\/\?token=test-token-0123456789$/);
    assert.equal((await fetch(`${server.origin}/api/invoke/app.info`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' })).status, 401);
    assert.equal((await rawGet(port, '/', {})).status, 401);
    const wrong = createWebBridge({ baseUrl: server.origin, token: 'nope' });
    await assert.rejects(wrong.invoke('app.info', {}), (e: unknown) => e instanceof IpcError);
  });

  test('refuses a foreign Host header (DNS rebinding) and a cross-origin Origin', async () => {
    assert.equal((await rawGet(port, '/api/events', { Host: `evil.example:${port}`, 'X-Swaa-Token': token })).status, 421);
    const res = await fetch(`${server.origin}/api/invoke/app.info`, { method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-Swaa-Token': token, Origin: 'https://evil.example' }, body: '{}' });
    assert.equal(res.status, 403);
  });

  test('explains how to build the renderer when renderer/dist is missing', async () => {
    const res = await rawGet(port, `/?token=${token}`, {});
    assert.equal(res.status, 503);
    assert.match(res.body, /npm run build:renderer/);
  });

  test('serves the built renderer with a strict CSP, and never a file outside it', async () => {
    mkdirSync(join(rendererDir, 'assets'), { recursive: true });
    writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>SWAA Desk</title>');
    writeFileSync(join(rendererDir, 'assets', 'app.js'), 'console.log(1)');
    const index = await rawGet(port, `/?token=${token}`, {});
    assert.equal(index.status, 200);
    assert.equal(index.headers['content-security-policy'], CONTENT_SECURITY_POLICY);
    assert.match(String(index.headers['set-cookie']), /HttpOnly; SameSite=Strict/);
    const cookie = String(index.headers['set-cookie']).split(';')[0]!;
    const js = await rawGet(port, '/assets/app.js', { Cookie: cookie });
    assert.equal(js.status, 200);
    assert.match(String(js.headers['content-type']), /javascript/);
    const escape = await rawGet(port, '/..%2F..%2Fdata%2Flibrary.sqlite', { Cookie: cookie });
    assert.notEqual(escape.body.includes('SQLite'), true);
  });

  test('rejects invalid payloads with INVALID_PAYLOAD, in the bridge and at the server', async () => {
    await assert.rejects(bridge.invoke('runs.ask', { documentId: '', question: 'x' }), { code: 'INVALID_PAYLOAD' });
    const res = await fetch(`${server.origin}/api/invoke/runs.ask`, { method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-Swaa-Token': token }, body: JSON.stringify({ documentId: 1, extra: true }) });
    assert.equal(res.status, 400);
    assert.equal(((await res.json()) as { error: { code: string } }).error.code, 'INVALID_PAYLOAD');
    const notJson = await fetch(`${server.origin}/api/invoke/app.info`, { method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-Swaa-Token': token }, body: '{oops' });
    assert.equal(notJson.status, 400);
    const unknown = await fetch(`${server.origin}/api/invoke/shell.exec`, { method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-Swaa-Token': token }, body: '{}' });
    assert.equal(((await unknown.json()) as { error: { code: string } }).error.code, 'UNKNOWN_CHANNEL');
  });

  test('refuses server-side document paths: documents arrive only as uploads', async () => {
    const secret = join(tmp.dir, 'secret.txt');
    writeFileSync(secret, 'server-side file the browser must not read');
    const res = await fetch(`${server.origin}/api/invoke/documents.add`, { method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-Swaa-Token': token }, body: JSON.stringify({ path: secret }) });
    assert.equal(res.status, 403);
    assert.equal(((await res.json()) as { error: { code: string } }).error.code, 'NOT_SUPPORTED');
    assert.ok(!(await bridge.invoke('documents.list', {})).some((d) => d.name === 'secret.txt'));
  });

  test('opens models only from the allowed folder, after resolving links', async () => {
    const allowed = join(tmp.dir, 'models');
    mkdirSync(allowed, { recursive: true });
    const inside = join(allowed, 'junk.gguf');
    writeFileSync(inside, 'not a model');
    const outside = join(tmp.dir, 'outside.gguf');
    writeFileSync(outside, 'not a model');
    symlinkSync(outside, join(allowed, 'link.gguf'));
    const guarded = new WebServer({ host: sup, token, rendererDir, modelPaths: [allowed] });
    await guarded.listen();
    const add = async (path: string) => {
      const res = await fetch(`${guarded.origin}/api/invoke/models.add`, { method: 'POST',
        headers: { 'Content-Type': 'application/json', 'X-Swaa-Token': token }, body: JSON.stringify({ path }) });
      return { status: res.status, code: ((await res.json()) as { error?: { code: string } }).error?.code };
    };
    try {
      assert.deepEqual(await add(outside), { status: 403, code: 'NOT_SUPPORTED' });
      assert.deepEqual(await add(join(allowed, 'link.gguf')), { status: 403, code: 'NOT_SUPPORTED' });
      assert.deepEqual(await add(join(allowed, '..', 'outside.gguf')), { status: 403, code: 'NOT_SUPPORTED' });
      // Inside the folder the request reaches the host, which judges the file itself.
      const reached = await add(inside);
      assert.notEqual(reached.code, 'NOT_SUPPORTED');
      assert.equal(reached.status >= 400 && reached.status < 500, true, `status ${reached.status}`);
    } finally {
      await guarded.close();
    }
  });

  test('answers an oversized body with 413 (declared or streamed), not a reset connection', async () => {
    const small = new WebServer({ host: sup, token, rendererDir, maxBodyBytes: 1024 });
    await small.listen();
    const smallPort = Number(new URL(small.url).port);
    try {
      const body = Buffer.from(JSON.stringify({ name: 'a.txt', dataBase64: 'A'.repeat(256 * 1024) }));
      const headers = { 'Content-Type': 'application/json', 'X-Swaa-Token': token };
      const declared = await fetch(`${small.origin}/api/invoke/documents.upload`, { method: 'POST', headers, body });
      assert.equal(declared.status, 413);
      assert.equal(((await declared.json()) as { error: { code: string } }).error.code, 'DOC_TOO_LARGE');
      const streamed = await rawPost(smallPort, '/api/invoke/documents.upload', headers, body, 16);
      assert.equal(streamed.status, 413);
      assert.match(streamed.body, /DOC_TOO_LARGE/);
      // The server is still there for the next request.
      const ok = await fetch(`${small.origin}/api/invoke/app.info`, { method: 'POST', headers, body: '{}' });
      assert.equal(ok.status, 200);
    } finally {
      await small.close();
    }
  });

  test('answers malformed URLs with 400, not 500', async () => {
    const bad = await rawGet(port, '/%E0%A4%A', { 'X-Swaa-Token': token });
    assert.equal(bad.status, 400);
    const absolute = await rawGet(port, 'http://[', { 'X-Swaa-Token': token });
    assert.equal(absolute.status, 400);
  });

  test('uploads a DOCX, asks, and streams tokens, progress and the finished run over SSE', async () => {
    const log = new EventLog();
    const off = bridge.on('run.token', (p) => log.push({ event: 'run.token', payload: p }));
    const info = await bridge.invoke('app.info', {});
    assert.equal(info.mode, 'web');
    const docx = await makeDocx('Minutes', ['The meeting decided to paint the bridge green.']);
    const doc = await bridge.invoke('documents.upload', { name: 'minutes.docx', dataBase64: docx.toString('base64') });
    assert.equal(doc.format, 'docx');
    assert.equal(doc.path, 'upload:minutes.docx');
    // Give the event stream a moment to connect before the run starts.
    await new Promise((r) => setTimeout(r, 200));
    const { runId } = await bridge.invoke('runs.ask', { documentId: doc.id, question: 'What colour?', maxTokens: 5 });
    const finished = await new Promise<RunRecord>((resolve, reject) => {
      subscribeRun(bridge, runId, { onDone: (e) => resolve(e.run), onError: (e) => reject(new Error(e.error.message)) });
    });
    assert.equal(finished.status, 'done');
    const tokens = log.of('run.token', runId);
    assert.ok(tokens.length > 0 && tokens.length <= 5, `${tokens.length} tokens`);
    assert.equal(tokens.map((t) => t.text).join(''), finished.answer);
    assert.equal((await bridge.invoke('runs.list', { documentId: doc.id }))[0]?.id, runId);
    off();
  });
});
