#!/usr/bin/env node
// `npm run test:swaa`: the SWAA reference suite of the native tests (runtime attention against the
// plain dense reference, key-row and KV-byte formulas, document reuse, saved states) plus the
// TypeScript state/reuse tests. Ends with "swaa: <passed>/<cases> reference cases".
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bin = join(root, 'native', 'build', 'swaa_tests');
if (!existsSync(bin)) {
  console.log('swaa: 0/0 reference cases (native/build/swaa_tests is missing: run npm run build:native)');
  process.exit(1);
}
const native = spawnSync(bin, ['swaa'], { cwd: root, encoding: 'utf8' });
process.stdout.write(native.stdout);
process.stderr.write(native.stderr);
const ts = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-name-pattern=cached document|saved document',
  join(root, 'native', 'tests', 'ts', 'runtime.test.ts')], { cwd: root, stdio: 'inherit' });
const line = native.stdout.match(/swaa: \d+\/\d+ reference cases/);
console.log(line ? line[0] : 'swaa: 0/0 reference cases (the native suite printed no summary)');
process.exit(native.status === 0 && ts.status === 0 && line ? 0 : 1);
