/**
 * The engine host in-process, for programs that ask questions the way the app does: `npm run eval`,
 * `npm run samples`, tests. Every answer goes through the contract's channels (documents.upload,
 * settings.set, runs.ask) and the host's own run queue, prompt builder, context pool and runtime —
 * the code the renderer reaches — so a number measured here is a number about the app.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { IpcError, type AnyEvent, type ParsedRequestOf, type RunRecord } from '../shared/contract.js';
import type { EngineHost } from './host.js';
import { startHost } from './start-host.js';

export interface HeadlessOptions {
  /** Library folder; a throw-away one (removed on dispose) when omitted. */
  dataDir?: string;
  /** The GGUF registered as the demo model (default: models/demo/demo.gguf). */
  demoModelPath?: string;
  runtime?: 'native' | 'scripted';
  /** Every event the host emits (tokens, progress), after the helper has seen it. */
  onEvent?: (e: AnyEvent) => void;
}

export interface HeadlessHost {
  readonly host: EngineHost;
  readonly call: EngineHost['call'];
  /** runs.ask, then waits for the run to end: the finished record, or the run's error as an IpcError. */
  ask(req: ParsedRequestOf<'runs.ask'> | Record<string, unknown>): Promise<RunRecord>;
  /** Adds a text document by upload (the web app's path: ingestion included). */
  addText(name: string, text: string): Promise<{ id: string; text: string }>;
  dispose(): void;
}

export async function openHeadlessHost(options: HeadlessOptions = {}): Promise<HeadlessHost> {
  const tmp = options.dataDir ? null : mkdtempSync(join(tmpdir(), 'swaa-headless-'));
  const waiting = new Map<string, { resolve: (r: RunRecord) => void; reject: (e: Error) => void }>();
  const early = new Map<string, RunRecord | IpcError>(); // a run may end before its waiter is registered
  const settle = (runId: string, outcome: RunRecord | IpcError) => {
    const w = waiting.get(runId);
    if (!w) { early.set(runId, outcome); return; }
    waiting.delete(runId);
    if (outcome instanceof IpcError) w.reject(outcome); else w.resolve(outcome);
  };
  const host = await startHost({
    dataDir: options.dataDir ?? tmp!, mode: 'cli', runtime: options.runtime ?? 'native', demoModelPath: options.demoModelPath,
  }, (event, payload) => {
    const e = { event, payload } as AnyEvent;
    if (e.event === 'run.done') settle(e.payload.runId, e.payload.run);
    if (e.event === 'run.error') settle(e.payload.runId, new IpcError(e.payload.error.code, e.payload.error.message));
    options.onEvent?.(e);
  });
  const call: EngineHost['call'] = (channel, payload) => host.call(channel, payload);
  return {
    host,
    call,
    async ask(req) {
      const { runId } = await call('runs.ask', req);
      return new Promise<RunRecord>((resolve, reject) => {
        const done = early.get(runId);
        if (done) { early.delete(runId); if (done instanceof IpcError) reject(done); else resolve(done); return; }
        waiting.set(runId, { resolve, reject });
      });
    },
    async addText(name, text) {
      const summary = await call('documents.upload', { name, dataBase64: Buffer.from(text, 'utf8').toString('base64') });
      const doc = await call('documents.get', { id: summary.id });
      return { id: doc.id, text: doc.text };
    },
    dispose() {
      host.dispose();
      if (tmp) rmSync(tmp, { recursive: true, force: true });
    },
  };
}
