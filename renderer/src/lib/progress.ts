/**
 * Percent, speed and time left, derived from the raw facts a prefill reports (done, total,
 * elapsed). Nothing here is stored: components call it on every render.
 */
import type { PrefillProgress } from '../contract';

/** Below this much elapsed time a speed is mostly noise from the first chunk's warm-up. */
export const MIN_ELAPSED_FOR_RATE_MS = 50;

export interface PrefillView {
  /** 0..100, integer. */
  percent: number;
  tokPerS: number | null;
  etaMs: number | null;
}

export function prefillView(p: PrefillProgress): PrefillView {
  const total = Math.max(0, p.total);
  const done = Math.min(Math.max(0, p.done), total);
  const percent = total === 0 ? 100 : Math.floor((done / total) * 100);
  if (p.elapsedMs < MIN_ELAPSED_FOR_RATE_MS || done === 0) return { percent, tokPerS: null, etaMs: null };
  const tokPerS = (done * 1000) / p.elapsedMs;
  const etaMs = ((total - done) * 1000) / tokPerS;
  return { percent, tokPerS, etaMs };
}
