/**
 * `npm run web`: the engine host in a supervised child process, the built renderer and the host
 * API on 127.0.0.1 with a per-launch random token. Prints the URL to open (it carries the token).
 * Options: --port N (default: SWAA_WEB_PORT or a free port), --renderer DIR (default renderer/dist),
 * --allow-model PATH (repeatable: a model file or folder the browser may add besides <data dir>/models;
 * the browser can name no other server-side path, and documents arrive only as uploads).
 * SWAA_WEB_TOKEN fixes the token (end-to-end tests); otherwise it is 32 random bytes.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { HostSupervisor } from '../host/supervisor.js';
import { forkSpawner } from '../host/fork-spawner.js';
import { defaultDataDir, projectRoot } from '../host/paths.js';
import { WebServer } from './server.js';

async function main(): Promise<void> {
  const { values } = parseArgs({ options: {
    port: { type: 'string' }, renderer: { type: 'string' }, 'data-dir': { type: 'string' }, 'allow-model': { type: 'string', multiple: true },
  } });
  const token = process.env.SWAA_WEB_TOKEN ?? randomBytes(32).toString('base64url');
  const dataDir = values['data-dir'] ?? defaultDataDir();
  const modelsDir = join(dataDir, 'models');
  mkdirSync(modelsDir, { recursive: true });
  const supervisor = new HostSupervisor(forkSpawner, {
    dataDir, mode: 'web',
    runtime: process.env.SWAA_RUNTIME === 'scripted' ? 'scripted' : 'native',
  });
  supervisor.on('host.status', (s) => {
    if (s.state !== 'ready') console.error(`engine host: ${s.state}${s.reason ? ` — ${s.reason}` : ''}`);
  });
  await supervisor.start();
  const info = await supervisor.invoke('app.info', {});
  if (info.runtimeProblem) console.error(`warning: ${info.runtimeProblem}`);
  const server = new WebServer({
    host: supervisor, token, rendererDir: values.renderer ?? join(projectRoot(), 'renderer', 'dist'),
    port: Number(values.port ?? process.env.SWAA_WEB_PORT ?? 0),
    modelPaths: [modelsDir, ...(values['allow-model'] ?? [])],
  });
  await server.listen();
  console.log(`SWAA Desk web: ${server.url}`);
  console.log(`models the browser may add: ${[modelsDir, ...(values['allow-model'] ?? [])].join(', ')}`);
  const shutdown = async () => {
    await server.close();
    await supervisor.stop();
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown());
  process.on('SIGTERM', () => void shutdown());
}

main().catch((e: unknown) => { console.error(e); process.exit(1); });
