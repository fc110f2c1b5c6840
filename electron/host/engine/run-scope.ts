/**
 * What the host does around one run so its numbers describe that run alone: a cold start (drop the
 * document state cached for the run's model and recipe, in memory and on disk, and the model's other
 * live contexts) and the run-scoped memory peak that replaces the runtime's all-time figure.
 */
import type { RunMetrics } from '../../shared/contract.js';
import type { EnginePool } from './pool.js';
import type { RunMemory } from './run-memory.js';

/**
 * A cold run starts from an engine that holds no document state for its model: the context of its
 * recipe (so the whole document is read) and the model's other live contexts (so their KV and
 * compute buffers are not counted in this run's peak; they are restored from the disk cache or
 * re-read when next asked). Called before the run's memory is measured, so what it frees is not
 * counted against the run.
 */
export function dropLiveState(pool: EnginePool | null, modelId: string): void {
  pool?.dropContexts(modelId);
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
