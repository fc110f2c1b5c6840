// Runs every electron/**/*.test.ts with node's test runner under tsx. (Node 20's `--test` takes no
// glob patterns — they arrive in Node 21 — so `tsx --test 'electron/**/*.test.ts'` finds nothing here.)
// Extra arguments are passed on (e.g. --test-name-pattern).
import { readdirSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const files = readdirSync(join(root, 'electron'), { recursive: true, withFileTypes: true })
  .filter((d) => d.isFile() && d.name.endsWith('.test.ts') && !join(d.parentPath ?? d.path, d.name).includes('node_modules'))
  .map((d) => relative(root, join(d.parentPath ?? d.path, d.name)))
  .sort();
const r = spawnSync(process.execPath, ['--import', 'tsx', '--test', ...process.argv.slice(2), ...files], { cwd: root, stdio: 'inherit' });
process.exit(r.status ?? 1);
