#!/usr/bin/env node
// Runs every test suite and ends with one line "N passed, N failed, N skipped" (all suites summed).
// `node scripts/test-all.mjs [suite...]` runs only the named suites (native, unit, swaa, parity, e2e).
// A suite that cannot run (e.g. the addon was not built) counts as failed, never as silently passed.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const tsx = join(root, 'node_modules', '.bin', 'tsx');

const nativeTests = ['Release', 'Debug'].map((d) => join(root, 'native', 'build', d, 'swaa_tests'))
  .concat([join(root, 'native', 'build', 'swaa_tests')]).find((p) => existsSync(p));

/** node:test summary lines ("# pass 3") */
function parseNodeTest(out) {
  const num = (k) => Number((out.match(new RegExp(`^# ${k} (\\d+)`, 'm')) ?? [])[1] ?? 0);
  return { passed: num('pass'), failed: num('fail') + num('cancelled'), skipped: num('skipped') + num('todo') };
}

const suites = {
  native: {
    cmd: nativeTests, args: [],
    parse: (out) => {
      const m = out.match(/native: (\d+) passed, (\d+) failed/);
      return m ? { passed: +m[1], failed: +m[2], skipped: 0 } : null;
    },
    missing: nativeTests ? null : 'native/build/*/swaa_tests is missing: run `npm run build:native`',
  },
  unit: {
    cmd: tsx,
    args: ['--test', '--test-reporter=spec', '--test-reporter-destination=stdout', '--test-reporter=tap', '--test-reporter-destination=' + join(root, '.cache', 'unit.tap'),
      'native/addon/**/*.test.ts', 'models/**/*.test.ts', 'electron/**/*.test.ts', 'bench/**/*.test.ts'],
    parseFile: join(root, '.cache', 'unit.tap'),
    parse: parseNodeTest,
  },
  parity: {
    cmd: tsx, args: ['native/tests/parity/run.ts'],
    parse: (out) => {
      const m = out.match(/parity: (\d+)\/(\d+) models, (\d+)\/(\d+) prompts identical/);
      return m ? { passed: +m[1], failed: +m[2] - +m[1], skipped: 0 } : null;
    },
  },
  renderer: {
    cmd: 'npm', args: ['run', '--silent', 'test:renderer'],
    parse: (out) => {
      const m = out.match(/Tests\s+(?:(\d+) failed \| )?(\d+) passed(?: \| (\d+) skipped)?/);
      return m ? { passed: +m[2], failed: +(m[1] ?? 0), skipped: +(m[3] ?? 0) } : null;
    },
  },
  e2e: {
    cmd: 'npm', args: ['run', '--silent', 'test:e2e:run'],
    parse: (out) => {
      const m = out.match(/e2e: (\d+) passed, (\d+) failed(?:, (\d+) skipped)?/);
      return m ? { passed: +m[1], failed: +m[2], skipped: +(m[3] ?? 0) } : null;
    },
  },
};

const requested = process.argv.slice(2);
const order = requested.length ? requested : Object.keys(suites);
const totals = { passed: 0, failed: 0, skipped: 0 };
const lines = [];
for (const name of order) {
  const suite = suites[name];
  if (!suite) { console.error(`unknown suite ${name}`); process.exit(2); }
  console.log(`\n=== ${name} ===`);
  let result;
  if (suite.missing) {
    console.log(suite.missing);
    result = { passed: 0, failed: 1, skipped: 0 };
  } else {
    const { code, out } = await run(suite.cmd, suite.args);
    let text = out;
    if (suite.parseFile && existsSync(suite.parseFile)) text = (await import('node:fs')).readFileSync(suite.parseFile, 'utf8');
    result = suite.parse(text);
    if (!result) {
      console.log(`[${name}] produced no test summary (exit ${code}): counted as one failure`);
      result = { passed: 0, failed: 1, skipped: 0 };
    } else if (code !== 0 && result.failed === 0) {
      console.log(`[${name}] exited with ${code} although no test failed: counted as one failure`);
      result.failed = 1;
    }
  }
  lines.push(`${name}: ${result.passed} passed, ${result.failed} failed, ${result.skipped} skipped`);
  for (const k of Object.keys(totals)) totals[k] += result[k];
}
console.log('\n' + lines.join('\n'));
console.log(`${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
process.exit(totals.failed === 0 ? 0 : 1);

function run(cmd, args) {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd: root, env: { ...process.env, FORCE_COLOR: '0' }, shell: false });
    let out = '';
    child.stdout.on('data', (d) => { out += d; process.stdout.write(d); });
    child.stderr.on('data', (d) => { out += d; process.stderr.write(d); });
    child.on('error', (e) => { out += String(e); resolve({ code: 1, out }); });
    child.on('close', (code) => resolve({ code: code ?? 1, out }));
  });
}
