/**
 * Which layers keep full attention under a recipe's `faLayers` — the strip in the recipe editor and
 * the KV estimate both read it from here, so the picture and the numbers cannot disagree.
 */
import type { FaLayers } from '../contract';
import { faLayerMask } from '../../../electron/shared/fa-layers';

export { faLayerMask };

/** True when layer `layer` always attends fully (the runtime's rule: electron/shared/fa-layers.ts). */
export function isFaLayer(fa: FaLayers, layer: number): boolean {
  return layer >= 0 && faLayerMask(fa, layer + 1)[layer] === true;
}

/** The explicit list a pattern stands for on a model with nLayer layers. */
export function faLayerList(fa: FaLayers, nLayer: number): number[] {
  return faLayerMask(fa, nLayer).flatMap((on, i) => (on ? [i] : []));
}

/**
 * Flips one layer. The result is an explicit list, except that a list which happens to equal a
 * named pattern stays a list: the person chose layers one by one and sees exactly those.
 */
export function toggleFaLayer(fa: FaLayers, layer: number, nLayer: number): FaLayers {
  const set = new Set(faLayerList(fa, nLayer));
  if (set.has(layer)) set.delete(layer); else set.add(layer);
  const layers = [...set].sort((a, b) => a - b);
  return layers.length === 0 ? { kind: 'none' } : { kind: 'list', layers };
}

/** Short words for a pattern, e.g. "odd layers (14 of 28)". */
export function describeFaLayers(fa: FaLayers, nLayer?: number): string {
  const count = nLayer !== undefined ? ` (${faLayerList(fa, nLayer).length} of ${nLayer})` : '';
  switch (fa.kind) {
    case 'none': return 'no full-attention layers';
    case 'odd': return `odd layers${count}`;
    case 'even': return `even layers${count}`;
    case 'everyN': return `every ${fa.n}${ordinalSuffix(fa.n)} layer from ${fa.offset}${count}`;
    case 'list': return fa.layers.length === 0 ? 'no full-attention layers' : `layers ${compactRanges(fa.layers)}${count}`;
  }
}

function ordinalSuffix(n: number): string {
  const m100 = n % 100;
  if (m100 >= 11 && m100 <= 13) return 'th';
  return ['th', 'st', 'nd', 'rd'][n % 10] ?? 'th';
}

/** [0,1,2,5,7,8] → "0–2, 5, 7–8". */
export function compactRanges(list: readonly number[]): string {
  const sorted = [...new Set(list)].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j]! + 1) j++;
    parts.push(i === j ? `${sorted[i]}` : `${sorted[i]}–${sorted[j]}`);
    i = j + 1;
  }
  return parts.join(', ');
}
