#!/usr/bin/env node
// Builds what npm run test:package packs, only where the sources are newer than the build
// (a full build:electron + build:renderer costs ~40 s on a shared 2-core machine).
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

/** Newest modification time of the files under the given paths (0 when none exist). */
function newest(paths, skip = /node_modules|[\\/]dist[\\/]|\.test\.tsx?$/) {
  let t = 0;
  for (const p of paths.map((x) => join(root, x))) {
    if (!existsSync(p)) continue;
    const st = statSync(p);
    if (st.isFile()) { t = Math.max(t, st.mtimeMs); continue; }
    for (const e of readdirSync(p, { recursive: true, withFileTypes: true })) {
      const full = join(e.parentPath ?? e.path, e.name);
      if (e.isFile() && !skip.test(full)) t = Math.max(t, statSync(full).mtimeMs);
    }
  }
  return t;
}
const builtAt = (file) => (existsSync(join(root, file)) ? statSync(join(root, file)).mtimeMs : -1);

const steps = [
  ['build:electron', ['electron', 'native/addon', 'models/presets.ts', 'tsconfig.json'], 'dist/electron/main/main.js'],
  ['build:renderer', ['renderer', 'electron/shared'], 'renderer/dist/index.html'],
];
for (const [script, sources, output] of steps) {
  if (builtAt(output) >= newest(sources)) { console.log(`[package] ${script}: up to date`); continue; }
  console.log(`[package] npm run ${script}`);
  const r = spawnSync(npm, ['run', '--silent', script], { cwd: root, stdio: 'inherit', shell: process.platform === 'win32' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}
