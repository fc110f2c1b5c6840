/**
 * docs/architecture.md's map of rooms matches the tree: every path it names is in the repository,
 * and every top-level folder and every room of the engine host is named. A room added or moved
 * without its line fails here.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const files = execFileSync('git', ['ls-files'], { cwd: root, encoding: 'utf8' }).split('\n').filter(Boolean);
const doc = readFileSync(join(root, 'docs', 'architecture.md'), 'utf8');
const block = doc.slice(doc.indexOf('## The rooms')).split('```')[1] ?? '';
const named = block.split('\n').map((l) => l.match(/^(\S+)\s/)?.[1]).filter((p): p is string => !!p);

const exists = (p: string) => files.some((f) => f === p || f.startsWith(p.endsWith('/') ? p : `${p}/`));

test('every path the architecture page names exists', () => {
  assert.ok(named.length >= 15, `the rooms block names paths (${named.length})`);
  for (const p of named) assert.ok(exists(p), `${p} (docs/architecture.md) is not in the repository`);
});

test('every top-level folder and every engine-host room is on the architecture page', () => {
  const top = new Set(files.filter((f) => f.includes('/') && !f.startsWith('.')).map((f) => f.split('/')[0]!));
  top.delete('build'); // electron-builder's resources (entitlements), described in electron-builder.yml
  const rooms = new Set(files.filter((f) => f.startsWith('electron/host/') && f.split('/').length > 3).map((f) => f.split('/').slice(0, 3).join('/')));
  for (const t of top) assert.ok(named.some((p) => p === `${t}/` || p.startsWith(`${t}/`)), `${t}/ is missing from docs/architecture.md`);
  for (const r of rooms) assert.ok(named.includes(`${r}/`), `${r}/ is missing from docs/architecture.md`);
});

test('the comments point at docs the repository has', () => {
  for (const p of ['docs/swaa.md', 'docs/runtime-api.md', 'docs/architecture.md']) assert.ok(files.includes(p), `${p} is tracked`);
  const stale = files.filter((f) => /\.(ts|tsx|cc|h)$/.test(f) && f !== 'docs/docs.test.ts' && /\bSWAA\.md\b/.test(readFileSync(join(root, f), 'utf8')));
  assert.deepEqual(stale, [], 'code comments point at docs/swaa.md, not a SWAA.md outside the repository');
});
