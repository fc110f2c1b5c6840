/** Starts the engine host in an Electron utilityProcess (the app's way; fork-spawner.ts is the headless one). */
import { utilityProcess } from 'electron';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { HostProcess, SpawnHost } from '../host/supervisor.js';

const here = dirname(fileURLToPath(import.meta.url));

/** Output of the host goes to `output` (main writes it to the log file) as well as to this terminal. */
export const utilitySpawner = (output?: (stream: 'stdout' | 'stderr') => (chunk: Buffer) => void): SpawnHost => (env) => {
  const entry = join(here, '..', 'host', 'child.js');
  if (!existsSync(entry)) throw new Error(`engine host entry missing: ${entry} (run npm run build:electron)`);
  const child = utilityProcess.fork(entry, [], {
    env: { ...process.env, ...env },
    serviceName: 'SWAA engine host',
    stdio: 'pipe',
  });
  for (const stream of ['stdout', 'stderr'] as const) {
    const sink = output?.(stream);
    child[stream]?.on('data', (d: Buffer) => { (stream === 'stdout' ? process.stdout : process.stderr).write(d); sink?.(d); });
  }
  const proc: HostProcess = {
    get pid() { return child.pid; },
    send: (msg) => { child.postMessage(msg); },
    onMessage: (l) => { child.on('message', l); },
    onExit: (l) => { child.on('exit', (code) => l(code, `exit code ${code}`)); },
    kill: () => { child.kill(); },
  };
  return proc;
};
