/**
 * Where a worker thread's entry is: `<name>.js` beside the caller when compiled; from source, a
 * bootstrap that registers tsx's loader in the worker and then imports `<name>.ts` (Node 20 applies no
 * `--import` hooks to a worker's own entry file). Used by the document reader and the template check.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

export function workerEntry(dir: string, name: string): { entry: string | URL; eval: boolean } {
  const js = join(dir, `${name}.js`);
  if (existsSync(js)) return { entry: pathToFileURL(js), eval: false };
  const api = import.meta.resolve('tsx/esm/api');
  const ts = pathToFileURL(join(dir, `${name}.ts`)).href;
  return { entry: `import(${JSON.stringify(api)}).then((m) => { m.register(); return import(${JSON.stringify(ts)}); });`, eval: true };
}
