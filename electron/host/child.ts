/**
 * Entry point of the engine host process. Started by Electron's utilityProcess (messages through
 * process.parentPort) or by child_process.fork (process.send) in headless modes and tests. A native
 * crash here takes down only this process; the supervisor starts a new one.
 */
import { settle, toIpcError } from '../shared/contract.js';
import { FromHostSchema, HOST_CONFIG_ENV, ToHostSchema, type FromHost, type ToHost } from './protocol.js';
import { ParentKeyVault } from './engine/parent-key-vault.js';
import { startHost } from './start-host.js';
import type { EngineHost } from './host.js';

interface ParentPort {
  on(event: 'message', listener: (e: { data: unknown }) => void): void;
  postMessage(message: unknown): void;
}

const parentPort = (process as unknown as { parentPort?: ParentPort }).parentPort;

function send(msg: FromHost): void {
  if (parentPort) parentPort.postMessage(msg);
  else process.send?.(msg);
}

function onMessage(handler: (msg: unknown) => void): void {
  if (parentPort) parentPort.on('message', (e) => handler(e.data));
  else process.on('message', handler);
}

async function main(): Promise<void> {
  let host: EngineHost;
  const config = JSON.parse(process.env[HOST_CONFIG_ENV] ?? '{}') as { mode?: unknown };
  // In the app, keys are sealed by main (safeStorage); headless parents keep none, so keys stay in this process's memory.
  const vault = parentPort && config.mode === 'electron' ? new ParentKeyVault(send) : undefined;
  try {
    host = await startHost(JSON.parse(process.env[HOST_CONFIG_ENV] ?? '{}'), (event, payload) => send({ type: 'event', event, payload }), { keyVault: vault });
  } catch (err) {
    send({ type: 'fatal', error: toIpcError(err) });
    process.exit(1);
  }
  const info = await host.call('app.info', {});
  onMessage((raw) => {
    const parsed = ToHostSchema.safeParse(raw);
    if (!parsed.success) return; // not ours: ignore rather than crash
    const msg: ToHost = parsed.data;
    if (msg.type === 'ping') {
      send({ type: 'pong', id: msg.id });
      return;
    }
    if (msg.type === 'vault-reply') { vault?.reply(msg.id, msg); return; }
    if (msg.type === 'shutdown') {
      host.dispose();
      process.exit(0);
    }
    void settle(() => host.handle(msg.channel, msg.payload)).then((answer) => send({ type: 'response', id: msg.id, ...answer }));
  });
  // If the parent dies, so do we (fork: the IPC channel closes).
  process.on('disconnect', () => { host.dispose(); process.exit(0); });
  send(FromHostSchema.parse({ type: 'ready', pid: process.pid, runtime: info.runtimeVersion, problem: info.runtimeProblem }) as FromHost);
}

void main();
