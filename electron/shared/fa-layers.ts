/**
 * Which layers keep full attention under a recipe's FA-layer pattern, as the runtime decides it
 * (native/src/recipe.cc resolve_recipe): odd = 1, 3, 5 …; even = 0, 2, 4 …; everyN = offset, offset + n, …
 * (nothing before offset); list = those layers. The one TypeScript statement of that rule: the recipe
 * editor's strip, the fit advisor's KV estimate and the bench's FLOP model read it from here, and
 * native/tests/ts/fa-layers.test.ts proves it equal to the runtime's own layer plan. Pure, so the
 * renderer can bundle it.
 */
import type { FaLayers } from './contract.js';

/** True at index i when layer i always attends fully. */
export function faLayerMask(fa: FaLayers, nLayer: number): boolean[] {
  const mask = Array.from({ length: nLayer }, () => false);
  switch (fa.kind) {
    case 'none': break;
    case 'odd': for (let i = 1; i < nLayer; i += 2) mask[i] = true; break;
    case 'even': for (let i = 0; i < nLayer; i += 2) mask[i] = true; break;
    case 'everyN': if (fa.n >= 1) for (let i = fa.offset; i < nLayer; i += fa.n) mask[i] = true; break;
    case 'list': for (const i of fa.layers) if (i >= 0 && i < nLayer) mask[i] = true; break;
  }
  return mask;
}
