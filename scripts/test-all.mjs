#!/usr/bin/env node
// Runs every test suite and ends with one line "N passed, N failed, N skipped" (all suites summed).
// `node scripts/test-all.mjs [suite...]` runs only the named suites:
//   types     TypeScript strict type checks of every project (one test per tsconfig)
//   native    the C++ tests (C API, error paths, SWAA against the plain reference attention)
//   runtime   TypeScript tests of the runtime API, presets, eval scoring, bench FLOP model
//   host      the engine host, documents, library, IPC contract (electron/)
//   renderer  the React stores and components (vitest)
//   parity    our runtime against llama.cpp (node-llama-cpp) on generated GGUFs
//   gpu       the runtime on a Vulkan device against the CPU and llama.cpp (skipped, saying why, without one)
//   e2e       the app in web mode driven through Debian's chromium
//   package   the app assembled from electron-builder.yml, its engine host asked a demo question there
// A suite that cannot run counts as failed, never as silently passed.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const cacheDir = join(root, '.cache');
mkdirSync(cacheDir, { recursive: true });

/** Test files under the given folders (Node 20's --test takes no globs). */
function findTests(dirs, suffix) {
  const out = [];
  for (const d of dirs) {
    const abs = join(root, d);
    if (!existsSync(abs)) continue;
    for (const e of readdirSync(abs, { recursive: true, withFileTypes: true })) {
      const full = join(e.parentPath ?? e.path, e.name);
      if (e.isFile() && e.name.endsWith(suffix) && !full.includes('node_modules')) out.push(relative(root, full));
    }
  }
  return out.sort();
}

/** A node:test suite: spec output on the terminal, TAP into a file for the counts. */
function nodeTestSuite(name, files, extra = []) {
  const tap = join(cacheDir, `${name}.tap`);
  return {
    missing: files.length ? null : `no test files found for ${name}`,
    cmd: process.execPath,
    args: ['--import', 'tsx', '--test', ...extra, '--test-reporter=spec', '--test-reporter-destination=stdout',
      '--test-reporter=tap', `--test-reporter-destination=${tap}`, ...files],
    before: () => rmSync(tap, { force: true }),
    parse: () => {
      if (!existsSync(tap)) return null;
      const text = readFileSync(tap, 'utf8');
      const num = (k) => Number((text.match(new RegExp(`^# ${k} (\\d+)`, 'm')) ?? [])[1] ?? NaN);
      if (Number.isNaN(num('pass'))) return null;
      return { passed: num('pass'), failed: num('fail') + (num('cancelled') || 0), skipped: (num('skipped') || 0) + (num('todo') || 0) };
    },
  };
}

const nativeTests = ['Release', 'Debug', '.'].map((d) => join(root, 'native', 'build', d, 'swaa_tests')).find((p) => existsSync(p));

const tsconfigs = ['tsconfig.json', 'electron/tsconfig.json', 'renderer/tsconfig.json', 'e2e/tsconfig.json']
  .filter((p) => existsSync(join(root, p)));

