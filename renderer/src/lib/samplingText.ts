/** Sampling in a few words, for cards, the conversation and the sampling section's summary. */
import type { Sampling, SamplingConfig } from '../contract';

/** "greedy" or "T 0.7 · top-p 0.9 · top-k 40 · min-p 0.05 · repeat 1.1", then the seed when there is one. */
export function samplingShort(s: Sampling | SamplingConfig): string {
  const seed = s.seed === null ? 'random seed' : `seed ${s.seed}`;
  const repeat = s.repeatPenalty !== 1 ? ` · repeat ${s.repeatPenalty}` : '';
  // A greedy draw does not depend on the seed or the filters: saying them would suggest it does.
  if (s.temperature === 0) return `greedy${repeat}`;
  const parts = [`T ${s.temperature}`, `top-p ${s.topP}`, s.topK > 0 ? `top-k ${s.topK}` : 'top-k off', `min-p ${s.minP}`];
  return `${parts.join(' · ')}${repeat} · ${seed}`;
}
