/**
 * npm run test:package — an installer carries everything the app needs. electron-builder assembles the
 * app from electron-builder.yml (assemble.ts), then the engine host is started with plain Node from the
 * assembled folder, nothing else on its module path, and asked a demo question through the host
 * protocol: the addon, the ggml backends (when built), the demo model, the presets, the compiled host
 * and its production dependencies must all be where the installed app looks. The renderer build, the
 * preload and the main entry are checked at the paths the main process resolves, and the Electron
 * fuses are read back from the packaged binary. A config with one entry removed must fail.
 * Needs the compiled TypeScript and renderer (the test-all `package` suite builds what is stale).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { fork } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { assemble, cannotAssemble, readBuilderConfig, ROOT, type Assembly } from './assemble.js';

const require = createRequire(import.meta.url);
type Fuses = typeof import('@electron/fuses');
// @electron/fuses' FuseState values (the wire's ASCII '0' and '1'); the package exports only the type.
const FuseState = { DISABLE: 0x30, ENABLE: 0x31 } as const;
interface AfterPack { FUSES: Readonly<Record<number, boolean>> }
type Paths = typeof import('../../electron/host/paths.js');

interface Sample { file: string; questions: { question: string; value: string }[] }
const samples = JSON.parse(readFileSync(join(ROOT, 'models', 'demo', 'samples', 'questions.json'), 'utf8')) as Sample[];
// The first question of the first sample: the demo model answers it right under the full preset
// (npm run samples lists every answer).
const SAMPLE = samples[0]!;
const QUESTION = SAMPLE.questions[0]!;

const missingBuild = ['dist/electron/host/child.js', 'dist/native/addon/index.js', 'renderer/dist/index.html', 'native/build/Release/swaa.node']
  .filter((p) => !existsSync(join(ROOT, p)));
const skip = cannotAssemble() ?? (missingBuild.length ? `not built: ${missingBuild.join(', ')} (npm run build:electron, build:renderer, build:native)` : null);
if (skip) console.log(`SKIP package: ${skip}`);

interface Answer { runtime: string | null; answer: string; modelIsDemo: boolean }

/**
 * Starts <app>/dist/electron/host/child.js with this Node (no tsx, no inherited flags), from a scratch
 * folder, with no path overrides: the host resolves the addon, model and presets itself. Uploads the
 * sample document, asks, and returns the finished run's answer; rejects with what the host reported.
 */
function askInstalledHost(a: Assembly, dataDir: string): Promise<Answer> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (v !== undefined && !k.startsWith('SWAA_') && k !== 'NODE_OPTIONS' && k !== 'NODE_PATH') env[k] = v;
  }
  env.SWAA_HOST_CONFIG = JSON.stringify({ dataDir, mode: 'test' });
  const child = fork(join(a.appDir, 'dist', 'electron', 'host', 'child.js'), [], {
    cwd: dataDir, env, execArgv: [], stdio: ['ignore', 'pipe', 'pipe', 'ipc'], serialization: 'advanced',
  });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => { stderr += d.toString(); });
  child.stdout?.resume();
  let nextId = 1;
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  const call = (channel: string, payload: unknown): Promise<unknown> => new Promise((resolve, reject) => {
    const id = nextId++;
    pending.set(id, { resolve, reject });
    child.send({ type: 'request', id, channel, payload });
  });
  return new Promise<Answer>((resolve, reject) => {
    let runtime: string | null = null;
    let runId: string | null = null;
    const fail = (e: Error) => { child.kill('SIGKILL'); reject(e); };
    child.on('exit', (code) => fail(new Error(`the host exited (${code}) before answering: ${stderr.trim().slice(-2000)}`)));
    child.on('message', (raw) => {
      const m = raw as { type: string; id?: number; ok?: boolean; result?: unknown; error?: { code: string; message: string };
        runtime?: string | null; problem?: string | null; event?: string; payload?: { runId?: string; run?: { answer: string; modelId: string }; error?: { message: string } } };
      if (m.type === 'fatal') return fail(new Error(`host fatal: ${m.error?.message}`));
      if (m.type === 'response' && m.id !== undefined) {
        const p = pending.get(m.id);
        pending.delete(m.id);
        if (m.ok) p?.resolve(m.result); else p?.reject(new Error(`${m.error?.code}: ${m.error?.message}`));
        return;
      }
      if (m.type === 'event' && m.payload?.runId && m.payload.runId === runId) {
        if (m.event === 'run.error') fail(new Error(`run failed: ${m.payload.error?.message}`));
        if (m.event === 'run.done' && m.payload.run) {
          const run = m.payload.run;
          void call('models.list', {}).then((models) => {
            const demo = (models as { id: string; isDemo: boolean }[]).find((x) => x.id === run.modelId)?.isDemo ?? false;
            child.removeAllListeners('exit');
            child.send({ type: 'shutdown' });
            resolve({ runtime, answer: run.answer, modelIsDemo: demo });
          }, fail);
        }
        return;
      }
      if (m.type !== 'ready') return;
      runtime = m.runtime ?? null;
      if (m.problem) return fail(new Error(`the host has no runtime: ${m.problem}`));
      void (async () => {
        const text = readFileSync(join(a.resourcesDir, 'models', 'demo', 'samples', SAMPLE.file));
        const doc = await call('documents.upload', { name: SAMPLE.file, dataBase64: text.toString('base64') }) as { id: string };
        runId = (await call('runs.ask', { documentId: doc.id, question: QUESTION.question, presetId: 'full' }) as { runId: string }).runId;
      })().catch(fail);
    });
  });
}