const suites = {
  types: {
    cmd: process.execPath,
    args: ['-e', `
      const { spawnSync } = require('node:child_process');
      let passed = 0, failed = 0;
      for (const p of ${JSON.stringify(tsconfigs)}) {
        const r = spawnSync(process.execPath, [${JSON.stringify(join(root, 'node_modules', 'typescript', 'bin', 'tsc'))}, '-p', p, '--noEmit'], { encoding: 'utf8' });
        if (r.status === 0) { passed++; console.log('ok   tsc -p ' + p); } else { failed++; console.log('FAIL tsc -p ' + p); console.log(r.stdout + r.stderr); }
      }
      console.log('types: ' + passed + ' passed, ' + failed + ' failed');
      process.exit(failed ? 1 : 0);`],
    parse: (out) => {
      const m = out.match(/types: (\d+) passed, (\d+) failed/);
      return m ? { passed: +m[1], failed: +m[2], skipped: 0 } : null;
    },
  },
  native: {
    missing: nativeTests ? null : 'native/build/swaa_tests is missing: run `npm run build:native`',
    cmd: nativeTests, args: [],
    parse: (out) => {
      const m = out.match(/native: (\d+) passed, (\d+) failed/);
      return m ? { passed: +m[1], failed: +m[2], skipped: 0 } : null;
    },
  },
  runtime: nodeTestSuite('runtime', findTests(['native/addon', 'native/tests/ts', 'models', 'bench', 'docs'], '.test.ts')),
  host: nodeTestSuite('host', findTests(['electron'], '.test.ts')),
  renderer: {
    cmd: join(root, 'node_modules', '.bin', 'vitest'), args: ['run', '--config', 'renderer/vite.config.ts'],
    parse: (out) => {
      const m = out.match(/Tests\s+(?:(\d+) failed \| )?(\d+) passed(?: \| (\d+) skipped)?/);
      return m ? { passed: +m[2], failed: +(m[1] ?? 0), skipped: +(m[3] ?? 0) } : null;
    },
  },
  // Two weight types per layout (one of them a K-quant where the layout allows) keeps CI within its
  // time budget; `npm run test:parity` runs all nine models.
  parity: {
    cmd: join(root, 'node_modules', '.bin', 'tsx'),
    args: ['native/tests/parity/run.ts', '--models=qwen3-f16,qwen3-q4_k,qwen2-bf16,qwen2-q8_0,llama-q8_0,llama-q5_k'],
    parse: (out) => {
      const m = out.match(/parity: (\d+)\/(\d+) models, (\d+)\/(\d+) prompts identical/);
      return m ? { passed: +m[1], failed: +m[2] - +m[1], skipped: 0 } : null;
    },
  },
  // The runtime on a GPU backend (Vulkan; on CI Mesa's lavapipe, which .ci/run installs) against itself on
  // the CPU and llama.cpp on the same device. A machine without a Vulkan device skips it, saying so;
  // on CI (CI=true) a missing device is a failure, so the GPU path is proven on every run.
  gpu: {
    cmd: join(root, 'node_modules', '.bin', 'tsx'),
    args: ['native/tests/gpu/run.ts'],
    parse: (out) => {
      if (/gpu: 0\/1 cases: no /.test(out)) {
        if (process.env.CI === 'true') return { passed: 0, failed: 1, skipped: 0 };
        console.log('[gpu] skipped: no Vulkan device here (apt-get install mesa-vulkan-drivers libvulkan1 gives a software one)');
        return { passed: 0, failed: 0, skipped: 1, ok: true };
      }
      const m = out.match(/gpu: (\d+)\/(\d+) cases on /);
      return m ? { passed: +m[1], failed: +m[2] - +m[1], skipped: 0 } : null;
    },
  },
  e2e: {
    ...nodeTestSuite('e2e', findTests(['e2e'], '.e2e.ts'), ['--test-concurrency=1']),
    prepare: ['npm', ['run', '--silent', 'build:renderer']],
  },
  package: {
    ...nodeTestSuite('package', findTests(['scripts/package'], '.test.ts')),
    prepare: [process.execPath, ['scripts/package/ensure-built.mjs']],
  },
};

const requested = process.argv.slice(2);
const order = requested.length ? requested : Object.keys(suites);
const totals = { passed: 0, failed: 0, skipped: 0 };
const lines = [];
for (const name of order) {
  const suite = suites[name];
  if (!suite) { console.error(`unknown suite ${name} (known: ${Object.keys(suites).join(', ')})`); process.exit(2); }
  console.log(`\n=== ${name} ===`);
  const started = Date.now();
  let result;
  if (suite.missing) {
    console.log(suite.missing);
    result = { passed: 0, failed: 1, skipped: 0 };
  } else {
    if (suite.prepare) {
      const prep = await run(...suite.prepare);
      if (prep.code !== 0) console.log(`[${name}] preparation failed (exit ${prep.code})`);
    }
    suite.before?.();
    const { code, out } = await run(suite.cmd, suite.args);
    result = suite.parse(out);
    if (!result) {
      console.log(`[${name}] produced no test summary (exit ${code}): counted as one failure`);
      result = { passed: 0, failed: 1, skipped: 0 };
    } else if (code !== 0 && result.failed === 0 && !result.ok) {
      console.log(`[${name}] exited with ${code} although no test failed: counted as one failure`);
      result.failed = 1;
    }
  }
  lines.push(`${name}: ${result.passed} passed, ${result.failed} failed, ${result.skipped} skipped (${((Date.now() - started) / 1000).toFixed(0)} s)`);
  for (const k of Object.keys(totals)) totals[k] += result[k];
}
console.log('\n' + lines.join('\n'));
console.log(`${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
process.exit(totals.failed === 0 ? 0 : 1);

function run(cmd, args) {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd: root, env: { ...process.env, FORCE_COLOR: '0', NO_COLOR: '1' } });
    let out = '';
    child.stdout.on('data', (d) => { out += d; process.stdout.write(d); });
    child.stderr.on('data', (d) => { out += d; process.stderr.write(d); });
    child.on('error', (e) => { out += String(e); resolve({ code: 1, out }); });
    child.on('close', (code) => resolve({ code: code ?? 1, out }));
  });
}
