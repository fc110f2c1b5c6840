/** Catalog, download and fit records shaped like the contract's, for unit tests. */
import type { CatalogModel, DownloadStatus, FitAdvice } from '../contract';
import { FULL } from './fixtures';

export function catalogModel(id: string, over: Partial<CatalogModel> = {}): CatalogModel {
  return {
    id, name: `Model ${id}`, family: 'qwen3', architecture: 'qwen3', repo: 'org/repo', revision: 'a'.repeat(40), file: `${id}.gguf`,
    quantization: 'Q8_0', bytes: 1000, sha256: 'b'.repeat(64), verification: 'pinned', trainedContext: 32768, nLayer: 4, nHeadKv: 2,
    headDim: 64, license: 'apache-2.0', gated: false, presetId: 'balanced', faParity: 'odd', why: 'because', source: 'test', modelId: null, ...over,
  };
}

export function download(id: string, over: Partial<DownloadStatus> = {}): DownloadStatus {
  return {
    id, catalogId: null, url: 'http://x/f.gguf', file: 'f.gguf', state: 'downloading', doneBytes: 0, totalBytes: 100, bytesPerSecond: 0,
    etaSeconds: null, verification: 'pinned', resumable: false, error: null, modelId: null, ...over,
  };
}

export function fitAdvice(over: Partial<FitAdvice> = {}): FitAdvice {
  return {
    contextSize: 4096, weightBytes: 1 << 30, kvBytes: 1 << 28, computeBytes: 1 << 28, totalBytes: 1.5 * 2 ** 30, freeBytes: 8 * 2 ** 30,
    machineBudgetBytes: 12 * 2 ** 30, verdict: 'fits', maxContextNow: 32768, maxContextMachine: 32768, document: null, summary: '',
    target: { kind: 'catalog', id: 'q', trainedContext: 32768, presetId: 'balanced', recipe: FULL }, ...over,
  };
}
