/**
 * What a finished run's record means, in words the CLI and the UI share: whether the document was
 * read cold or came from a cache, why generation stopped, and what the run itself added to memory.
 * Pure functions over contract types (no zod, no Node): the renderer may import this module.
 */
import type { RunMetrics, RunRecord } from './contract.js';

/** 'cold': the whole document was prefilled; 'memory': a live context held it; 'disk': restored from the KV cache. */
export type CacheState = 'cold' | 'memory' | 'disk';

export function cacheState(m: Pick<RunMetrics, 'documentCached' | 'restoredFromDisk'>): CacheState {
  if (m.restoredFromDisk) return 'disk';
  return m.documentCached ? 'memory' : 'cold';
}

/** Short label for tables and charts: "cold", "cold (forced)", "cached (memory)", "cached (disk)". */
export function cacheLabel(m: Pick<RunMetrics, 'documentCached' | 'restoredFromDisk' | 'forcedCold'>): string {
  const state = cacheState(m);
  if (state === 'cold') return m.forcedCold ? 'cold (forced)' : 'cold';
  return `cached (${state})`;
}

/**
 * Why an answer may be incomplete, or null when generation ended by itself (or was cancelled, which
 * the status already says). 'maxTokens' and 'contextFull' are the runtime's StopReason values.
 */
export function stopNote(run: Pick<RunRecord, 'stopReason' | 'maxTokens'>): string | null {
  if (run.stopReason === 'maxTokens') return `stopped at the ${run.maxTokens}-token limit`;
  if (run.stopReason === 'contextFull') return 'stopped: the context is full';
  return null;
}

/** Two words for a chip or a table cell: "token limit", "context full", or null. */
export function stopTag(stopReason: RunRecord['stopReason']): string | null {
  if (stopReason === 'maxTokens') return 'token limit';
  if (stopReason === 'contextFull') return 'context full';
  return null;
}

/** Memory the run added on top of what the engine held when it started (null for runs stored before it was measured). */
export function runAddedBytes(m: Pick<RunMetrics, 'peakRssBytes' | 'rssAtStartBytes'>): number | null {
  return m.rssAtStartBytes === undefined ? null : Math.max(0, m.peakRssBytes - m.rssAtStartBytes);
}
