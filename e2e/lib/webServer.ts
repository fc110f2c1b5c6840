/** Starts `npm run web` on a fresh data folder and reads the address it prints. */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from './prereqs.js';

/** Loading the runtime and the demo model, then listening, takes a few seconds; a cold tsx start more. */
const START_TIMEOUT_MS = 120_000;

export interface WebServer {
  url: string;
  dataDir: string;
  log: () => string;
  stop(): Promise<void>;
}

/** `env` adds variables for the server and its engine host (e.g. HF_ENDPOINT and SWAA_CATALOG for the catalog test). */
export async function startWebServer(env: Record<string, string> = {}): Promise<WebServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'swaa-e2e-'));
  const child: ChildProcess = spawn('npm', ['run', 'web', '--', '--port', '0', '--data-dir', dataDir], {
    cwd: ROOT,
    env: { ...process.env, SWAA_DATA_DIR: dataDir, BROWSER: 'none', FORCE_COLOR: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true, // its own process group, so stop() ends npm, tsx and the engine host together
  });
  let output = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`npm run web printed no address within ${START_TIMEOUT_MS / 1000} s:\n${output}`)), START_TIMEOUT_MS);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const m = /https?:\/\/(?:127\.0\.0\.1|localhost):\d+\/?\S*/.exec(output);
      if (m) { clearTimeout(timer); resolve(m[0]); }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.on('exit', (code) => { clearTimeout(timer); reject(new Error(`npm run web exited (${code}):\n${output}`)); });
  });
  return {
    url,
    dataDir,
    log: () => output,
    async stop() {
      if (child.exitCode !== null || child.pid === undefined) return;
      const exited = new Promise((r) => child.once('exit', r));
      process.kill(-child.pid, 'SIGTERM');
      const timeout = setTimeout(() => { try { process.kill(-child.pid!, 'SIGKILL'); } catch { /* gone */ } }, 5000);
      await exited;
      clearTimeout(timeout);
    },
  };
}
