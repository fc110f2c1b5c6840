/** Starts the engine host with child_process.fork (headless modes, tests). From source it runs under tsx. */
import { fork } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { HostProcess, SpawnHost } from './supervisor.js';
import type { ToHost } from './protocol.js';

const here = dirname(fileURLToPath(import.meta.url));

/** child.js next to this file when compiled, else child.ts (run through tsx's loader). */
export function hostEntry(): { file: string; execArgv: string[] } {
  const js = join(here, 'child.js');
  if (existsSync(js)) return { file: js, execArgv: [] };
  const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
  return { file: join(here, 'child.ts'), execArgv: ['--import', tsx] };
}

export const forkSpawner: SpawnHost = (env) => {
  const { file, execArgv } = hostEntry();
  const child = fork(file, [], {
    env: { ...process.env, ...env },
    execArgv,
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    serialization: 'advanced',
  });
  const proc: HostProcess = {
    get pid() { return child.pid; },
    send: (msg: ToHost) => { child.send(msg); },
    onMessage: (l) => { child.on('message', l); },
    onExit: (l) => { child.on('exit', (code, signal) => l(code, signal ? `signal ${signal}` : `exit code ${code}`)); },
    kill: () => { child.kill('SIGKILL'); },
  };
  return proc;
};
