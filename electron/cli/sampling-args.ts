/**
 * The CLI's sampling flags (--temperature, --top-p, --top-k, --min-p, --repeat-penalty,
 * --repeat-last-n, --seed) → a SamplingPatch for runs.ask / runs.compare. Only the form is checked
 * here (a number); the ranges are the contract's, checked by the host like any other request.
 */
import type { Sampling, SamplingPatch } from '../shared/contract.js';

export const SAMPLING_FLAGS = {
  temperature: 'temperature',
  'top-p': 'topP',
  'top-k': 'topK',
  'min-p': 'minP',
  'repeat-penalty': 'repeatPenalty',
  'repeat-last-n': 'repeatLastN',
  seed: 'seed',
} as const satisfies Record<string, keyof Sampling>;

export type SamplingFlag = keyof typeof SAMPLING_FLAGS;

/** parseArgs options for the flags (all strings: parsed below, so a typo gets a clear message). */
export const samplingArgOptions = Object.fromEntries(
  Object.keys(SAMPLING_FLAGS).map((k) => [k, { type: 'string' as const }]),
) as Record<SamplingFlag, { type: 'string' }>;

/** Flags given → patch; undefined when none was given (the model's own sampling applies). */
export function samplingFromArgs(values: Partial<Record<SamplingFlag, string>>): SamplingPatch | undefined {
  const patch: Record<string, number | null> = {};
  for (const [flag, field] of Object.entries(SAMPLING_FLAGS) as [SamplingFlag, keyof Sampling][]) {
    const raw = values[flag];
    if (raw === undefined) continue;
    // --seed random: a new seed for this run (recorded with it and printed).
    if (flag === 'seed' && raw.trim().toLowerCase() === 'random') { patch[field] = null; continue; }
    const n = Number(raw);
    if (raw.trim() === '' || !Number.isFinite(n)) throw Object.assign(new Error(`--${flag} needs a number, got "${raw}"`), { code: 'INVALID_PAYLOAD' });
    patch[field] = n;
  }
  return Object.keys(patch).length > 0 ? patch as SamplingPatch : undefined;
}

/** "greedy · seed 7" or "temperature 0.7 · top-k 40 · top-p 0.9 · min-p 0.05 · repeat penalty 1.1 (last 64) · seed 7". */
export function samplingText(s: Sampling): string {
  if (s.temperature === 0) return `greedy${s.repeatPenalty !== 1 ? ` · repeat penalty ${s.repeatPenalty} (last ${s.repeatLastN})` : ''} · seed ${s.seed}`;
  return [
    `temperature ${s.temperature}`, `top-k ${s.topK || 'off'}`, `top-p ${s.topP}`, `min-p ${s.minP}`,
    `repeat penalty ${s.repeatPenalty}${s.repeatPenalty !== 1 ? ` (last ${s.repeatLastN})` : ''}`, `seed ${s.seed}`,
  ].join(' · ');
}
