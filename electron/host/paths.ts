/**
 * Where things are: the project root (for the demo model and presets in development), the app data
 * folder (library, KV caches). Overridable with SWAA_DATA_DIR / SWAA_DEMO_MODEL / SWAA_PRESETS.
 */
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));

/** The folder holding our package.json (walks up from this file: works from source and from dist). */
export function projectRoot(): string {
  let dir = here;
  for (let i = 0; i < 8; i++) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg)) {
      try {
        if ((JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === 'swaa-desk') return dir;
      } catch { /* keep walking */ }
    }
    const up = dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  return join(here, '..', '..');
}

export function appVersion(): string {
  try {
    return (JSON.parse(readFileSync(join(projectRoot(), 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return '0.0.0';
  }
}

/** Per-user data folder of headless modes (Electron passes app.getPath('userData') instead). */
export function defaultDataDir(): string {
  if (process.env.SWAA_DATA_DIR) return process.env.SWAA_DATA_DIR;
  const base = process.platform === 'win32' ? (process.env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'))
    : process.platform === 'darwin' ? join(homedir(), 'Library', 'Application Support')
      : (process.env.XDG_DATA_HOME ?? join(homedir(), '.local', 'share'));
  return join(base, 'swaa-desk');
}

export function defaultDemoModelPath(): string {
  return process.env.SWAA_DEMO_MODEL ?? join(projectRoot(), 'models', 'demo', 'demo.gguf');
}

export function defaultPresetsPath(): string {
  return process.env.SWAA_PRESETS ?? join(projectRoot(), 'models', 'presets.json');
}

/** Where downloaded models go: {dataDir}/models, or SWAA_MODELS_DIR. Partial downloads live in its .partial/ folder. */
export function modelsDirOf(dataDir: string): string {
  return process.env.SWAA_MODELS_DIR ?? join(dataDir, 'models');
}
