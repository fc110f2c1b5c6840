/**
 * Which recipes a remote server can run, and in what form it is told. llama-server, plain vLLM and
 * other OpenAI-compatible servers run full attention only: nothing in their API sets a window, so a
 * SWAA preset sent there would silently run as full attention and its numbers would lie; it is refused
 * with the reason instead. vLLM with the SWAA paper's patch takes the recipe as the patch's SWAAConfig
 * (sliding_window_size, keep_first, force_fa_decode, non_sliding_layers) in a `swaa_config` request
 * field (docs/remote.md says how, and that it is unverified here).
 */
import type { Recipe } from '../../shared/contract.js';
import type { RemoteKind } from '../../shared/engines.js';
import { faLayerMask } from '../../shared/fa-layers.js';

/** The patch's SWAAConfig, field for field. */
export interface SwaaConfigField {
  sliding_window_size: number;
  keep_first: number;
  force_fa_decode: boolean;
  non_sliding_layers: number[];
}

export type RemoteRecipe =
  | { ok: true; extra: Record<string, unknown> }
  | { ok: false; reason: string };

const KIND_LABEL: Record<RemoteKind, string> = {
  'llama-server': 'llama-server', vllm: 'vLLM without the SWAA patch', 'vllm-swaa': 'vLLM with the SWAA patch', openai: 'this OpenAI-compatible server',
};

/** The request fields that carry `recipe` to a server of this kind, or why it cannot run it. */
export function remoteRecipe(kind: RemoteKind, recipe: Recipe, nLayer: number | null): RemoteRecipe {
  const full = recipe.window === null;
  if (kind !== 'vllm-swaa') {
    return full ? { ok: true, extra: {} }
      : { ok: false, reason: `${KIND_LABEL[kind]} runs full attention only; this preset needs SWAA (a ${recipe.window}-token window). ` +
        'Choose the full-attention preset, run the model locally, or use vLLM with the SWAA patch (docs/remote.md)' };
  }
  // The patched server: null = full attention for this request.
  if (full) return { ok: true, extra: { swaa_config: null } };
  if (recipe.questionFa) return { ok: false, reason: 'the SWAA patch has no full attention for the question alone (questionFa); turn it off for this server' };
  if (Array.isArray(recipe.faDecode)) return { ok: false, reason: 'the SWAA patch takes FA decode for all layers or none, not a layer list' };
  let layers: number[];
  if (recipe.faLayers.kind === 'none') layers = [];
  else if (recipe.faLayers.kind === 'list') layers = [...recipe.faLayers.layers].sort((a, b) => a - b);
  else if (nLayer === null) return { ok: false, reason: 'give this server\'s model layer count (nLayer) so the FA-layer pattern can be sent as a layer list' };
  else layers = faLayerMask(recipe.faLayers, nLayer).flatMap((fa, i) => (fa ? [i] : []));
  const swaa: SwaaConfigField = { sliding_window_size: recipe.window ?? 0, keep_first: recipe.sinks, force_fa_decode: recipe.faDecode === true, non_sliding_layers: layers };
  return { ok: true, extra: { swaa_config: swaa } };
}
