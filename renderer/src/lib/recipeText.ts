/** A recipe in a few words, e.g. "window 2,048 · 100 sinks · odd layers full · FA decode". */
import type { PresetRecipe } from '../contract';
import { describeFaLayers } from './faLayers';
import { formatCount } from './format';

/** Takes a run recipe or a preset's written one (whose FA layers may be 'auto': a fraction on the family's parity). */
export function describeRecipe(r: PresetRecipe, nLayer?: number): string {
  if (r.window === null) return 'full attention in every layer';
  const parts = [`window ${formatCount(r.window)}`, `${formatCount(r.sinks)} sinks`];
  if (r.faLayers.kind === 'auto') parts.push(`full attention in 1/${r.faLayers.fraction} of the layers`);
  else if (r.faLayers.kind !== 'none') parts.push(`full attention in ${describeFaLayers(r.faLayers, nLayer)}`);
  if (r.faDecode === true) parts.push('FA decode');
  else if (Array.isArray(r.faDecode) && r.faDecode.length > 0) parts.push(`FA decode in ${r.faDecode.length} layers`);
  if (r.questionFa) parts.push('question FA');
  return parts.join(' · ');
}
