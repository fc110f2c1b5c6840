// Bundles the sandboxed preload into one CommonJS file (a sandboxed preload cannot import modules
// other than 'electron'): dist/electron/preload/preload.cjs. Runs after tsc in build:electron.
import { build } from 'esbuild';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
await build({
  entryPoints: [join(here, 'preload', 'preload.ts')],
  outfile: join(here, '..', 'dist', 'electron', 'preload', 'preload.cjs'),
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  external: ['electron'],
  sourcemap: true,
  logLevel: 'warning',
});
console.log('preload bundled: dist/electron/preload/preload.cjs');
