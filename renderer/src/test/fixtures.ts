/** Plain records shaped like the contract's, for unit tests. */
import type { DocumentSummary, ModelSummary, Preset, Recipe, RunMetrics, RunRecord, Sampling } from '../contract';

export const FULL: Recipe = { window: null, sinks: 0, faLayers: { kind: 'none' }, faDecode: false, questionFa: false };
export const SWA_ODD: Recipe = { window: 2048, sinks: 100, faLayers: { kind: 'odd' }, faDecode: true, questionFa: false };

export const GREEDY: Sampling = { temperature: 0, topK: 40, topP: 0.95, minP: 0.05, repeatPenalty: 1, repeatLastN: 64, seed: 7 };

export function doc(id: string, over: Partial<DocumentSummary> = {}): DocumentSummary {
  return {
    id, path: `upload:${id}.txt`, name: `${id}.txt`, format: 'text', sha256: 'ab', fileBytes: 100, chars: 90,
    pages: null, encoding: 'utf-8', tokenCounts: {}, warnings: [], addedAt: '2026-11-25T00:00:00Z', ...over,
  };
}

export function model(id: string, over: Partial<ModelSummary> = {}): ModelSummary {
  return {
    id, path: `/m/${id}.gguf`, name: id, isDemo: false, selected: false, available: true, problem: null,
    architecture: 'qwen3', weightType: 'Q8_0', nParams: 1e6, nLayer: 4, nHead: 4, nHeadKv: 2, headDim: 64, fileType: 'MOSTLY_Q8_0', nCtxTrain: 4096, fileBytes: 1e6,
    weightBytes: 1e6, kvBytesAtContext: 1e5, contextSize: 4096, addedAt: '2026-11-25T00:00:00Z', ...over,
  };
}

export function preset(id: string, recipe: Recipe = SWA_ODD): Preset {
  return { id, label: id.toUpperCase(), tradeoff: `${id} trade-off`, paperFigure: '', recipe, demoRecipe: { ...recipe, window: recipe.window && 64 } };
}

export function metrics(over: Partial<RunMetrics> = {}): RunMetrics {
  return {
    documentCached: false, documentTokens: 1000, questionTokens: 10, prefillTokens: 1010, prefillMs: 500,
    prefillTokPerS: 2020, timeToFirstTokenMs: 520, decodeTokens: 20, decodeMs: 200, decodeTokPerS: 100,
    totalMs: 720, loadMs: 0, restoredFromDisk: false, kvBytes: 1 << 20, computeBytes: 0, deviceBytes: 0,
    peakRssBytes: 1 << 26, attnRowsDocument: 0, attnRowsQuestion: 0, attnRowsDecode: 0, threads: 2,
    backend: 'CPU', contextSize: 4096, ...over,
  };
}

export function record(id: string, over: Partial<RunRecord> = {}): RunRecord {
  return {
    id, documentId: 'd1', modelId: 'm1', compareId: null, question: 'q?', presetId: 'full', recipe: FULL,
    maxTokens: 64, status: 'done', answer: 'an answer', stopReason: 'eog', error: null, metrics: metrics(), sampling: GREEDY,
    createdAt: '2026-11-25T00:00:00Z', finishedAt: '2026-11-25T00:00:01Z', ...over,
  };
}
