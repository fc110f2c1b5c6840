/**
 * The preload as Electron runs it: bundled to one CommonJS file and evaluated in a sandbox whose
 * only module is a stand-in 'electron'. Checks that it needs nothing else, exposes a SwaaBridge,
 * refuses invalid payloads before they reach ipcRenderer, and drops malformed events.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runInNewContext } from 'node:vm';
import { build } from 'esbuild';
import { tempDir } from '../test/fixtures.js';
import { ELECTRON_EVENT_CHANNEL, ELECTRON_INVOKE_CHANNEL, type SwaaBridge } from '../shared/contract.js';

test('bundles to CommonJS needing only electron, and validates both directions', async () => {
  const { dir, cleanup } = tempDir();
  try {
    const out = join(dir, 'preload.cjs');
    await build({ entryPoints: [join(import.meta.dirname, 'preload.ts')], outfile: out, bundle: true, platform: 'node', format: 'cjs', external: ['electron'], logLevel: 'silent' });
    const code = readFileSync(out, 'utf8');
    const required = [...code.matchAll(/require\("([^"]+)"\)/g)].map((m) => m[1]);
    assert.deepEqual([...new Set(required)], ['electron']);

    const invoked: unknown[][] = [];
    let eventHandler: ((e: unknown, raw: unknown) => void) | null = null;
    let exposed: SwaaBridge | null = null;
    const electron = {
      contextBridge: { exposeInMainWorld: (name: string, api: SwaaBridge) => { assert.equal(name, 'swaa'); exposed = api; } },
      ipcRenderer: {
        invoke: async (...args: unknown[]) => { invoked.push(args); return { ok: false, error: { code: 'NOT_FOUND', message: 'no such document' } }; },
        on: (channel: string, h: (e: unknown, raw: unknown) => void) => { assert.equal(channel, ELECTRON_EVENT_CHANNEL); eventHandler = h; },
        send: () => undefined,
      },
      webUtils: { getPathForFile: () => '' },
    };
    const module = { exports: {} };
    runInNewContext(code, { require: (m: string) => { if (m !== 'electron') throw new Error(`sandboxed preload cannot require ${m}`); return electron; },
      module, exports: module.exports, console, URL, TextEncoder, TextDecoder });
    const bridge = exposed as unknown as SwaaBridge;
    assert.equal(bridge.kind, 'electron');

    await assert.rejects(bridge.invoke('runs.ask', { documentId: '', question: '' }), { code: 'INVALID_PAYLOAD' });
    assert.equal(invoked.length, 0, 'nothing invalid reaches the main process');
    await assert.rejects(bridge.invoke('documents.get', { id: 'x' }), { code: 'NOT_FOUND', message: 'no such document' });
    assert.deepEqual(invoked[0], [ELECTRON_INVOKE_CHANNEL, 'documents.get', { id: 'x' }]);

    const seen: unknown[] = [];
    const off = bridge.on('run.token', (p) => seen.push(p));
    eventHandler!({}, { event: 'run.token', payload: { runId: 'r1', text: 'Hi', index: 0 } });
    eventHandler!({}, { event: 'run.token', payload: { runId: 'r1', text: 42 } });
    eventHandler!({}, { event: 'nope', payload: {} });
    off();
    eventHandler!({}, { event: 'run.token', payload: { runId: 'r1', text: 'late', index: 1 } });
    assert.deepEqual(JSON.parse(JSON.stringify(seen)), [{ runId: 'r1', text: 'Hi', index: 0 }]); // objects of the sandbox realm
    await assert.rejects(bridge.openExternal('file:///etc/passwd'), { code: 'NOT_SUPPORTED' });
  } finally {
    cleanup();
  }
});
