/**
 * Web mode end to end: the real HTTP server in front of a supervised host process, driven through
 * the browser bridge (fetch + SSE) exactly as the renderer drives it, plus the server's guards.
 */
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { HostSupervisor } from '../host/supervisor.js';
import { forkSpawner } from '../host/fork-spawner.js';
import { WebServer, CONTENT_SECURITY_POLICY } from './server.js';
import { createWebBridge, type WebBridge } from './bridge-client.js';
import { makeDocx, tempDir } from '../test/fixtures.js';
import { DEMO_MODEL, EventLog, PRESETS, realRuntimeMissing, writeScriptedModel, writeTestPresets } from '../test/host-harness.js';
import { IpcError, subscribeRun, type RunRecord } from '../shared/contract.js';

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