if (skip) it('SWAA Desk assembled as the installers lay it out', { skip }, () => {});
else describe('SWAA Desk assembled as the installers lay it out', { timeout: 15 * 60_000 }, () => {
  const work = mkdtempSync(join(tmpdir(), 'swaa-package-'));
  let app: Assembly;

  before(async () => { app = await assemble(join(work, 'full')); });
  after(() => rmSync(work, { recursive: true, force: true }));

  it('answers a demo question from the assembled folder with plain Node', async () => {
    const r = await askInstalledHost(app, mkdtempSync(join(work, 'data-')));
    assert.ok(r.runtime, 'the host loaded the runtime from the resources folder');
    assert.equal(r.modelIsDemo, true);
    assert.ok(r.answer.includes(QUESTION.value), `answer ${JSON.stringify(r.answer)} should contain ${JSON.stringify(QUESTION.value)}`);
  });

  it('has the renderer, preload and entry points where the main process looks', async () => {
    // The layout module from the assembled app itself, so its resolution is what is checked.
    const paths = await import(pathToFileURL(join(app.appDir, 'dist', 'electron', 'host', 'paths.js')).href) as Paths;
    assert.equal(paths.projectRoot(), app.appDir);
    assert.equal(paths.packagedResourcesDir(), app.resourcesDir);
    const pkg = JSON.parse(readFileSync(join(app.appDir, 'package.json'), 'utf8')) as { main: string };
    assert.ok(existsSync(join(app.appDir, pkg.main)), `package.json main ${pkg.main}`);
    assert.ok(existsSync(join(app.appDir, 'dist', 'electron', 'preload', 'preload.cjs')));
    const rendererDir = join(paths.projectRoot(), 'renderer', 'dist');
    const html = readFileSync(join(rendererDir, 'index.html'), 'utf8');
    const assets = [...html.matchAll(/(?:src|href)="\.?\/?(assets\/[^"]+)"/g)].map((m) => m[1]!);
    assert.ok(assets.length > 0, 'index.html references its bundles');
    for (const f of assets) assert.ok(existsSync(join(rendererDir, f)), `renderer asset ${f}`);
    // Native modules stay outside the archive; nothing in node_modules is a build-only package.
    assert.ok(existsSync(join(app.resourcesDir, 'app.asar.unpacked', 'node_modules', 'better-sqlite3')));
    assert.ok(!existsSync(join(app.appDir, 'node_modules', 'node-llama-cpp')));
    assert.ok(!existsSync(join(app.appDir, 'node_modules', 'cmake-js')));
    assert.ok(!existsSync(join(app.appDir, 'native')), 'no native sources in the app');
  });

  it('flipped the fuses in the packaged Electron binary', () => {
    const { getCurrentFuseWire, FuseV1Options } = require('@electron/fuses') as Fuses;
    return getCurrentFuseWire(app.electronBinary).then((wire) => {
      assert.equal(wire[FuseV1Options.RunAsNode], FuseState.DISABLE);
      assert.equal(wire[FuseV1Options.EnableCookieEncryption], FuseState.ENABLE);
      assert.equal(wire[FuseV1Options.EnableEmbeddedAsarIntegrityValidation], FuseState.ENABLE);
      assert.equal(wire[FuseV1Options.OnlyLoadAppFromAsar], FuseState.ENABLE);
      const { FUSES } = require('./after-pack.cjs') as AfterPack;
      for (const [k, on] of Object.entries(FUSES)) assert.equal(wire[Number(k) as keyof typeof wire], on ? FuseState.ENABLE : FuseState.DISABLE);
    });
  });

  it('fails when the config forgets the native addon', async () => {
    const config = readBuilderConfig();
    const before = config.extraResources?.length ?? 0;
    config.extraResources = (config.extraResources ?? []).filter((e) => !(typeof e === 'object' && e !== null && String((e as { from?: unknown }).from).endsWith('swaa.node')));
    assert.equal(config.extraResources.length, before - 1, 'the config lists the addon once');
    const broken = await assemble(join(work, 'no-addon'), { config });
    await assert.rejects(askInstalledHost(broken, mkdtempSync(join(work, 'data-'))), /native addon is not built|no runtime/);
  });
});
