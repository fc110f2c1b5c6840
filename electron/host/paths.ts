/**
 * Where things are: the project root (for the demo model and presets in development), the installed
 * app's resources folder (for them in an installed app), the app data folder (library, KV caches).
 * Overridable with SWAA_DATA_DIR / SWAA_DEMO_MODEL / SWAA_PRESETS / SWAA_SAMPLES / SWAA_CATALOG / SWAA_MODELS_DIR.
 */
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { basename, dirname, join } from 'node:path';
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

/**
 * The resources folder of an installed app, or null when running from a checkout. An installer puts
 * the app code in <resources>/app.asar (Electron reads it as a folder) and the demo model, presets and
 * native libraries beside it in <resources> (electron-builder.yml, extraResources). Decided from where
 * this code is rather than from process.resourcesPath, which the engine host under plain Node (the
 * packaging test, a headless run from an install) does not have and which in development names
 * Electron's own folder. A copy unpacked to <resources>/app counts too (npm run test:package).
 */
export function packagedResourcesDir(): string | null {
  const root = projectRoot();
  const name = basename(root);
  if (name !== 'app.asar' && name !== 'app') return null;
  // A checkout that happens to live in a folder named "app" has the native sources; an install has none.
  if (existsSync(join(root, 'native', 'CMakeLists.txt'))) return null;
  return dirname(root);
}

/** Where the demo model and presets are: models/ of the checkout, or of the installed resources. */
function modelsDir(): string {
  return join(packagedResourcesDir() ?? projectRoot(), 'models');
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
  return process.env.SWAA_DEMO_MODEL ?? join(modelsDir(), 'demo', 'demo.gguf');
}

export function defaultPresetsPath(): string {
  return process.env.SWAA_PRESETS ?? join(modelsDir(), 'presets.json');
}

/**
 * The bundled sample documents (models/demo/samples), beside the demo model: in the checkout, or as
 * an extra resource of an installed app. The host reads only this folder when asked to add the samples.
 */
export function defaultSamplesDir(): string {
  return process.env.SWAA_SAMPLES ?? join(modelsDir(), 'demo', 'samples');
}

/** The model catalog (models/catalog.json), in the checkout or the installed resources. */
export function defaultCatalogPath(): string {
  return process.env.SWAA_CATALOG ?? join(modelsDir(), 'catalog.json');
}

/** Where downloaded models go: {dataDir}/models, or SWAA_MODELS_DIR. Partial downloads live in its .partial/ folder. */
export function modelsDirOf(dataDir: string): string {
  return process.env.SWAA_MODELS_DIR ?? join(dataDir, 'models');
}
