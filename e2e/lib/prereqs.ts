/**
 * What the end-to-end tests need on this machine, and in words why a test is skipped when it is
 * missing. The e2e tests run only against the real runtime and the demo model — never a fake.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';

export const ROOT = join(import.meta.dirname, '..', '..');
export const ARTIFACTS = join(ROOT, 'e2e', 'artifacts');
export const CHROMIUM = process.env.SWAA_E2E_CHROMIUM ?? '/usr/bin/chromium';

interface Need { path: string; why: string }

const WEB_NEEDS: Need[] = [
  { path: CHROMIUM, why: 'Debian chromium is not installed (apt-get install -y chromium)' },
  { path: join(ROOT, 'native', 'build', 'Release', 'swaa.node'), why: 'the SWAA runtime addon is not built (npm run build:native)' },
  { path: join(ROOT, 'models', 'demo', 'demo.gguf'), why: 'the demo model models/demo/demo.gguf does not exist yet' },
  { path: join(ROOT, 'models', 'presets.json'), why: 'models/presets.json (the recipe presets) does not exist yet' },
  { path: join(ROOT, 'electron', 'web', 'serve.ts'), why: 'the web server electron/web/serve.ts (npm run web) does not exist yet' },
  { path: join(ROOT, 'renderer', 'dist', 'index.html'), why: 'the renderer is not built (npm run build:renderer)' },
];

/** Reasons the web-mode e2e cannot run here; empty when it can. */
export function missingForWeb(): string[] {
  return WEB_NEEDS.filter((n) => !existsSync(n.path)).map((n) => `${n.why} [${n.path}]`);
}

export const ELECTRON_DIST = join(ROOT, 'node_modules', 'electron', 'dist');

/** Why the Electron spec cannot run here, or null. */
export function missingForElectron(): string | null {
  const binary = process.platform === 'win32' ? 'electron.exe'
    : process.platform === 'darwin' ? 'Electron.app/Contents/MacOS/Electron' : 'electron';
  if (!existsSync(join(ELECTRON_DIST, binary))) {
    return `the Electron binary is not installed (${join(ELECTRON_DIST, binary)} is missing: its download is blocked on this machine)`;
  }
  if (!existsSync(join(ROOT, 'dist', 'electron', 'main', 'main.js'))) {
    return 'the main process is not compiled (dist/electron/main/main.js is missing)';
  }
  return null;
}
