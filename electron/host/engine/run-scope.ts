/**
 * What the host does around one run so its numbers describe that run alone: a cold start (drop the
 * document state cached for the run's model and recipe, in memory and on disk) and the run-scoped
 * memory peak that replaces the runtime's all-time figure in the stored metrics.
 */
import { rmSync } from 'node:fs';
import type { Recipe, RunMetrics } from '../../shared/contract.js';
import type { EnginePool } from './pool.js';
import type { RunMemory } from './run-memory.js';

/** The slice of the library the on-disk KV cache lives in. */
export interface KvCacheIndex {
  kvCacheEntry(key: string): { file: string } | null | undefined;
  deleteKvCache(key: string): void;
}

/**
 * Drops the live contexts of (model, recipe). Called before the run's memory is measured, so what it
 * frees is not counted against the run.
 */
export function dropLiveState(pool: EnginePool | null, modelId: string, recipe: Recipe): void {
  pool?.dropRecipe(modelId, recipe);
}

/** Forgets the saved document state under `key` (file and index row); a cold run then prefills. */
export function dropSavedState(index: KvCacheIndex, key: string): void {
  const entry = index.kvCacheEntry(key);
  if (!entry) return;
  rmSync(entry.file, { force: true });
  index.deleteKvCache(key);
}

/** The run's metrics with the run-scoped peak in place of the runtime's process-lifetime one. */
export function withRunMemory(metrics: RunMetrics, memory: RunMemory, forcedCold: boolean): RunMetrics {
  return {
    ...metrics,
    peakRssBytes: memory.peakBytes,
    rssAtStartBytes: memory.startBytes,
    peakRssMethod: memory.method,
    ...(forcedCold ? { forcedCold: true } : {}),
  };
}
