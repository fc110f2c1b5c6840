#!/usr/bin/env node
// `npm start`: builds the renderer and the Electron main/preload, then opens the desktop app on the
// embedded demo model. Where the Electron binary is not installed (it cannot be downloaded on
// offline build machines), it says so and serves the same app in the browser instead (npm run web).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

function step(label, args) {
  console.log(`[start] ${label}`);
  const r = spawnSync(npm, ['run', '--silent', ...args], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) {
    console.error(`[start] ${label} failed`);
    process.exit(r.status ?? 1);
  }
}

if (!existsSync(join(root, 'native', 'build', 'Release', 'swaa.node'))) step('building the native runtime', ['build:native']);
step('building the renderer', ['build:renderer']);

let electronBinary = null;
try {
  const candidate = require('electron');  // the package exports the binary path
  if (typeof candidate === 'string' && existsSync(candidate)) electronBinary = candidate;
} catch { /* not installed */ }

if (electronBinary) {
  step('building the main process', ['build:electron']);
  const child = spawn(electronBinary, [join(root, 'dist', 'electron', 'main', 'main.js')], { cwd: root, stdio: 'inherit' });
  child.on('exit', (code) => process.exit(code ?? 0));
} else {
  console.log('[start] The Electron binary is not installed here (offline machine, or ELECTRON_SKIP_BINARY_DOWNLOAD).');
  console.log('[start] Serving the same app in your browser instead; open the URL printed below.');
  const child = spawn(npm, ['run', '--silent', 'web'], { cwd: root, stdio: 'inherit' });
  child.on('exit', (code) => process.exit(code ?? 0));
}
